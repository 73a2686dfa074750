"""The review lifecycle: each move is one service that checks who may make it, runs in a
transaction, moves the row only from the state it expects (a guarded UPDATE) and writes an audit
event.

    assigned -> in progress -> submitted -> signed off -> outcome issued
                     ^             |
                     +-- returned -+       (a board admin may withdraw at any point)
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from evidence.feedback import evidence_accept_quotes
from policies.models import Agency, Membership, PolicyVersion
from policies.rules import member_agency_ids

from ..answers import ANSWER_FIELDS
from ..models import Finding, Recommendation, ReturnRound, Review, ReviewCycle, SignOff
from ..selectors_cycles import current_policy_versions

State = Review.State
Rating = Finding.Rating
Outcome = Review.Outcome

REVIEWER_ATTESTATION = (
    "I have assessed this policy against every expectation of the framework, the evidence "
    "quoted is taken from the policy itself, and the ratings are my own judgement."
)
MODERATOR_ATTESTATION = (
    "I have checked this review, the findings are supported by the evidence recorded, and I "
    "sign it off on behalf of the board."
)


class TransitionRefused(Exception):
    """A move that is not allowed now, or not for this person, with the reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class EditConflict(Exception):
    """Someone saved the review after this person read it."""

    def __init__(self, review: Review):
        self.review = review
        who = review.updated_by.get_full_name() if review.updated_by else "someone"
        when = timezone.localtime(review.updated_at).strftime("%-d %B %Y at %H:%M:%S")
        self.reason = (
            f"{who} saved this review on {when}, after you opened it. Your changes have not "
            "been saved; they are still on this page. Check the latest version, then save again."
        )
        super().__init__(self.reason)


def _record(action: str, *, review: Review, by, request, detail: dict) -> None:
    audit_record(
        action=action, request=request, actor=by, obj=review, agency=review.agency, detail=detail
    )


def audited_refusals(service):
    """Record every refused move; outside the service's transaction, so the record is kept."""

    @functools.wraps(service)
    def wrapped(*, by, request=None, **kwargs):
        try:
            return service(by=by, request=request, **kwargs)
        except (TransitionRefused, EditConflict) as refusal:
            review = kwargs.get("review")
            conflict = isinstance(refusal, EditConflict)
            audit_record(
                action=(
                    AuditEvent.Action.EDIT_CONFLICT
                    if conflict
                    else AuditEvent.Action.TRANSITION_REFUSED
                ),
                request=request,
                actor=by,
                obj=review,
                agency=review.agency if review is not None else None,
                detail={"service": service.__name__, "reason": refusal.reason},
            )
            raise

    return wrapped


def conflict_of_interest(*, agency: Agency, reviewer, moderator) -> list[str]:
    """Why this pair may not review this agency's policy; empty when they may."""
    problems = []
    if reviewer is not None and moderator is not None and reviewer.pk == moderator.pk:
        problems.append(f"{reviewer} cannot be both the reviewer and the moderator")
    if reviewer is not None:
        if not reviewer.is_reviewer:
            problems.append(f"{reviewer} is not a reviewer")
        if agency.pk in member_agency_ids(reviewer):
            problems.append(f"{reviewer} is a member of {agency}, so cannot review its policy")
    if moderator is not None:
        if not moderator.is_moderator:
            problems.append(f"{moderator} is not a moderator")
        if agency.pk in member_agency_ids(moderator):
            problems.append(f"{moderator} is a member of {agency}, so cannot moderate its review")
    return problems


def _refuse_if_member(*, review: Review, by, role: str) -> None:
    """A reviewer or moderator who has since joined the agency may not move its review.

    Read fresh, not from the per-request cache: the membership may be minutes old.
    """
    if Membership.objects.filter(user_id=by.pk, agency_id=review.agency_id).exists():
        raise TransitionRefused(
            f"You are now a member of {review.agency}, so you cannot {role} its policy. "
            "A board admin needs to reassign this review."
        )


def current_policy_version(agency: Agency) -> PolicyVersion | None:
    """The agency's policy to review: the newest ready version of its social-media policy."""
    return current_policy_versions([agency.pk]).get(agency.pk)


@dataclass(frozen=True)
class Assignment:
    agency: Agency
    policy_version: PolicyVersion | None


