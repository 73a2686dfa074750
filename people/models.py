import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# How long an invitation link works: long enough to span a weekend, short enough that a
# forwarded or forgotten email is soon useless.
INVITATION_LIFETIME = timedelta(hours=72)


def token_digest(token: str) -> str:
    """Only this is stored: a copy of the database cannot be used to accept an invitation."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Invitation(models.Model):
    """A one-time link that lets an invited person set their password."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be accepted"
        ACCEPTED = "accepted", "Accepted"
        REPLACED = "replaced", "Replaced by a newer invitation"
        EXPIRED = "expired", "Expired"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer invitation is sent or the account is deactivated: the link stops working.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitation for {self.person}"

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.withdrawn_at is not None:
            return self.Status.REPLACED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label
