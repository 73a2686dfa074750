"""Reads of the evidence finder. The review step only reads: suggestions are computed beforehand."""

from reviews.models import Review

from .models import EvidenceRun, ExpectationEvidence


def suggestions_for_step(*, review: Review, section_number: int) -> dict[int, list[dict]]:
    """Suggested passages per expectation of one step of a review, in one query.

    The review comes from a selector that has already checked the caller may see it. An
    expectation missing from the result has no suggestions yet (they are being prepared); one
    mapped to an empty list has no passage worth showing.
    """
    rows = ExpectationEvidence.objects.filter(
        run__version_id=review.policy_version_id,
        run__framework_id=review.framework_id,
        run__status=EvidenceRun.Status.READY,
        expectation__section__number=section_number,
    ).values_list("expectation_id", "suggestions")
    return dict(rows)
