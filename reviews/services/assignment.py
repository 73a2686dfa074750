"""Assigning reviews: a board admin gives each agency's policy to a reviewer and a moderator
with no conflict of interest, all or none, and may reassign a review still with the board."""

from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent
from policies.models import Agency, PolicyVersion
from policies.rules import member_agency_ids

from ..models import Finding, Review, ReviewCycle
from ..selectors_cycles import current_policy_versions
from .guards import TransitionRefused, audited_refusals, record_move

State = Review.State


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


def current_policy_version(agency: Agency) -> PolicyVersion | None:
    """The agency's policy to review: the newest ready version of its social-media policy."""
    return current_policy_versions([agency.pk]).get(agency.pk)


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
        record_move(
            AuditEvent.Action.REVIEW_ASSIGNED,
            review=review,
            by=by,
            request=request,
            detail={"reviewer": reviewer.email, "moderator": moderator.email},
        )
        reviews.append(review)
    return reviews


# Once signed off the findings are the board's; the agency's reply goes to the same reviewer.
FINAL_STATES = (State.SIGNED_OFF, State.IN_REPLY, State.OUTCOME_ISSUED, State.WITHDRAWN)


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
        record_move(
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
