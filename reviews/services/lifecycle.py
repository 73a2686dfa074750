"""The review's lifecycle: each move is one service that checks who may make it, runs in a
transaction, moves the row only from the state it expects (a guarded UPDATE) and writes an audit
event. Whichever app triggers a move, the move is made here.

    assigned -> in progress -> submitted -> signed off ---------------------> outcome issued
                     ^             |             |                                 ^
                     +-- returned -+             +-> in reply -> (reply closed) ---+
                                          (a cycle with a reply window: the agency replies;
                                           once the reply closes the findings are final and
                                           the outcome is prepared)
    (a board admin may withdraw at any point)
"""

from datetime import date, timedelta
from functools import cache

import holidays
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent

from ..models import Reply, ReturnRound, Review, ReviewCycle, SignOff
from ..selectors_replies import OUTCOME_DUE
from ..signals import reply_window_opened, review_ready_for_outcome
from .guards import TransitionRefused, audited_refusals, record_move, refuse_if_member
from .reviews import claim_for_edit, review_problems

State = Review.State

REVIEWER_ATTESTATION = (
    "I have assessed this policy against every expectation of the framework, the evidence "
    "quoted is taken from the policy itself, and the ratings are my own judgement."
)
MODERATOR_ATTESTATION = (
    "I have checked this review, the findings are supported by the evidence recorded, and I "
    "sign it off on behalf of the board."
)


def _sign(review: Review, *, role: str, by, attestation: str) -> SignOff:
    return SignOff.objects.create(
        review=review,
        role=role,
        round=review.round,
        signed_by=by,
        signed_by_name=by.get_full_name() or by.email,
        attestation=attestation,
    )


@audited_refusals
def review_submit(*, review: Review, by, lock_version: int, request=None) -> Review:
    with transaction.atomic():
        claim_for_edit(review=review, by=by, lock_version=lock_version)
        # Check a fresh copy: the caller's object keeps the version it read if this is refused.
        problems = review_problems(Review.objects.get(pk=review.pk))
        if problems:
            # Raising inside the transaction rolls back the claim above: nothing is half-done.
            raise TransitionRefused("; ".join(problems))
        Review.objects.filter(pk=review.pk).update(
            state=State.SUBMITTED, submitted_at=timezone.now()
        )
        _sign(review, role=SignOff.Role.REVIEWER, by=by, attestation=REVIEWER_ATTESTATION)
        record_move(
            AuditEvent.Action.REVIEW_SUBMITTED,
            review=review,
            by=by,
            request=request,
            detail={"round": review.round},
        )
    review.refresh_from_db()
    return review


def _moderate(*, review: Review, by, request=None, **changes) -> None:
    if by.pk != review.moderator_id:
        raise TransitionRefused("Only the assigned moderator can do this.")
    refuse_if_member(review=review, by=by, role="moderate")
    moved = Review.objects.filter(pk=review.pk, state=State.SUBMITTED).update(
        lock_version=F("lock_version") + 1, updated_by=by, updated_at=timezone.now(), **changes
    )
    if not moved:
        current = Review.objects.get(pk=review.pk)
        raise TransitionRefused(
            f"This review is {current.get_state_display().lower()}, not submitted."
        )


@audited_refusals
def review_return(*, review: Review, by, comments: str, request=None) -> Review:
    if not comments.strip():
        raise TransitionRefused("Say what the reviewer needs to change")
    with transaction.atomic():
        _moderate(review=review, by=by, request=request, state=State.RETURNED, round=F("round") + 1)
        ReturnRound.objects.create(
            review=review, round=review.round, returned_by=by, comments=comments.strip()
        )
        record_move(
            AuditEvent.Action.REVIEW_RETURNED,
            review=review,
            by=by,
            request=request,
            detail={"round": review.round},
        )
    review.refresh_from_db()
    return review


@audited_refusals
def review_sign_off(*, review: Review, by, attest: bool, request=None) -> Review:
    """Sign off; the agency's reply window opens if the cycle gives one, else the findings are
    final and the outcome is prepared in this transaction (rendered once it commits)."""
    if not attest:
        raise TransitionRefused("Confirm the statement to sign off the review")
    with transaction.atomic():
        _moderate(
            review=review,
            by=by,
            request=request,
            state=State.SIGNED_OFF,
            signed_off_at=timezone.now(),
        )
        _sign(review, role=SignOff.Role.MODERATOR, by=by, attestation=MODERATOR_ATTESTATION)
        record_move(
            AuditEvent.Action.REVIEW_SIGNED_OFF,
            review=review,
            by=by,
            request=request,
            detail={"round": review.round},
        )
        window = ReviewCycle.objects.values_list("reply_window_days", flat=True).get(
            pk=review.cycle_id
        )
        if window:
            _reply_window_open(review=review, days=window, by=by, request=request)
        else:
            review_ready_for_outcome.send(sender=Review, review=review)
    review.refresh_from_db()
    return review


