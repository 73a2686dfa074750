from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import change_record


def normalise_email(email: str | None) -> str:
    """One spelling per address: mailboxes are case-insensitive in practice, so two spellings
    of one address are one person, and sign-in throttling counts them together."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        return normalise_email(email)

    def create_user(self, email: str, password: str | None = None, **fields):
        if not normalise_email(email):
            raise ValueError("A person needs an email address.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("is_board_admin", True)
        user = self.create_user(email, password, **fields)
        # Django's createsuperuser command comes through here; the record says so.
        change_record(
            action=AuditEvent.Action.PERSON_CREATED,
            obj=user,
            changes={
                "email": {"from": None, "to": user.email},
                "is_superuser": {"from": None, "to": True},
            },
            route="createsuperuser",
        )
        return user

    def get_by_natural_key(self, username):
        return self.get(email=self.normalize_email(username))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address.

    Board roles are flags because one person may hold several; agency membership lives in
    policies.Membership.
    """

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    is_board_admin = models.BooleanField(
        "board admin", default=False, help_text="Manages agencies, people, frameworks and cycles."
    )
    is_reviewer = models.BooleanField("reviewer", default=False)
    is_moderator = models.BooleanField("moderator", default=False)
    is_staff = models.BooleanField(
        "Django admin access", default=False, help_text="Technical administration only."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="one_person_per_email_in_any_case",
                violation_error_message="Someone already has this email address.",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def role_names(self) -> list[str]:
        names = []
        if self.is_board_admin:
            names.append("Board admin")
        if self.is_reviewer:
            names.append("Reviewer")
        if self.is_moderator:
            names.append("Moderator")
        return names

    @property
    def is_board_member(self) -> bool:
        return self.is_board_admin or self.is_reviewer or self.is_moderator
