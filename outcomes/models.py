from django.db import models
from django.urls import reverse
from django.utils import timezone


def outcome_upload_to(instance: "Outcome", filename: str) -> str:
    return f"outcomes/{filename}"


class Outcome(models.Model):
    """The signed PDF the board issues for a signed-off review: one per review, ever.

    What it shows is taken when the review is signed off and kept in `content`, so the PDF says
    exactly what was signed off whatever changes later.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be prepared"
        RENDERING = "rendering", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be prepared"

    # One to one: the database's unique constraint means a second outcome can never be made.
    review = models.OneToOneField(
        "reviews.Review", on_delete=models.PROTECT, related_name="outcome"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    content = models.JSONField(help_text="What the outcome shows, as signed off.")
    file = models.FileField(upload_to=outcome_upload_to, max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    # The public certificate it was signed with, so outcomes stay checkable after a renewal.
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    certificate_subject = models.CharField(max_length=300, blank=True)
    certificate_pem = models.TextField(blank=True)
    timestamped = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the status last moved or the outcome was last queued: one still preparing long after
    # this has lost its task and is queued again.
    status_changed_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ready") | ~models.Q(sha256=""),
                name="ready_outcome_has_its_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome {self.reference}"

    @property
    def reference(self) -> str:
        return self.content.get("reference", "")

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_preparing(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RENDERING)

    @property
    def download_name(self) -> str:
        return f"{self.reference} outcome.pdf"

    def get_download_url(self) -> str:
        return reverse("outcomes:download", args=[self.review_id])
