import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse


class Agency(models.Model):
    class Sector(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        PROBATION = "probation", "Probation"
        VOLUNTARY = "voluntary", "Voluntary and community"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=30, choices=Sector.choices)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's membership of an agency: they see and upload that agency's policies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="one_membership_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.agency}"


class PolicyDocument(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_MEDIA = "social_media", "Social media policy"
        ONLINE_SAFETY = "online_safety", "Online safety policy"
        ACCEPTABLE_USE = "acceptable_use", "Acceptable use policy"
        SAFEGUARDING = "safeguarding", "Safeguarding policy"
        IMAGES = "images", "Images and recording policy"
        OTHER = "other", "Other"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.SOCIAL_MEDIA)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Denormalised so lists show the current version without a query per row.
    current_version = models.OneToOneField(
        "PolicyVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["agency__name", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.agency})"

    def get_absolute_url(self) -> str:
        return reverse("policies:document", args=[self.pk])


def version_upload_to(instance: "PolicyVersion", filename: str) -> str:
    # The name a person gave the file is never used on disk.
    return f"policies/{instance.document.agency_id}/{uuid.uuid4().hex}.{instance.extension}"


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        CHECKING = "checking", "Checking"
        READY = "ready", "Ready"
        REJECTED = "rejected", "Rejected"

    class FileKind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word document (DOCX)"
        ODT = "odt", "OpenDocument text (ODT)"

    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_upload_to, max_length=300)
    file_kind = models.CharField(max_length=10, choices=FileKind.choices)
    media_type = models.CharField(max_length=120)
    original_filename = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    page_count = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    # Front-page metadata agencies keep on a policy.
    owner = models.CharField("policy owner", max_length=200)
    version_label = models.CharField(max_length=50)
    document_date = models.DateField("date of document")
    classification = models.CharField(max_length=100, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    retention_period = models.CharField(max_length=200, blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKING)
    rejection_reason = models.CharField(max_length=500, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_unique"),
            # A rejected file may be uploaded again once it is fixed; anything else only once.
            models.UniqueConstraint(
                fields=["document", "sha256"],
                condition=~models.Q(status="rejected"),
                name="version_file_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.title} v{self.number} ({self.version_label})"

    def get_absolute_url(self) -> str:
        return reverse("policies:version", args=[self.document_id, self.number])

    @property
    def extension(self) -> str:
        return self.file_kind

    @property
    def download_name(self) -> str:
        return f"policy-{self.document_id}-version-{self.number}.{self.extension}"


class PolicyPage(models.Model):
    """The text of one page of a policy version, paragraphs separated by blank lines."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="page_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.version} page {self.number}"

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]
