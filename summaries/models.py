from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify


class Action(models.Model):
    """An agency's answer to a finding rated Partially met or Not met."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    finding = models.ForeignKey("reviews.Finding", on_delete=models.PROTECT, related_name="actions")
    # Kept on the action so access checks and board lists need no joins through the finding.
    review = models.ForeignKey("reviews.Review", on_delete=models.PROTECT, related_name="actions")
    agency = models.ForeignKey("policies.Agency", on_delete=models.PROTECT, related_name="actions")
    description = models.TextField("what will be done")
    owner = models.CharField("who owns it", max_length=200)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    done_note = models.TextField(blank=True)
    evidence_version = models.ForeignKey(
        "policies.PolicyVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A new policy version that shows the action is done.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done")
                | ~models.Q(done_note="")
                | models.Q(evidence_version__isnull=False),
                name="done_action_has_evidence",
            )
        ]

    def __str__(self) -> str:
        return f"Action on {self.finding.expectation.code}: {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("summaries:action", args=[self.pk])


class SentReminder(models.Model):
    """One reminder to one person. The unique constraint makes "sent once per trigger" hold
    across worker restarts: the row is inserted first and the email sent after it commits."""

    class Kind(models.TextChoices):
        REVIEW_DUE = "review_due", "Review due"
        REVIEW_OVERDUE = "review_overdue", "Review overdue"
        ACTION_DUE = "action_due", "Action due"
        ACTION_OVERDUE = "action_overdue", "Action overdue"
        POLICY_PAST_REVIEW = "policy_past_review", "Policy past its review date"
        WEEKLY_DIGEST = "weekly_digest", "Weekly digest of overdue work"
        SELF_ASSESSMENT_DUE = "self_assessment_due", "Self-assessment due"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60)
    # What fired it, e.g. "7 days before 2026-06-30", "overdue since 2026-06-30" or "2026-W27".
    trigger = models.CharField(max_length=80)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_type", "object_id", "trigger"],
                name="one_reminder_per_trigger",
            )
        ]
        indexes = [models.Index(fields=["recipient", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}: {self.trigger}"


class Export(models.Model):
    """A workbook, CSV or PDF of a cycle or a year, built in the background."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "Workbook (XLSX)"
        CSV = "csv", "Findings (CSV)"
        PDF = "pdf", "Annual summary (PDF)"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        PROCESSING = "processing", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    format = models.CharField(max_length=10, choices=Format.choices)
    cycle = models.ForeignKey(
        "reviews.ReviewCycle", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    file = models.FileField(upload_to="exports/", max_length=300, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cycle__isnull=False, year__isnull=True)
                | models.Q(cycle__isnull=True, year__isnull=False),
                name="export_is_of_a_cycle_or_a_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} of {self.scope_name}"

    def get_absolute_url(self) -> str:
        return reverse("summaries:export", args=[self.pk])

    @property
    def scope_name(self) -> str:
        return self.cycle.name if self.cycle_id else f"the year {self.year}"

    @property
    def download_name(self) -> str:
        """Named for what it holds, e.g. findings-2026-social-media-policy-review.csv."""
        if self.cycle_id:
            scope = slugify(self.cycle.name) or f"cycle-{self.cycle_id}"
        else:
            scope = str(self.year)
        stem = {self.Format.CSV: "findings", self.Format.XLSX: "figures"}.get(
            self.format, "annual-summary"
        )
        return f"{stem}-{scope}.{self.format}"
