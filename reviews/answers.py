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

# The reviewer's view of the agency's own rating, where the agency assessed itself: saved with
# the answer in the review step, but never carried forward (it is about this cycle's rating).
SELF_ASSESSMENT_VIEW_FIELDS = ("self_assessment_view", "self_assessment_comment")


def self_assessment_view_problems(finding) -> list[tuple[str, str]]:
    """What the reviewer still owes on the agency's own rating of this finding's expectation,
    where the agency submitted one: agree or challenge, and why if challenged."""
    code = finding.expectation.code
    if not finding.self_assessment_view:
        return [
            ("self_assessment_view", f"Say whether you agree with the agency's rating of {code}")
        ]
    if finding.self_assessment_view == "challenge" and not finding.self_assessment_comment.strip():
        return [("self_assessment_comment", f"Say why you challenge the agency's rating of {code}")]
    return []


def review_reference(*, assigned_at: datetime, pk: int) -> str:
    """The reference a review is known by, in letters and outcomes: PR-<year assigned>-<id>."""
    return f"PR-{assigned_at:%Y}-{pk:05d}"
