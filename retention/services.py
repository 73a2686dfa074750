"""Records past their retention period are removed, and the removal is itself recorded.

Each kind of record has its own period (settings, in days; 0 keeps it for ever):
- superseded policy versions (their files, text and evidence passages) that no review, action
  or policy still points at: POLICY_FILE_RETENTION_DAYS after upload;
- finished reviews (outcome issued or withdrawn) with their findings, sign-offs, outcome PDF and
  completed actions: REVIEW_RETENTION_DAYS after their last move; a review with an action still
  open is kept;
- audit events: AUDIT_RETENTION_DAYS, oldest first, leaving an anchor so the trail still checks.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import TrailTrim, audit_record, audit_trail_expired, audit_trail_trim
from outcomes.models import Outcome
from policies.models import PolicyDocument, PolicyVersion
from reviews.models import Review
from summaries.models import Action

FINISHED_STATES = (Review.State.OUTCOME_ISSUED, Review.State.WITHDRAWN)
OPEN_ACTIONS = (Action.Status.PLANNED, Action.Status.IN_PROGRESS)


def _cutoff(days: int, now: datetime) -> datetime | None:
    return now - timedelta(days=days) if days > 0 else None


@dataclass
class RetentionRun:
    """What goes (or went): each review and policy version described as it was."""

    policy_versions: list[dict] = field(default_factory=list)
    reviews: list[dict] = field(default_factory=list)
    audit: TrailTrim = TrailTrim(0, None, "")
    kept: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.policy_versions or self.reviews or self.audit.count)


def expired_reviews(*, before: datetime):
    return (
        Review.objects.filter(state__in=FINISHED_STATES, updated_at__lt=before)
        .exclude(actions__status__in=OPEN_ACTIONS)
        .select_related("agency", "cycle")
        .order_by("pk")
    )


def expired_policy_versions(*, before: datetime, leaving=()):
    """Superseded versions uploaded before `before` that nothing points at any more (`leaving`:
    reviews about to go, which no longer hold their version)."""
    current = PolicyDocument.objects.exclude(current_version=None).values("current_version")
    held = Review.objects.exclude(pk__in=[r.pk for r in leaving]).values("policy_version")
    evidence = Action.objects.exclude(evidence_version=None).values("evidence_version")
    return (
        PolicyVersion.objects.filter(uploaded_at__lt=before)
        .exclude(pk__in=current)
        .exclude(pk__in=held)
        .exclude(pk__in=evidence)
        .select_related("document__agency")
        .order_by("pk")
    )


def _expired(now: datetime) -> tuple[list[Review], list[PolicyVersion], datetime | None]:
    reviews, versions = [], []
    if before := _cutoff(settings.REVIEW_RETENTION_DAYS, now):
        reviews = list(expired_reviews(before=before))
    if before := _cutoff(settings.POLICY_FILE_RETENTION_DAYS, now):
        versions = list(expired_policy_versions(before=before, leaving=reviews))
    return reviews, versions, _cutoff(settings.AUDIT_RETENTION_DAYS, now)


def retention_plan(*, now: datetime | None = None) -> RetentionRun:
    """What would go now, without removing anything."""
    reviews, versions, audit_before = _expired(now or timezone.now())
    return RetentionRun(
        reviews=[_describe_review(r) for r in reviews],
        policy_versions=[_describe_version(v) for v in versions],
        audit=audit_trail_expired(before=audit_before) if audit_before else TrailTrim(0, None, ""),
    )


def _remove_files_after_commit(files) -> None:
    # Files go only once the rows are gone for good: a rolled-back run leaves everything.
    names = [(f.storage, f.name) for f in files if f]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


def _remove_review(review: Review) -> None:
    outcome = Outcome.objects.filter(review=review).first()
    Action.objects.filter(review=review).delete()
    if outcome is not None:
        _remove_files_after_commit([outcome.file])
        outcome.delete()
    review.delete()


def retention_apply(*, now: datetime | None = None) -> RetentionRun:
    """Remove what has passed its retention period and record what went."""
    reviews, versions, audit_before = _expired(now or timezone.now())
    run = RetentionRun()
    for review in reviews:
        described = _describe_review(review)
        try:
            with transaction.atomic():
                _remove_review(review)
        except ProtectedError as error:
            run.kept.append(f"Review {described['id']}: still referred to by {error}")
            continue
        run.reviews.append(described)
    with transaction.atomic():
        # Versions held only by the reviews that went are past their period too.
        versions = [v for v in versions if not Review.objects.filter(policy_version=v).exists()]
        run.policy_versions = [_describe_version(v) for v in versions]
        _remove_files_after_commit([version.file for version in versions])
        for version in versions:
            version.delete()
        if run.reviews or run.policy_versions:
            audit_record(
                action=AuditEvent.Action.RETENTION_APPLIED,
                detail={
                    "reviews_removed": run.reviews,
                    "policy_versions_removed": run.policy_versions,
                },
            )
    if audit_before is not None:
        run.audit = audit_trail_trim(before=audit_before)
    return run


def _describe_review(review: Review) -> dict:
    return {"id": review.pk, "agency": review.agency.name, "cycle": review.cycle.name}


def _describe_version(version: PolicyVersion) -> dict:
    return {
        "id": version.pk,
        "agency": version.document.agency.name,
        "policy": version.document.title,
        "version": version.number,
        "sha256": version.sha256,
    }


def describe(run: RetentionRun) -> list[str]:
    """The run as lines a person reads."""
    lines = [f"Review {r['id']}: {r['agency']}, {r['cycle']}" for r in run.reviews]
    lines += [
        f"Policy version {v['id']}: {v['agency']}, {v['policy']} version {v['version']}"
        for v in run.policy_versions
    ]
    if run.audit.count:
        lines.append(f"Audit events: {run.audit.count}, through event #{run.audit.through_id}")
    lines += [f"Kept: {reason}" for reason in run.kept]
    return lines
