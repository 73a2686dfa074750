from django import template

register = template.Library()


@register.filter
def get_rating(mapping: dict, key: str) -> str:
    return mapping.get(key, "") if mapping else ""
