"""A new cycle's reviews can start from each agency's previous review. Earlier findings are
copied as a starting point, marked carried forward, and count as unanswered until the reviewer
saves them."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from reviews.answers import ANSWER_FIELDS
from reviews.models import Finding, Review, ReviewCycle

from ..figures import final

REVIEWS_CARRIED_FORWARD = AuditEvent.Action.REVIEWS_CARRIED_FORWARD


class CarryForwardRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _previous_findings(cycle: ReviewCycle, agency_ids: list[int]) -> dict[int, dict[str, Finding]]:
    """Per agency, the findings of its latest counted review in an earlier cycle, by code."""
    findings = (
        Finding.objects.filter(
            final("review__"),
            review__agency_id__in=agency_ids,
            review__cycle__opens_on__lt=cycle.opens_on,
        )
        .select_related("expectation")
        .annotate(agency_id=F("review__agency_id"))
        .order_by("-review__cycle__opens_on", "-review_id")
    )
    chosen_review: dict[int, int] = {}
    by_agency: dict[int, dict[str, Finding]] = {}
    for finding in findings.iterator(chunk_size=2000):
        review_id = chosen_review.setdefault(finding.agency_id, finding.review_id)
        if review_id == finding.review_id:
            by_agency.setdefault(finding.agency_id, {})[finding.expectation.code] = finding
    return by_agency


def reviews_carry_forward(*, cycle: ReviewCycle, by, request=None) -> int:
    """Start every review of the cycle that no one has touched from the agency's previous one.

    Only reviews still assigned with no answer are changed, so running it again changes
    nothing; the review's version goes up so an open step cannot overwrite the copy unseen.
    """
    if not by.is_board_admin:
        raise CarryForwardRefused("Only a board admin starts reviews from earlier ones.")
    untouched = list(
        cycle.reviews.filter(state=Review.State.ASSIGNED)
        .exclude(findings__rating__gt="")
        .select_related("agency")
    )
    previous = _previous_findings(cycle, [r.agency_id for r in untouched])
    changed = 0
    with transaction.atomic():
        for review in untouched:
            earlier = previous.get(review.agency_id)
            if not earlier:
                continue
            claimed = (
                Review.objects.filter(pk=review.pk, state=Review.State.ASSIGNED)
                .exclude(findings__rating__gt="")
                .update(
                    lock_version=F("lock_version") + 1, updated_by=by, updated_at=timezone.now()
                )
            )
            if not claimed:
                continue
            findings = list(review.findings.select_related("expectation"))
            for finding in findings:
                source = earlier.get(finding.expectation.code)
                if source is None:
                    continue
                for field in ANSWER_FIELDS:
                    setattr(finding, field, getattr(source, field))
                finding.carried_forward = True
            Finding.objects.bulk_update(findings, [*ANSWER_FIELDS, "carried_forward"])
            audit_record(
                action=REVIEWS_CARRIED_FORWARD,
                request=request,
                actor=by,
                obj=review,
                agency=review.agency,
                detail={"from_review": next(iter(earlier.values())).review_id},
            )
            changed += 1
    return changed
