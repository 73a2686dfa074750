"""What a finding's answer is made of, and how a review is referred to: one list and one
formatter, used by the review step, carry-forward, outcomes and exports alike."""

from datetime import datetime

# A finding's answer, in the order the review step asks for it.
ANSWER_FIELDS = (
    "rating",
    "evidence_quote",
    "evidence_page",
    "evidence_section",
    "comment",
    "not_applicable_reason",
)


def review_reference(*, assigned_at: datetime, pk: int) -> str:
    """The reference a review is known by, in letters and outcomes: PR-<year assigned>-<id>."""
    return f"PR-{assigned_at:%Y}-{pk:05d}"
