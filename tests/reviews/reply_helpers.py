"""Reviews brought to the agency's reply through the services, for the reply tests."""

from reviews.models import Review
from reviews.services import (
    review_save_findings,
    review_save_outcome,
    review_sign_off,
    review_submit,
)

from ..factories import complete_answers, make_cycle, make_review

GAP_COMMENT = "Nothing on contact with pupils outside school."


def make_reply_cycle(*, agencies, days: int = 5):
    cycle = make_cycle(agencies=agencies)
    cycle.reply_window_days = days
    cycle.save(update_fields=["reply_window_days"])
    return cycle


def signed_off_review(*, agency, reviewer, moderator, admin, cycle=None) -> Review:
    """Every expectation met but 1.2, partially met; submitted and signed off."""
    review = make_review(
        agency=agency, reviewer=reviewer, moderator=moderator, admin=admin, cycle=cycle
    )
    answers = complete_answers(review)
    gap = review.findings.get(expectation__code="1.2")
    answers[gap.pk].update(rating="partially_met", comment=GAP_COMMENT)
    review = review_save_findings(
        review=review, by=reviewer, lock_version=review.lock_version, answers=answers
    )
    review = review_save_outcome(
        review=review,
        by=reviewer,
        lock_version=review.lock_version,
        overall_outcome=Review.Outcome.MEETS_WITH_RECOMMENDATIONS,
        override_reason="",
        summary="Contact with pupils outside school is not covered.",
        recommendations=[],
    )
    review = review_submit(review=review, by=reviewer, lock_version=review.lock_version)
    return review_sign_off(review=review, by=moderator, attest=True)


def review_in_reply(*, agency, reviewer, moderator, admin, days: int = 5) -> Review:
    cycle = make_reply_cycle(agencies=[agency], days=days)
    return signed_off_review(
        agency=agency, reviewer=reviewer, moderator=moderator, admin=admin, cycle=cycle
    )


def finding(review: Review, code: str):
    return review.findings.select_related("expectation").get(expectation__code=code)


def fresh(review: Review) -> Review:
    return Review.objects.get(pk=review.pk)
