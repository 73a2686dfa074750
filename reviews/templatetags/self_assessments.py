from django import template

from ..models import SelfAssessment
from ..selectors_self_assessments import cycles_asking_agencies, submitted_self_ratings
from ..services.self_assessments import is_open

register = template.Library()


@register.simple_tag
def self_assessment_state(assessment: SelfAssessment | None, cycle) -> str:
    """submitted, closed (the deadline passed first), in_progress or not_started."""
    if assessment is not None and assessment.state == SelfAssessment.State.SUBMITTED:
        return "submitted"
    if not is_open(cycle):
        return "closed"
    return assessment.state if assessment is not None else SelfAssessment.State.NOT_STARTED


@register.simple_tag
def self_assessments_for_home(user) -> list[dict]:
    """The person's agencies' self-assessments still to submit, for their home page."""
    rows = []
    for cycle, agency in cycles_asking_agencies(user):
        if not is_open(cycle):
            continue
        assessment = SelfAssessment.objects.filter(cycle=cycle, agency=agency).first()
        if assessment is None or assessment.state != SelfAssessment.State.SUBMITTED:
            rows.append({"cycle": cycle, "agency": agency, "assessment": assessment})
    return rows


@register.simple_tag
def self_ratings_of(review) -> dict:
    """The agency's submitted self-ratings beside a review, by expectation id. The review comes
    from a selector that has checked the person may see it, and so its self-assessment."""
    return submitted_self_ratings(review=review)


@register.simple_tag
def self_rating_for(self_ratings: dict, finding):
    return self_ratings.get(finding.expectation_id)
