"""Reads of the evidence finder. The review step only reads: suggestions are computed beforehand."""

from collections import defaultdict

from policies.models import PolicyVersion
from reviews.models import Review

from .models import AcceptedEvidence, EvidenceRun, ExpectationEvidence
from .ranking import ACCEPTED_KEPT


def suggestions_for_step(*, review: Review, section_number: int) -> dict[int, list[dict]]:
    """Suggested passages per expectation of one step of a review, in one query.

    The review comes from a selector that has already checked the caller may see it. An
    expectation missing from the result has no suggestions yet (they are being prepared); one
    mapped to an empty list has no passage worth showing. A passage a reviewer said is not
    relevant was moved last when they said so, without a label, and marked `dismissed`.
    """
    return suggestions_for_version_step(
        version_id=review.policy_version_id,
        framework_id=review.framework_id,
        section_number=section_number,
    )


def suggestions_for_version_step(
    *, version_id: int | None, framework_id: int, section_number: int
) -> dict[int, list[dict]]:
    """`suggestions_for_step` for a policy version and framework: the same passages an agency
    sees when it assesses itself as the reviewer sees in the review."""
    rows = ExpectationEvidence.objects.filter(
        run__version_id=version_id,
        run__framework_id=framework_id,
        run__status=EvidenceRun.Status.READY,
        expectation__section__number=section_number,
    ).values_list("expectation_id", "suggestions")
    return dict(rows)


def accepted_quotes(*, framework_code: str, version: PolicyVersion) -> dict[str, list[str]]:
    """What reviewers quoted as evidence per expectation code in earlier versions of the same
    policy, newest first: "like what we accepted last year".

    Only the same policy's: on the labelled policies, quotes from other agencies' policies as
    extra queries made the suggestions worse (benchmarks/evidence_quality.py).
    """
    quotes = AcceptedEvidence.objects.filter(
        framework_code=framework_code,
        version__document_id=version.document_id,
        version__number__lt=version.number,
    )
    found: dict[str, list[str]] = defaultdict(list)
    for code, text in quotes.order_by("-accepted_at", "-pk").values_list(
        "expectation_code", "text"
    )[: ACCEPTED_KEPT * 30]:
        if len(found[code]) < ACCEPTED_KEPT and text not in found[code]:
            found[code].append(text)
    return dict(found)
