import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from evidence.ranking import LABELS, POSSIBLE

register = template.Library()

# Suggestions shown under each expectation.
SHOWN_PER_EXPECTATION = 3


@register.inclusion_tag("evidence/_suggestions.html")
def suggested_evidence(suggestions: dict | None, form) -> dict:
    """The passages suggested for a finding's expectation, or why there are none.

    Only passages whose calibrated score reaches a label ("Likely", "Possible") are offered as
    suggestions; when none does, the step says no passage clearly addresses the expectation and
    keeps the closest passages folded away.
    """
    expectation = form.finding.expectation
    found = None if suggestions is None else suggestions.get(expectation.pk)
    shown = [_shown(suggestion) for suggestion in (found or [])[:SHOWN_PER_EXPECTATION]]
    return {
        "code": expectation.code,
        "expectation_id": expectation.pk,
        # None on an agency's self-assessment: only a reviewer marks a passage not relevant.
        "review_id": getattr(form.finding, "review_id", None),
        "prefix": form.prefix,
        "prepared": found is not None,
        "labelled": [s for s in shown if s["label"]],
        "closest": [s for s in shown if not s["label"]],
    }


def _shown(suggestion: dict) -> dict:
    label = suggestion.get("label")
    if label is None:
        # Prepared before scores were calibrated: a strong match is at most a possible one.
        label = POSSIBLE if suggestion.get("strong") else ""
    return {
        **suggestion,
        "label": label,
        "label_text": LABELS.get(label, ""),
        "html": marked(suggestion["text"], suggestion.get("matched", [])),
        # The evidence's section field: where it is, less the page, which has its own.
        "place": re.sub(r"^Page \d+, ", "", suggestion.get("location", "")),
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
