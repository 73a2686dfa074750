import datetime
import hashlib
import json

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone


def event_hash(content: dict, previous_hash: str) -> str:
    """sha256 of the event's content and the hash of the event before it, as canonical JSON."""
    canonical = json.dumps(
        {**content, "previous_hash": previous_hash},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def chain_tip(using: str = "default") -> str:
    """The hash of the newest event, taken under the chain's lock so that no two writers
    ever follow the same event. The lock is held until the writer's transaction ends.

    PostgreSQL: audit_chain_tip() (made by the audit migrations) takes an advisory lock, then
    reads the newest hash with a fresh snapshot. SQLite: transactions begin IMMEDIATE, so the
    writer already holds the database's write lock.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT audit_chain_tip()")
        else:
            cursor.execute("SELECT hash FROM audit_auditevent ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    return (row[0] if row else "") or ""


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
        OIDC_SIGN_IN_REFUSED = "oidc_sign_in_refused", "Organisation account sign-in refused"
        SECOND_FACTOR_ADDED = "second_factor_added", "Second factor set up"
        SECOND_FACTOR_FAILED = "second_factor_failed", "Wrong second factor code"
        SECOND_FACTOR_RESET = "second_factor_reset", "Second factor reset"
        UPLOAD = "upload", "Uploaded a policy version"
        UPLOAD_REFUSED = "upload_refused", "Upload refused"
        VERSION_READY = "version_ready", "Policy text extracted"
        VERSION_REJECTED = "version_rejected", "Policy version rejected by checks"
        DOWNLOAD = "download", "Downloaded a policy version"
        ACCESS_REFUSED = "access_refused", "Access refused"
        FRAMEWORK_LOADED = "framework_loaded", "Framework version loaded"
        FRAMEWORK_DRAFT_CREATED = "framework_draft_created", "Framework draft started"
        FRAMEWORK_DRAFT_CHANGED = "framework_draft_changed", "Framework draft changed"
        FRAMEWORK_DRAFT_DISCARDED = "framework_draft_discarded", "Framework draft discarded"
        FRAMEWORK_PUBLISHED = "framework_published", "Framework version published"
        FRAMEWORK_EXPORTED = "framework_exported", "Framework version exported"
        CYCLE_OPENED = "cycle_opened", "Review cycle opened"
        CYCLE_AGENCY_ADDED = "cycle_agency_added", "Agency added to a review cycle"
        CYCLE_AGENCY_REMOVED = "cycle_agency_removed", "Agency taken out of a review cycle"
        CYCLE_SETTINGS_CHANGED = (
            "cycle_settings_changed",
            "Review cycle's self-assessment deadline or reply window changed",
        )
        REVIEW_ASSIGNED = "review_assigned", "Review assigned"
        REVIEW_REASSIGNED = "review_reassigned", "Review reassigned"
        REVIEW_STARTED = "review_started", "Review started"
        REVIEW_SUBMITTED = "review_submitted", "Review submitted"
        REVIEW_RETURNED = "review_returned", "Review returned to the reviewer"
        REVIEW_SIGNED_OFF = "review_signed_off", "Review signed off"
        REVIEW_WITHDRAWN = "review_withdrawn", "Review withdrawn"
        REPLY_WINDOW_OPENED = "reply_window_opened", "Agency's reply window opened"
        REPLY_WINDOW_NOTIFIED = "reply_window_notified", "Agency told it may reply"
        REPLY_SAVED = "reply_saved", "Agency replied to a finding"
        REPLY_ANSWERED = "reply_answered", "Reviewer answered a reply"
        REPLY_AMENDMENT_CONFIRMED = "reply_amendment_confirmed", "Amended finding confirmed"
        REPLY_AMENDMENT_REJECTED = "reply_amendment_rejected", "Amendment sent back to the reviewer"
        REPLY_FINISHED = "reply_finished", "Agency said it had finished replying"
        REPLY_WINDOW_CLOSED = "reply_window_closed", "Agency's reply ended"
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
        PERSON_CREATED = "person_created", "Person added"
        PERSON_CHANGED = "person_changed", "Person's details changed"
        PERSON_DELETED = "person_deleted", "Person deleted"
        PASSWORD_SET = "password_set", "Password set"
        MEMBERSHIP_ADDED = "membership_added", "Agency membership added"
        MEMBERSHIP_ENDED = "membership_ended", "Agency membership ended"
        AGENCY_CREATED = "agency_created", "Agency added"
        AGENCY_CHANGED = "agency_changed", "Agency changed"
        AGENCY_DELETED = "agency_deleted", "Agency deleted"
        RECORD_CHANGED = "record_changed", "Record changed in the Django admin"
        CSRF_FAILED = "csrf_failed", "Form refused: security check failed"
        RETENTION_APPLIED = "retention_applied", "Records past their retention period removed"
        PERSON_INVITED = "person_invited", "Person invited"
        INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted: password set"
        ROLE_GIVEN = "role_given", "Board role given"
        ROLE_REMOVED = "role_removed", "Board role removed"
        PERSON_DEACTIVATED = "person_deactivated", "Account deactivated"
        PERSON_REACTIVATED = "person_reactivated", "Account reactivated"
        SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", "Signed out of all other devices"
        SUGGESTION_DISMISSED = "suggestion_dismissed", "Suggested evidence marked not relevant"
        SELF_ASSESSMENT_STARTED = "self_assessment_started", "Self-assessment started"
        SELF_ASSESSMENT_SUBMITTED = "self_assessment_submitted", "Self-assessment submitted"
        SELF_ASSESSMENT_VERSION_CHANGED = (
            "self_assessment_version_changed",
            "Self-assessment moved to the agency's newer policy version",
        )

    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
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
    # The chain: this event's hash covers its content and the hash of the event before it, so
    # an event changed or removed afterwards breaks every link that follows.
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["agency", "-at"]), models.Index(fields=["actor", "-at"])]
        constraints = [
            # Two concurrent writers can never both follow the same event.
            models.UniqueConstraint(
                fields=["previous_hash"],
                condition=~models.Q(previous_hash=""),
                name="one_event_follows_each_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or 'anonymous'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be changed.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # Stored as the database gives it back, so the hash checks out when read again.
        self.ip_address = self._meta.get_field("ip_address").get_prep_value(self.ip_address)
        self.detail = json.loads(json.dumps(self.detail or {}))
        # No savepoint: inside a caller's transaction this joins it (and the chain's lock lasts
        # until it ends); alone, it is a transaction of its own.
        with transaction.atomic(using=using, savepoint=False):
            self.previous_hash = chain_tip(using)
            self.hash = self.compute_hash()
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def content(self) -> dict:
        """The event's hashed fields as JSON values, the same whether just made or read back."""
        return {
            "at": self.at.astimezone(datetime.UTC).isoformat(),
            "action": self.action,
            "actor_id": self.actor_id,
            "actor_email": self.actor_email,
            "agency_id": self.agency_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "path": self.path,
            "ip_address": self.ip_address,
            "detail": self.detail,
        }

    def compute_hash(self) -> str:
        return event_hash(self.content(), self.previous_hash)
