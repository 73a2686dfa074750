import re
import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.text import slugify


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


class DatePrecision(models.TextChoices):
    """How much of a date a policy's front page gives: "1 April 2014" or only "April 2014"."""

    DAY = "day", "Day"
    MONTH = "month", "Month"


def date_as_given(value: date | None, precision: str) -> str:
    if value is None:
        return ""
    return format_date(value, "F Y" if precision == DatePrecision.MONTH else "j F Y")


class PolicyVersion(models.Model):
    # More pages than any policy has: a larger count in a file is not believed.
    MAX_PAGE_COUNT = 100_000

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
    # A month-only date is stored as the first of the month; a month-only next review date as
    # the last, because the review is not late until that month is over.
    document_date = models.DateField("date of document")
    document_date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    classification = models.CharField(max_length=100, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    next_review_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    retention_period = models.CharField(max_length=200, blank=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKING)
    rejection_reason = models.CharField(max_length=500, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # The text was read from page images by OCR, so quotes may differ from the file.
    text_from_scan = models.BooleanField(default=False)

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
        return f"{self.document.title}, {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("policies:version", args=[self.document_id, self.number])

    @property
    def extension(self) -> str:
        return self.file_kind

    @property
    def name(self) -> str:
        """How people know this version: its label from the front page, else when it came."""
        if self.version_label:
            return f"version {self.version_label}"
        uploaded = timezone.localtime(self.uploaded_at) if self.uploaded_at else None
        return (
            f"the version uploaded on {format_date(uploaded, 'j F Y')}" if uploaded else "a version"
        )

    @property
    def document_date_as_given(self) -> str:
        return date_as_given(self.document_date, self.document_date_precision)

    @property
    def next_review_as_given(self) -> str:
        return date_as_given(self.next_review_date, self.next_review_precision)

    @property
    def is_past_review(self) -> bool:
        return self.next_review_date is not None and self.next_review_date < timezone.localdate()

    @property
    def download_name(self) -> str:
        label = re.sub(r"[^A-Za-z0-9.]+", "-", self.version_label).strip("-.")
        label = label or f"{timezone.localtime(self.uploaded_at):%Y-%m-%d}"
        return f"{slugify(self.document.title) or 'policy'}-version-{label}.{self.extension}"


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
