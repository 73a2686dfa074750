"""What every move of a review shares: the refusals it raises, the record it writes, and the
checks that only the right person moves it, from the version they read."""

import functools

from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from policies.models import Membership

from ..models import Review


class TransitionRefused(Exception):
    """A move that is not allowed now, or not for this person, with the reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class EditConflict(Exception):
    """Someone saved the review after this person read it."""

    def __init__(self, review: Review):
        self.review = review
        who = review.updated_by.get_full_name() if review.updated_by else "someone"
        when = timezone.localtime(review.updated_at).strftime("%-d %B %Y at %H:%M:%S")
        self.reason = (
            f"{who} saved this review on {when}, after you opened it. Your changes have not "
            "been saved; they are still on this page. Check the latest version, then save again."
        )
        super().__init__(self.reason)


def record_move(action: str, *, review: Review, by, request, detail: dict) -> None:
    audit_record(
        action=action, request=request, actor=by, obj=review, agency=review.agency, detail=detail
    )


def audited_refusals(service):
    """Record every refused move; outside the service's transaction, so the record is kept."""

    @functools.wraps(service)
    def wrapped(*, by, request=None, **kwargs):
        try:
            return service(by=by, request=request, **kwargs)
        except (TransitionRefused, EditConflict) as refusal:
            review = kwargs.get("review")
            conflict = isinstance(refusal, EditConflict)
            audit_record(
                action=(
                    AuditEvent.Action.EDIT_CONFLICT
                    if conflict
                    else AuditEvent.Action.TRANSITION_REFUSED
                ),
                request=request,
                actor=by,
                obj=review,
                agency=review.agency if review is not None else None,
                detail={"service": service.__name__, "reason": refusal.reason},
            )
            raise

    return wrapped


def refuse_if_member(*, review: Review, by, role: str) -> None:
    """A reviewer or moderator who has since joined the agency may not move its review.

    Read fresh, not from the per-request cache: the membership may be minutes old.
    """
    if Membership.objects.filter(user_id=by.pk, agency_id=review.agency_id).exists():
        raise TransitionRefused(
            f"You are now a member of {review.agency}, so you cannot {role} its policy. "
            "A board admin needs to reassign this review."
        )


def claim_version(*, review: Review, by, lock_version: int, states) -> None:
    """Move the review on from the version this person read, only in one of `states`.

    One UPDATE both checks and bumps the version, so of two concurrent saves exactly one wins.
    """
    claimed = Review.objects.filter(
        pk=review.pk, lock_version=lock_version, state__in=states
    ).update(
        lock_version=F("lock_version") + 1,
        updated_by=by,
        updated_at=timezone.now(),
    )
    if claimed:
        return
    current = Review.objects.select_related("updated_by").get(pk=review.pk)
    if current.state not in states:
        raise TransitionRefused(
            f"This review is {current.get_state_display().lower()}, so it cannot be changed."
        )
    raise EditConflict(current)
