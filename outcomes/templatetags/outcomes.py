from django import template

from reviews.selectors_replies import outcome_is_due

from ..models import Outcome

register = template.Library()


@register.inclusion_tag("outcomes/_outcome_status.html", takes_context=True)
def outcome_status(context, review):
    """The outcome's state on a page that shows a review whose findings are final (signed off,
    or with the agency's reply closed): one query."""
    outcome = None
    if outcome_is_due(review):
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