@cache
def _bank_holidays(nation: str, year: int) -> frozenset[date]:
    if not nation:
        return frozenset()
    return frozenset(holidays.country_holidays("GB", subdiv=nation, years=[year]))


def working_days_after(start: date, days: int, *, nation: str | None = None) -> date:
    """The date `days` working days after `start`: Monday to Friday, less the bank holidays of
    the board's nation (settings.BANK_HOLIDAYS, or `nation`), substitute days included."""
    nation = settings.BANK_HOLIDAYS if nation is None else nation
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in _bank_holidays(nation, day.year):
            days -= 1
    return day


def _reply_window_open(*, review: Review, days: int, by, request) -> None:
    closes_on = working_days_after(timezone.localdate(), days)
    moved = Review.objects.filter(pk=review.pk, state=State.SIGNED_OFF).update(
        state=State.IN_REPLY, reply_closes_on=closes_on, lock_version=F("lock_version") + 1
    )
    if not moved:
        raise TransitionRefused("The agency's reply can open only on a review just signed off.")
    record_move(
        AuditEvent.Action.REPLY_WINDOW_OPENED,
        review=review,
        by=by,
        request=request,
        detail={"working_days": days, "closes_on": closes_on.isoformat()},
    )
    # The agency is told by email once this commits (reviews.receivers).
    reply_window_opened.send(sender=Review, review=review)


@audited_refusals
def review_reply_close(*, review: Review, by=None, why: str, request=None) -> Review:
    """End the agency's reply: the findings as they now stand are final and the outcome is
    prepared. The review stays in reply, closed, until the outcome is issued. `by` is none when
    the window's last day has passed."""
    with transaction.atomic():
        moved = Review.objects.filter(
            pk=review.pk, state=State.IN_REPLY, reply_closed_at=None
        ).update(
            reply_closed_at=timezone.now(),
            lock_version=F("lock_version") + 1,
            updated_at=timezone.now(),
        )
        if not moved:
            current = Review.objects.get(pk=review.pk)
            if current.state == State.IN_REPLY:
                raise TransitionRefused("The agency's reply has already closed.")
            raise TransitionRefused(
                f"This review is {current.get_state_display().lower()}, not open for a reply."
            )
        replies = Reply.objects.filter(finding__review=review)
        record_move(
            AuditEvent.Action.REPLY_WINDOW_CLOSED,
            review=review,
            by=by,
            request=request,
            detail={
                "why": why,
                "replies": replies.count(),
                "settled": sum(reply.is_settled for reply in replies),
            },
        )
        review_ready_for_outcome.send(sender=Review, review=review)
    review.refresh_from_db()
    return review


@audited_refusals
def review_issue_outcome(*, review: Review, by=None, detail: dict, request=None) -> Review:
    """The signed outcome is stored: the review's outcome is issued. Called by the outcome's
    renderer with what identifies the document in `detail`. Only from signed off, or from in
    reply once the reply has closed."""
    with transaction.atomic():
        moved = Review.objects.filter(OUTCOME_DUE, pk=review.pk).update(
            state=State.OUTCOME_ISSUED, lock_version=F("lock_version") + 1
        )
        if not moved:
            current = Review.objects.get(pk=review.pk)
            if current.state == State.IN_REPLY:
                raise TransitionRefused(
                    "The agency's reply is still open, so the outcome cannot be issued."
                )
            raise TransitionRefused(
                f"This review is {current.get_state_display().lower()}, so its outcome cannot "
                "be issued."
            )
        record_move(
            AuditEvent.Action.OUTCOME_ISSUED, review=review, by=by, request=request, detail=detail
        )
    review.refresh_from_db()
    return review


@audited_refusals
def review_withdraw(*, review: Review, by, reason: str, request=None) -> Review:
    if not by.is_board_admin:
        raise TransitionRefused("Only a board admin withdraws reviews.")
    if not reason.strip():
        raise TransitionRefused("Give the reason for withdrawing the review")
    with transaction.atomic():
        moved = (
            Review.objects.filter(pk=review.pk)
            .exclude(state=State.WITHDRAWN)
            .update(
                state=State.WITHDRAWN,
                withdrawn_reason=reason.strip(),
                lock_version=F("lock_version") + 1,
                updated_by=by,
                updated_at=timezone.now(),
            )
        )
        if not moved:
            raise TransitionRefused("This review is already withdrawn.")
        record_move(
            AuditEvent.Action.REVIEW_WITHDRAWN,
            review=review,
            by=by,
            request=request,
            detail={"reason": reason.strip()},
        )
    review.refresh_from_db()
    return review
