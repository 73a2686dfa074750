from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def member_policies_past_review(user) -> list:
    """The person's own agencies' policies past their review date, for pages whose view does not
    already give them."""
    return list(selectors.member_documents_past_review(user=user))
