from django import template

from ..models import Review, ReviewCycle
from ..selectors_conflicts import reviews_in_conflict

register = template.Library()


@register.simple_tag(takes_context=True)
def reviews_to_reassign(context) -> list[Review]:
    """On a review's page, that review; on a cycle's page, its reviews: those whose reviewer or
    moderator has joined the agency under review since they were assigned."""
    review = context.get("review")
    if isinstance(review, Review):
        return list(reviews_in_conflict(review=review))
    cycle = context.get("cycle")
    if isinstance(cycle, ReviewCycle):
        return list(reviews_in_conflict(cycle=cycle))
    return []
