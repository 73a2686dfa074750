"""An agency's self-assessment against the cycle's framework, before the board reviews its
policy. Each move checks who may make it, runs in a transaction, moves the row only from the
state it expects (a guarded UPDATE) and writes an audit event.

    not started -> in progress -> submitted        (only until the cycle's deadline)

Until it is submitted, a self-assessment follows the agency's current policy version: a newer
version uploaded meanwhile becomes the one assessed, and the agency is asked to check its quotes.
"""

import functools
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from policies.models import Agency, Membership, PolicyVersion

from ..models import Finding, ReviewCycle, SelfAssessment, SelfRating
from ..selectors_cycles import current_policy_versions
from .guards import TransitionRefused

State = SelfAssessment.State
Rating = Finding.Rating

# What an agency writes for one expectation, in the order the step asks for it.
SELF_RATING_FIELDS = ("rating", "evidence_quote", "evidence_page", "evidence_section", "comment")
EDITABLE_STATES = (State.NOT_STARTED, State.IN_PROGRESS)


class SelfAssessmentConflict(Exception):
    """Someone else at the agency saved the self-assessment after this person read it."""

    def __init__(self, assessment: SelfAssessment):
        self.assessment = assessment
        who = assessment.updated_by.get_full_name() if assessment.updated_by else "someone"
        when = timezone.localtime(assessment.updated_at).strftime("%-d %B %Y at %H:%M:%S")
        self.reason = (
            f"{who} saved this self-assessment on {when}, after you opened it. Your changes "
            "have not been saved; they are still on this page. Check the latest version, then "
            "save again."
        )
        super().__init__(self.reason)


def is_open(assessment_or_cycle, *, today: date | None = None) -> bool:
    """Whether the deadline has not passed: the agency may still change and submit it."""
    cycle = getattr(assessment_or_cycle, "cycle", assessment_or_cycle)
    due_on = cycle.self_assessment_due_on
    return due_on is not None and (today or timezone.localdate()) <= due_on


def self_rating_problems(rating: SelfRating) -> list[tuple[str, str]]:
    """What is missing before this rating can be submitted: (field, message) pairs."""
    code = rating.expectation.code
    if not rating.rating:
        return [("rating", f"Select your rating for {code}")]
    if rating.rating in (Rating.MET, Rating.PARTIALLY_MET):
        missing = []
        if not rating.evidence_quote.strip():
            missing.append(("evidence_quote", f"Quote where your policy addresses {code}"))
        if not rating.evidence_page and not rating.evidence_section.strip():
            missing.append(("evidence_page", f"Give the page or section of the quote for {code}"))
        return missing
    return []


def self_assessment_problems(assessment: SelfAssessment) -> list[str]:
    ratings = assessment.ratings.select_related("expectation").order_by("expectation__order")
    return [message for rating in ratings for _, message in self_rating_problems(rating)]


def _record(action: str, *, assessment: SelfAssessment, by, request, detail: dict) -> None:
    audit_record(
        action=action,
        request=request,
        actor=by,
        obj=assessment,
        agency=assessment.agency,
        detail=detail,
    )


def audited_refusals(service):
    """Record every refused move; outside the service's transaction, so the record is kept."""

    @functools.wraps(service)
    def wrapped(*, by, request=None, **kwargs):
        try:
            return service(by=by, request=request, **kwargs)
        except (TransitionRefused, SelfAssessmentConflict) as refusal:
            assessment = kwargs.get("assessment")
            conflict = isinstance(refusal, SelfAssessmentConflict)
            audit_record(
                action=(
                    AuditEvent.Action.EDIT_CONFLICT
                    if conflict
                    else AuditEvent.Action.TRANSITION_REFUSED
                ),
                request=request,
                actor=by,
                obj=assessment,
                agency=assessment.agency if assessment is not None else kwargs.get("agency"),
                detail={"service": service.__name__, "reason": refusal.reason},
            )
            raise

    return wrapped


def _refuse_unless_member(*, agency: Agency, by) -> None:
    # Read fresh, not from the per-request cache: a membership may have just ended.
    if not Membership.objects.filter(user_id=by.pk, agency_id=agency.pk).exists():
        raise TransitionRefused(f"Only members of {agency} assess its policy.")


def _current_version(agency_id: int) -> PolicyVersion | None:
    return current_policy_versions([agency_id]).get(agency_id)


@audited_refusals
def self_assessment_open(*, cycle: ReviewCycle, agency: Agency, by, request=None) -> SelfAssessment:
    """The agency's self-assessment in the cycle, made (not started) the first time a member
    looks for it. Safe to call again: there is one per agency per cycle."""
    existing = SelfAssessment.objects.filter(cycle=cycle, agency=agency).first()
    if existing is not None:
        return existing
    if cycle.self_assessment_due_on is None:
        raise TransitionRefused(f"{cycle} does not ask agencies to assess themselves.")
    if not cycle.agencies.filter(pk=agency.pk).exists():
        raise TransitionRefused(f"{agency} is not in the scope of {cycle}.")
    _refuse_unless_member(agency=agency, by=by)
    try:
        with transaction.atomic():
            assessment = SelfAssessment.objects.create(
                cycle=cycle,
                agency=agency,
                policy_version=_current_version(agency.pk),
                updated_by=by,
            )
            SelfRating.objects.bulk_create(
                SelfRating(assessment=assessment, expectation=expectation)
                for expectation in cycle.framework.expectations.order_by("order")
            )
    except IntegrityError:
        # Another member of the agency opened it in the same moment.
        return SelfAssessment.objects.get(cycle=cycle, agency=agency)
    return assessment


