"""Reads of the evidence finder. The review step only reads: suggestions are computed beforehand."""

from collections.abc import Iterable

from reviews.models import Review

from .models import EvidenceRun, ExpectationEvidence


def suggestions_for_review(
    *, review: Review, expectation_ids: Iterable[int]
) -> dict[int, list[dict]]:
    """Suggested passages per expectation of a review the caller may already see, in one query.

    An expectation missing from the result has no suggestions yet (they are being prepared); one
    mapped to an empty list has none worth showing.
    """
    rows = ExpectationEvidence.objects.filter(
        run__version_id=review.policy_version_id,
        run__framework_id=review.framework_id,
        run__status=EvidenceRun.Status.READY,
        expectation_id__in=list(expectation_ids),
    ).values_list("expectation_id", "suggestions")
    return dict(rows)