def review_assign(
    *,
    cycle: ReviewCycle,
    agency: Agency,
    reviewer,
    moderator,
    due_on: date,
    by,
    policy_version: PolicyVersion | None = None,
    request=None,
) -> Review:
    return review_assign_many(
        cycle=cycle,
        agencies=[agency],
        reviewer=reviewer,
        moderator=moderator,
        due_on=due_on,
        by=by,
        policy_versions={agency.pk: policy_version} if policy_version else None,
        request=request,
    )[0]


@audited_refusals
def review_assign_many(
    *,
    cycle: ReviewCycle,
    agencies: Iterable[Agency],
    reviewer,
    moderator,
    due_on: date,
    by,
    policy_versions: dict[int, PolicyVersion] | None = None,
    request=None,
) -> list[Review]:
    """Assign one review per agency, all or none: any problem refuses the whole batch."""
    agencies = list(agencies)
    if not by.is_board_admin:
        raise TransitionRefused("Only a board admin assigns reviews.")
    problems: list[str] = []
    in_scope = set(cycle.agencies.values_list("pk", flat=True))
    already = set(cycle.reviews.exclude(state=State.WITHDRAWN).values_list("agency_id", flat=True))
    versions: dict[int, PolicyVersion] = {}
    # One query for every agency whose policy was not chosen by the caller.
    current = current_policy_versions(
        [a.pk for a in agencies if a.pk not in (policy_versions or {})]
    )
    for agency in agencies:
        problems += conflict_of_interest(agency=agency, reviewer=reviewer, moderator=moderator)
        if agency.pk not in in_scope:
            problems.append(f"{agency} is not in the scope of {cycle}")
        if agency.pk in already:
            problems.append(f"{agency} already has a review in {cycle}")
        version = (policy_versions or {}).get(agency.pk) or current.get(agency.pk)
        if version is None:
            problems.append(f"{agency} has no policy ready to review")
        elif version.document.agency_id != agency.pk:
            problems.append(f"That policy does not belong to {agency}")
        else:
            versions[agency.pk] = version
    problems = list(dict.fromkeys(problems))
    if problems:
        raise TransitionRefused("; ".join(problems))

    expectations = list(cycle.framework.expectations.order_by("order"))
    try:
        with transaction.atomic():
            reviews = _create_reviews(
                cycle=cycle,
                agencies=agencies,
                versions=versions,
                expectations=expectations,
                reviewer=reviewer,
                moderator=moderator,
                due_on=due_on,
                by=by,
                request=request,
            )
    except IntegrityError:
        # Another admin assigned one of these agencies in the same moment.
        raise TransitionRefused(
            "One of these agencies was assigned by someone else just now. Check the cycle "
            "and try again."
        ) from None
    return reviews


def _create_reviews(
    *, cycle, agencies, versions, expectations, reviewer, moderator, due_on, by, request
) -> list[Review]:
    reviews = []
    for agency in agencies:
        review = Review.objects.create(
            cycle=cycle,
            policy_version=versions[agency.pk],
            agency=agency,
            framework=cycle.framework,
            reviewer=reviewer,
            moderator=moderator,
            due_on=due_on,
            assigned_by=by,
            updated_by=by,
        )
        Finding.objects.bulk_create(Finding(review=review, expectation=e) for e in expectations)
        _record(
            AuditEvent.Action.REVIEW_ASSIGNED,
            review=review,
            by=by,
            request=request,
            detail={"reviewer": reviewer.email, "moderator": moderator.email},
        )
        reviews.append(review)
    return reviews


FINAL_STATES = (State.SIGNED_OFF, State.OUTCOME_ISSUED, State.WITHDRAWN)


@audited_refusals
def review_reassign(*, review: Review, reviewer, moderator, by, request=None) -> Review:
    if not by.is_board_admin:
        raise TransitionRefused("Only a board admin reassigns reviews.")
    problems = conflict_of_interest(agency=review.agency, reviewer=reviewer, moderator=moderator)
    if problems:
        raise TransitionRefused("; ".join(problems))
    before = {"reviewer": review.reviewer.email, "moderator": review.moderator.email}
    with transaction.atomic():
        moved = (
            Review.objects.filter(pk=review.pk)
            .exclude(state__in=FINAL_STATES)
            .update(
                reviewer=reviewer,
                moderator=moderator,
                lock_version=F("lock_version") + 1,
                updated_by=by,
                updated_at=timezone.now(),
            )
        )
        if not moved:
            raise TransitionRefused(
                "A review that is signed off or withdrawn cannot be reassigned."
            )
        _record(
            AuditEvent.Action.REVIEW_REASSIGNED,
            review=review,
            by=by,
            request=request,
            detail={
                "before": before,
                "after": {"reviewer": reviewer.email, "moderator": moderator.email},
            },
        )
    review.refresh_from_db()
    return review


