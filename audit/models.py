from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Audit events are written once and never changed or removed."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        SIGN_OUT = "sign_out", "Signed out"
        UPLOAD = "upload", "Uploaded a policy version"
        UPLOAD_REFUSED = "upload_refused", "Upload refused"
        VERSION_READY = "version_ready", "Policy text extracted"
        VERSION_REJECTED = "version_rejected", "Policy version rejected by checks"
        DOWNLOAD = "download", "Downloaded a policy version"
        ACCESS_REFUSED = "access_refused", "Access refused"
        FRAMEWORK_LOADED = "framework_loaded", "Framework version loaded"
        CYCLE_OPENED = "cycle_opened", "Review cycle opened"
        REVIEW_ASSIGNED = "review_assigned", "Review assigned"
        REVIEW_REASSIGNED = "review_reassigned", "Review reassigned"
        REVIEW_STARTED = "review_started", "Review started"
        REVIEW_SUBMITTED = "review_submitted", "Review submitted"
        REVIEW_RETURNED = "review_returned", "Review returned to the reviewer"
        REVIEW_SIGNED_OFF = "review_signed_off", "Review signed off"
        REVIEW_WITHDRAWN = "review_withdrawn", "Review withdrawn"
        TRANSITION_REFUSED = "transition_refused", "Review action refused"
        EDIT_CONFLICT = "edit_conflict", "Edit refused: someone saved first"
        OUTCOME_ISSUED = "outcome_issued", "Outcome issued"
        OUTCOME_FAILED = "outcome_failed", "Outcome could not be prepared"
        OUTCOME_RETRIED = "outcome_retried", "Outcome prepared again"
        OUTCOME_DOWNLOADED = "outcome_downloaded", "Outcome downloaded"
        ACTION_RECORDED = "action_recorded", "Action recorded"
        ACTION_UPDATED = "action_updated", "Action updated"
        REVIEWS_CARRIED_FORWARD = "reviews_carried_forward", "Findings carried forward"
        EXPORT_REQUESTED = "export_requested", "Export requested"
        EXPORT_DOWNLOADED = "export_downloaded", "Export downloaded"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    # Kept as text as well so the record still reads the same if the account is renamed.
    actor_email = models.CharField(max_length=254, blank=True)
    agency = models.ForeignKey(
        "policies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["agency", "-at"]), models.Index(fields=["actor", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or 'anonymous'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