def _claim_for_edit(*, assessment: SelfAssessment, by, lock_version: int, today: date) -> None:
    """Take the edit: a member, before the deadline, from the version they read. One UPDATE
    both checks and bumps the version, so of two concurrent saves exactly one wins."""
    _refuse_unless_member(agency=assessment.agency, by=by)
    if not is_open(assessment, today=today):
        raise TransitionRefused(
            f"The self-assessment closed on {assessment.cycle.self_assessment_due_on:%-d %B %Y}, "
            "so it can no longer be changed or submitted."
        )
    claimed = SelfAssessment.objects.filter(
        pk=assessment.pk, lock_version=lock_version, state__in=EDITABLE_STATES
    ).update(lock_version=F("lock_version") + 1, updated_by=by, updated_at=timezone.now())
    if claimed:
        return
    current = SelfAssessment.objects.select_related("updated_by", "cycle", "agency").get(
        pk=assessment.pk
    )
    if current.state not in EDITABLE_STATES:
        raise TransitionRefused("This self-assessment is submitted, so it cannot be changed.")
    raise SelfAssessmentConflict(current)


@audited_refusals
def self_assessment_save(
    *,
    assessment: SelfAssessment,
    by,
    lock_version: int,
    answers: dict[int, dict],
    today: date | None = None,
    request=None,
) -> SelfAssessment:
    """Save a step's ratings, keyed by rating id. Partial answers are kept: a draft is a draft."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _claim_for_edit(assessment=assessment, by=by, lock_version=lock_version, today=today)
        ratings = {r.pk: r for r in assessment.ratings.filter(pk__in=answers)}
        if len(ratings) != len(answers):
            raise TransitionRefused("Some of these answers are not for this self-assessment.")
        for rating_id, values in answers.items():
            rating = ratings[rating_id]
            for field in SELF_RATING_FIELDS:
                if field not in values:
                    continue
                value = values[field]
                if field == "evidence_page":
                    value = value or None
                setattr(rating, field, "" if value is None and field != "evidence_page" else value)
        SelfRating.objects.bulk_update(ratings.values(), list(SELF_RATING_FIELDS))
        started = SelfAssessment.objects.filter(pk=assessment.pk, state=State.NOT_STARTED).update(
            state=State.IN_PROGRESS
        )
        if started:
            _record(
                AuditEvent.Action.SELF_ASSESSMENT_STARTED,
                assessment=assessment,
                by=by,
                request=request,
                detail={"cycle": assessment.cycle.name},
            )
    assessment.refresh_from_db()
    return assessment


@audited_refusals
def self_assessment_submit(
    *,
    assessment: SelfAssessment,
    by,
    lock_version: int,
    today: date | None = None,
    request=None,
) -> SelfAssessment:
    """Submit for the board: every expectation rated, with its evidence where met."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _claim_for_edit(assessment=assessment, by=by, lock_version=lock_version, today=today)
        problems = self_assessment_problems(assessment)
        if problems:
            # Raising inside the transaction rolls back the claim: nothing is half-done.
            raise TransitionRefused("; ".join(problems))
        moved = SelfAssessment.objects.filter(pk=assessment.pk, state=State.IN_PROGRESS).update(
            state=State.SUBMITTED, submitted_at=timezone.now(), submitted_by=by
        )
        if not moved:
            raise TransitionRefused("Save your ratings before you submit the self-assessment.")
        _record(
            AuditEvent.Action.SELF_ASSESSMENT_SUBMITTED,
            assessment=assessment,
            by=by,
            request=request,
            detail={"cycle": assessment.cycle.name},
        )
    assessment.refresh_from_db()
    return assessment


def self_assessment_follow_policy(
    *, assessment: SelfAssessment, by, request=None
) -> PolicyVersion | None:
    """Move a self-assessment not yet submitted to the agency's current policy version, where
    a newer one is ready. Gives back the version it assessed before, or None if it stays.
    Ratings are kept: the agency checks its quotes and pages against the new version."""
    if assessment.state not in EDITABLE_STATES:
        return None
    current = _current_version(assessment.agency_id)
    if current is None or current.pk == assessment.policy_version_id:
        return None
    previous = assessment.policy_version
    with transaction.atomic():
        moved = SelfAssessment.objects.filter(
            pk=assessment.pk,
            state__in=EDITABLE_STATES,
            policy_version_id=assessment.policy_version_id,
        ).update(policy_version=current)
        if not moved:
            # Submitted, or moved by another member's request, meanwhile.
            assessment.refresh_from_db()
            return None
        _record(
            AuditEvent.Action.SELF_ASSESSMENT_VERSION_CHANGED,
            assessment=assessment,
            by=by,
            request=request,
            detail={
                "cycle": assessment.cycle.name,
                "from": previous.version_label if previous else None,
                "to": current.version_label,
            },
        )
    assessment.policy_version = current
    return previous