def _claim_for_edit(*, review: Review, by, lock_version: int, request=None) -> None:
    """Take the edit: only the reviewer, only while editable, only from the version they read.

    One UPDATE both checks and bumps the version, so of two concurrent saves exactly one wins.
    """
    if by.pk != review.reviewer_id:
        raise TransitionRefused("Only the assigned reviewer can change this review.")
    _refuse_if_member(review=review, by=by, role="review")
    claimed = Review.objects.filter(
        pk=review.pk, lock_version=lock_version, state__in=Review.EDITABLE_STATES
    ).update(
        lock_version=F("lock_version") + 1,
        updated_by=by,
        updated_at=timezone.now(),
    )
    if claimed:
        return
    current = Review.objects.select_related("updated_by").get(pk=review.pk)
    if current.state not in Review.EDITABLE_STATES:
        raise TransitionRefused(
            f"This review is {current.get_state_display().lower()}, so it cannot be changed."
        )
    raise EditConflict(current)


def _start_if_new(*, review: Review, by, request=None) -> None:
    started = Review.objects.filter(
        pk=review.pk, state__in=(State.ASSIGNED, State.RETURNED)
    ).update(state=State.IN_PROGRESS)
    if started:
        _record(
            AuditEvent.Action.REVIEW_STARTED,
            review=review,
            by=by,
            request=request,
            detail={"round": review.round},
        )


@audited_refusals
def review_save_findings(
    *, review: Review, by, lock_version: int, answers: dict[int, dict], request=None
) -> Review:
    """Save a step's answers, keyed by finding id. Partial answers are kept: a draft is a draft."""
    with transaction.atomic():
        _claim_for_edit(review=review, by=by, lock_version=lock_version, request=request)
        findings = {f.pk: f for f in review.findings.filter(pk__in=answers)}
        if len(findings) != len(answers):
            raise TransitionRefused("Some of these answers are not for this review.")
        for finding_id, values in answers.items():
            finding = findings[finding_id]
            for field in ANSWER_FIELDS:
                if field in values:
                    setattr(finding, field, values[field] if values[field] is not None else "")
            if finding.evidence_page == "":
                finding.evidence_page = None
            finding.carried_forward = False
        Finding.objects.bulk_update(findings.values(), [*ANSWER_FIELDS, "carried_forward"])
        evidence_accept_quotes(review=review, findings=findings.values(), by=by)
        _start_if_new(review=review, by=by, request=request)
    review.refresh_from_db()
    return review


def suggested_outcome(ratings: Iterable[str]) -> str:
    ratings = list(ratings)
    if any(r == Rating.NOT_MET for r in ratings):
        return Outcome.DOES_NOT_MEET
    if all(r in (Rating.MET, Rating.NOT_APPLICABLE) for r in ratings):
        return Outcome.MEETS
    return Outcome.MEETS_WITH_RECOMMENDATIONS


@dataclass(frozen=True)
class RecommendationInput:
    text: str
    finding_ids: tuple[int, ...] = ()


@audited_refusals
def review_save_outcome(
    *,
    review: Review,
    by,
    lock_version: int,
    overall_outcome: str,
    override_reason: str,
    summary: str,
    recommendations: list[RecommendationInput],
    request=None,
) -> Review:
    with transaction.atomic():
        _claim_for_edit(review=review, by=by, lock_version=lock_version, request=request)
        Review.objects.filter(pk=review.pk).update(
            overall_outcome=overall_outcome,
            outcome_override_reason=override_reason,
            summary=summary,
        )
        review.recommendations.all().delete()
        finding_ids = set(review.findings.values_list("pk", flat=True))
        for order, item in enumerate(recommendations, 1):
            recommendation = Recommendation.objects.create(
                review=review, order=order, text=item.text
            )
            recommendation.findings.set([f for f in item.finding_ids if f in finding_ids])
        _start_if_new(review=review, by=by, request=request)
    review.refresh_from_db()
    return review


def review_problems(review: Review) -> list[str]:
    """Everything that stops a review being submitted, in the order of the task list."""
    findings = list(review.findings.select_related("expectation").order_by("expectation__order"))
    problems = [p for finding in findings for p in finding.problems()]
    if not review.overall_outcome:
        problems.append("Choose the overall outcome")
    elif (
        review.overall_outcome != suggested_outcome(f.rating for f in findings)
        and not review.outcome_override_reason.strip()
    ):
        problems.append("Give the reason for an overall outcome other than the one suggested")
    return problems


