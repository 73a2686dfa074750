from django import template

from ..models import Outcome

register = template.Library()


@register.inclusion_tag("outcomes/_outcome_status.html", takes_context=True)
def outcome_status(context, review):
    """The outcome's state on a page that shows a signed-off review: one query."""
    outcome = None
    if review.state in review.PUBLISHED_STATES:
        outcome = Outcome.objects.filter(review_id=review.pk).defer("content").first()
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "request": request,
        "review": review,
        "outcome": outcome,
        "can_retry": bool(user is not None and getattr(user, "is_board_admin", False)),
        "csrf_token": context.get("csrf_token"),
    }
