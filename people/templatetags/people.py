from django import template

from ..selectors import person_status as status_of

register = template.Library()


@register.filter
def person_status(person) -> str:
    return status_of(person)