def _sign(review: Review, *, role: str, by, attestation: str) -> SignOff:
    return SignOff.objects.create(
        review=review,
        role=role,
        round=review.round,
        signed_by=by,
        signed_by_name=by.get_full_name() or by.email,
        attestation=attestation,
    )


@audited_refusals
def review_submit(*, review: Review, by, lock_version: int, request=None) -> Review:
    with transaction.atomic():
        _claim_for_edit(review=review, by=by, lock_version=lock_version, request=request)
        # Check a fresh copy: the caller's object keeps the version it read if this is refused.
        problems = review_problems(Review.objects.get(pk=review.pk))
        if problems:
            # Raising inside the transaction rolls back the claim above: nothing is half-done.
            raise TransitionRefused("; ".join(problems))
        Review.objects.filter(pk=review.pk).update(
            state=State.SUBMITTED, submitted_at=timezone.now()
        )
        _sign(review, role=SignOff.Role.REVIEWER, by=by, attestation=REVIEWER_ATTESTATION)
        _record(
            AuditEvent.Action.REVIEW_SUBMITTED,
            review=review,
            by=by,
            request=request,
            detail={"round": review.round},
        )
    review.refresh_from_db()
    return review


def _moderate(*, review: Review, by, request=None, **changes) -> None:
    if by.pk != review.moderator_id:
        raise TransitionRefused("Only the assigned moderator can do this.")
    _refuse_if_member(review=review, by=by, role="moderate")
    moved = Review.objects.filter(pk=review.pk, state=State.SUBMITTED).update(
        lock_version=F("lock_version") + 1, updated_by=by, updated_at=timezone.now(), **changes
    )
    if not moved:
        current = Review.objects.get(pk=review.pk)
        raise TransitionRefused(
            f"This review is {current.get_state_display().lower()}, not submitted."
        )


@audited_refusals
def review_return(*, review: Review, by, comments: str, request=None) -> Review:
    if not comments.strip():
        raise TransitionRefused("Say what the reviewer needs to change")
    with transaction.atomic():
        _moderate(review=review, by=by, request=request, state=State.RETURNED, round=F("round") + 1)
        ReturnRound.objects.create(
            review=review, round=review.round, returned_by=by, comments=comments.strip()
        )
        _record(
            AuditEvent.Action.REVIEW_RETURNED,
            review=review,
            by=by,
            request=request,
            detail={"round": review.round},
        )
    review.refresh_from_db()
    return review


@audited_refusals
def review_sign_off(*, review: Review, by, attest: bool, request=None) -> Review:
    if not attest:
        raise TransitionRefused("Confirm the statement to sign off the review")
    with transaction.atomic():
        _moderate(
            review=review,
            by=by,
            request=request,
            state=State.SIGNED_OFF,
            signed_off_at=timezone.now(),
        )
        _sign(review, role=SignOff.Role.MODERATOR, by=by, attestation=MODERATOR_ATTESTATION)
        _record(
            AuditEvent.Action.REVIEW_SIGNED_OFF,
            review=review,
            by=by,
            request=request,
            detail={"round": review.round},
        )
        # The outcome keeps what was signed off; its PDF is rendered once this commits.
        from outcomes.services import outcome_prepare

        outcome_prepare(review=review)
    review.refresh_from_db()
    return review


@audited_refusals
def review_withdraw(*, review: Review, by, reason: str, request=None) -> Review:
    if not by.is_board_admin:
        raise TransitionRefused("Only a board admin withdraws reviews.")
    if not reason.strip():
        raise TransitionRefused("Give the reason for withdrawing the review")
    with transaction.atomic():
        moved = (
            Review.objects.filter(pk=review.pk)
            .exclude(state=State.WITHDRAWN)
            .update(
                state=State.WITHDRAWN,
                withdrawn_reason=reason.strip(),
                lock_version=F("lock_version") + 1,
                updated_by=by,
                updated_at=timezone.now(),
            )
        )
        if not moved:
            raise TransitionRefused("This review is already withdrawn.")
        _record(
            AuditEvent.Action.REVIEW_WITHDRAWN,
            review=review,
            by=by,
            request=request,
            detail={"reason": reason.strip()},
        )
    review.refresh_from_db()
    return review
