"""Reads for the agency's right of reply. The review itself is found with
selectors.review_get_for_user, which already limits it to who may see it."""

from audit.models import AuditEvent

from .models import Review


def amendment_notes(review: Review) -> dict[str, list[AuditEvent]]:
    """The moderator's notes on amendments sent back to the reviewer, by expectation code, oldest
    first: the audit trail is where they are kept."""
    notes: dict[str, list[AuditEvent]] = {}
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.REPLY_AMENDMENT_REJECTED,
        object_type=Review._meta.label,
        object_id=str(review.pk),
    ).order_by("at", "pk")
    for event in events:
        notes.setdefault(event.detail.get("finding", ""), []).append(event)
    return notes


def reply_counts(review: Review) -> dict[str, int]:
    """How many replies there are, how many wait for the reviewer and for the moderator."""
    replies = [f.reply for f in review.findings.all() if hasattr(f, "reply")]
    return {
        "replies": len(replies),
        "to_answer": sum(not r.answer for r in replies),
        "to_confirm": sum(r.answer == r.Answer.AMEND and r.confirmed_at is None for r in replies),
    }
