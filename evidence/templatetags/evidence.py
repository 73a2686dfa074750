import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Suggestions shown under each expectation.
SHOWN_PER_EXPECTATION = 3


@register.inclusion_tag("evidence/_suggestions.html")
def suggested_evidence(suggestions: dict | None, form) -> dict:
    """The passages suggested for a finding's expectation, or why there are none."""
    expectation = form.finding.expectation
    found = None if suggestions is None else suggestions.get(expectation.pk)
    shown = (found or [])[:SHOWN_PER_EXPECTATION]
    return {
        "code": expectation.code,
        "prefix": form.prefix,
        "prepared": found is not None,
        "suggestions": [
            {
                **suggestion,
                "html": marked(suggestion["text"], suggestion.get("matched", [])),
                # The evidence's section field: where it is, less the page, which has its own.
                "place": re.sub(r"^Page \d+, ", "", suggestion.get("location", "")),
            }
            for suggestion in shown
        ],
        "any_strong": any(suggestion["strong"] for suggestion in shown),
    }


def marked(text: str, spans: list) -> SafeString:
    """The passage with the words that matched the expectation in <mark>, the rest escaped."""
    parts = []
    position = 0
    for start, end in sorted(spans):
        if start < position or end > len(text):
            continue
        parts.append(escape(text[position:start]))
        parts.append(format_html("<mark>{}</mark>", text[start:end]))
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped or built by format_html
