"""Reads for the agency's right of reply. The review itself is found with
selectors.review_get_for_user, which already limits it to who may see it."""

from django.db.models import Q

from .models import Review

State = Review.State

# The reviews whose findings are final and whose outcome is not yet issued: signed off with no
# reply window, or with the agency's reply closed.
OUTCOME_DUE = Q(state=State.SIGNED_OFF) | Q(state=State.IN_REPLY, reply_closed_at__isnull=False)


def reply_is_open(review: Review) -> bool:
    """The agency may still reply, and the board still answer."""
    return review.state == State.IN_REPLY and review.reply_closed_at is None


def outcome_is_due(review: Review) -> bool:
    """The findings are final and the outcome is being prepared (or is issued)."""
    return review.state in (State.SIGNED_OFF, State.OUTCOME_ISSUED) or (
        review.state == State.IN_REPLY and review.reply_closed_at is not None
    )


def reply_counts(review: Review) -> dict[str, int]:
    """How many replies there are, how many wait for the reviewer and for the moderator."""
    replies = [f.reply for f in review.findings.all() if hasattr(f, "reply")]
    return {
        "replies": len(replies),
        "to_answer": sum(not r.answer for r in replies),
        "to_confirm": sum(r.answer == r.Answer.AMEND and r.confirmed_at is None for r in replies),
    }
