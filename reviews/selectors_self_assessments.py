"""Reads of agencies' self-assessments, always limited to what the person may see: an agency
its own; board admins every one; a reviewer or moderator the one beside a review of theirs."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from audit.models import AuditEvent
from audit.services import access_refused
from policies.models import Agency
from policies.rules import member_agency_ids

from .models import Review, ReviewCycle, SelfAssessment, SelfRating


def self_assessments_for_user(user) -> QuerySet[SelfAssessment]:
    """An agency's members see its self-assessment as it is being written; a reviewer or
    moderator only once the agency has submitted it."""
    assessments = SelfAssessment.objects.select_related("cycle__framework", "agency")
    if not user.is_authenticated:
        return assessments.none()
    if user.is_board_admin:
        return assessments
    theirs = Review.objects.filter(
        Q(reviewer=user) | Q(moderator=user),
        cycle_id=OuterRef("cycle_id"),
        agency_id=OuterRef("agency_id"),
    ).exclude(state=Review.State.WITHDRAWN)
    submitted_beside_theirs = Q(Exists(theirs), state=SelfAssessment.State.SUBMITTED)
    return assessments.filter(Q(agency_id__in=member_agency_ids(user)) | submitted_beside_theirs)


def self_assessment_get_for_user(request, pk: int) -> SelfAssessment:
    try:
        return self_assessments_for_user(request.user).get(pk=pk)
    except SelfAssessment.DoesNotExist:
        other = SelfAssessment.objects.filter(pk=pk).select_related("agency").first()
        if other is not None:
            raise access_refused(
                request,
                obj=other,
                agency=other.agency,
                reason="not the person's self-assessment",
                error=Http404("No such self-assessment."),
            ) from None
        raise Http404("No such self-assessment.") from None


def self_assessment_to_edit(request, pk: int) -> SelfAssessment:
    """The self-assessment, for a member of its agency: anyone else who may read it is refused
    (403), anyone who may not is told it does not exist (404); both audited."""
    assessment = self_assessment_get_for_user(request, pk)
    if assessment.agency_id not in member_agency_ids(request.user):
        raise access_refused(
            request,
            obj=assessment,
            agency=assessment.agency,
            reason="only the agency's members write its self-assessment",
        )
    return assessment


def cycles_asking_agencies(user) -> list[tuple[ReviewCycle, Agency]]:
    """(cycle, agency) for each of the person's agencies in a cycle that asks it to assess
    itself, newest cycle first."""
    agencies = member_agency_ids(user)
    if not agencies:
        return []
    cycles = (
        ReviewCycle.objects.filter(self_assessment_due_on__isnull=False, agencies__in=agencies)
        .select_related("framework")
        .prefetch_related("agencies")
        .distinct()
        .order_by("-opens_on", "name")
    )
    return [
        (cycle, agency)
        for cycle in cycles
        for agency in cycle.agencies.all()
        if agency.pk in agencies
    ]


def self_assessment_ratings(assessment: SelfAssessment) -> list[SelfRating]:
    return list(
        assessment.ratings.select_related("expectation__section").order_by("expectation__order")
    )


def step_ratings(*, assessment: SelfAssessment, number: int) -> list[SelfRating]:
    """A step's ratings with their expectations, in the framework's order: one query."""
    return list(
        assessment.ratings.filter(expectation__section__number=number)
        .select_related("expectation__section")
        .order_by("expectation__order")
    )


def self_assessment_version_change(assessment: SelfAssessment) -> dict | None:
    """The latest move of a self-assessment to a newer policy version, as its audit record has
    it ({"from": label, "to": label}); None if it has assessed one version throughout."""
    event = (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.SELF_ASSESSMENT_VERSION_CHANGED,
            object_type="reviews.SelfAssessment",
            object_id=str(assessment.pk),
        )
        .order_by("-pk")
        .first()
    )
    return event.detail if event is not None else None


def submitted_self_ratings(*, review: Review) -> dict[int, SelfRating]:
    """The agency's submitted self-ratings for the review's cycle, by expectation id; empty when
    it did not submit one. The review comes from a selector that has checked the caller."""
    return {
        rating.expectation_id: rating
        for rating in SelfRating.objects.filter(
            assessment__cycle_id=review.cycle_id,
            assessment__agency_id=review.agency_id,
            assessment__state=SelfAssessment.State.SUBMITTED,
        ).select_related("assessment__policy_version")
    }


def self_ratings_content(*, review: Review) -> dict[int, dict]:
    """The agency's submitted self-ratings as plain values, by expectation id: what an outcome
    keeps of them beside the board's findings."""
    return {
        expectation_id: {
            "rating": rating.rating,
            "rating_label": rating.get_rating_display() or "Not rated",
            "evidence_quote": rating.evidence_quote,
            "evidence_page": rating.evidence_page,
            "evidence_section": rating.evidence_section,
        }
        for expectation_id, rating in submitted_self_ratings(review=review).items()
    }
