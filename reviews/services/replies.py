"""The agency's right of reply: while its review is open for a reply, a member of the agency
responds to a finding on factual accuracy; the reviewer answers (keep it, or amend it, with a
reason); the moderator confirms an amendment, which changes the finding, or sends it back to
the reviewer with a note. Once every reply is settled, or the window's last day has passed, the
reply ends and the outcome is prepared.

    replied (editable) -> kept ----------------------------> settled
                       -> amended -> confirmed (finding changed) -> settled
                                  -> sent back -> (the reviewer answers again)
"""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from policies.models import Membership

from ..models import Finding, Reply, Review
from .guards import (
    TransitionRefused,
    audited_refusals,
    claim_version,
    record_move,
    refuse_if_member,
)
from .lifecycle import review_reply_close

State = Review.State
Answer = Reply.Answer
REPLY_STATES = (State.IN_REPLY,)


def _finding_of(review: Review, finding_id: int) -> Finding:
    finding = review.findings.select_related("expectation").filter(pk=finding_id).first()
    if finding is None:
        raise TransitionRefused("That finding is not part of this review.")
    return finding


def _reply_of(review: Review, reply_id: int) -> Reply:
    reply = (
        Reply.objects.select_related("finding__expectation")
        .filter(pk=reply_id, finding__review_id=review.pk)
        .first()
    )
    if reply is None:
        raise TransitionRefused("That reply is not one of this review's.")
    return reply


@audited_refusals
def reply_save(
    *, review: Review, finding_id: int, by, text: str, lock_version: int, request=None
) -> Reply:
    """A member of the agency replies to a finding, or changes the reply until it is answered."""
    if not Membership.objects.filter(user_id=by.pk, agency_id=review.agency_id).exists():
        raise TransitionRefused(f"Only a member of {review.agency} can reply to its findings.")
    if review.reply_closes_on and review.reply_closes_on < timezone.localdate():
        raise TransitionRefused(
            f"The reply closed on {review.reply_closes_on:%-d %B %Y}, so it cannot be changed."
        )
    text = text.strip()
    if not text:
        raise TransitionRefused("Say what is not accurate in this finding")
    finding = _finding_of(review, finding_id)
    with transaction.atomic():
        claim_version(review=review, by=by, lock_version=lock_version, states=REPLY_STATES)
        reply = Reply.objects.filter(finding=finding).first()
        if reply is None:
            reply = Reply.objects.create(finding=finding, text=text, replied_by=by)
        elif not Reply.objects.filter(pk=reply.pk, answer="", answered_at=None).update(
            text=text, replied_by=by, replied_at=timezone.now()
        ):
            raise TransitionRefused(
                "The reviewer has answered this reply, so it can no longer be changed."
            )
        record_move(
            AuditEvent.Action.REPLY_SAVED,
            review=review,
            by=by,
            request=request,
            detail={"finding": finding.expectation.code, "text": text},
        )
    reply.refresh_from_db()
    return reply


def _amended(finding: Finding, *, rating: str, comment: str) -> Finding:
    """The finding as it would read amended; refused if it would then break the review's rules."""
    if rating and rating not in Finding.Rating.values:
        raise TransitionRefused("Choose a rating from the list")
    changed = Finding(
        expectation=finding.expectation,
        **{f: getattr(finding, f) for f in ("evidence_quote", "evidence_page", "evidence_section")},
        not_applicable_reason=finding.not_applicable_reason,
        rating=rating or finding.rating,
        comment=comment or finding.comment,
    )
    if (changed.rating, changed.comment) == (finding.rating, finding.comment):
        raise TransitionRefused("Give the amended rating or comment")
    problems = changed.problems()
    if problems:
        raise TransitionRefused("The amended finding is incomplete: " + "; ".join(problems))
    return changed


@audited_refusals
def reply_answer(
    *,
    review: Review,
    reply_id: int,
    by,
    answer: str,
    reason: str,
    lock_version: int,
    proposed_rating: str = "",
    proposed_comment: str = "",
    request=None,
) -> Reply:
    """The reviewer keeps the finding or proposes an amendment, with the reason either way."""
    if by.pk != review.reviewer_id:
        raise TransitionRefused("Only the review's reviewer answers the agency's replies.")
    refuse_if_member(review=review, by=by, role="review")
    if answer not in Answer.values:
        raise TransitionRefused("Choose whether to keep the finding or amend it")
    reason = reason.strip()
    if not reason:
        raise TransitionRefused("Give the reason for your answer")
    reply = _reply_of(review, reply_id)
    proposed_comment = proposed_comment.strip()
    if answer == Answer.KEEP:
        proposed_rating, proposed_comment = "", ""
    else:
        _amended(reply.finding, rating=proposed_rating, comment=proposed_comment)
    with transaction.atomic():
        claim_version(review=review, by=by, lock_version=lock_version, states=REPLY_STATES)
        answered = Reply.objects.filter(pk=reply.pk, answer="").update(
            answer=answer,
            answer_reason=reason,
            proposed_rating=proposed_rating,
            proposed_comment=proposed_comment,
            answered_by=by,
            answered_at=timezone.now(),
        )
        if not answered:
            raise TransitionRefused("This reply has already been answered.")
        record_move(
            AuditEvent.Action.REPLY_ANSWERED,
            review=review,
            by=by,
            request=request,
            detail={
                "finding": reply.finding.expectation.code,
                "answer": answer,
                "reason": reason,
                "proposed_rating": proposed_rating,
                "proposed_comment": proposed_comment,
            },
        )
        _close_if_settled(review=review, by=by, request=request)
    reply.refresh_from_db()
    return reply


def _moderate_amendment(*, review: Review, reply_id: int, by, lock_version: int) -> Reply:
    if by.pk != review.moderator_id:
        raise TransitionRefused("Only the review's moderator confirms an amended finding.")
    refuse_if_member(review=review, by=by, role="moderate")
    reply = _reply_of(review, reply_id)
    claim_version(review=review, by=by, lock_version=lock_version, states=REPLY_STATES)
    return reply


def _awaiting_confirmation(reply: Reply):
    return Reply.objects.filter(pk=reply.pk, answer=Answer.AMEND, confirmed_at=None)


@audited_refusals
def reply_amendment_confirm(
    *, review: Review, reply_id: int, by, lock_version: int, request=None
) -> Reply:
    """The moderator confirms the reviewer's amendment: the finding changes."""
    with transaction.atomic():
        reply = _moderate_amendment(
            review=review, reply_id=reply_id, by=by, lock_version=lock_version
        )
        if not _awaiting_confirmation(reply).update(confirmed_by=by, confirmed_at=timezone.now()):
            raise TransitionRefused("This reply has no amendment waiting to be confirmed.")
        finding = reply.finding
        changed = _amended(finding, rating=reply.proposed_rating, comment=reply.proposed_comment)
        before = {"rating": finding.rating, "comment": finding.comment}
        after = {"rating": changed.rating, "comment": changed.comment}
        Finding.objects.filter(pk=finding.pk).update(**after)
        record_move(
            AuditEvent.Action.REPLY_AMENDMENT_CONFIRMED,
            review=review,
            by=by,
            request=request,
            detail={"finding": finding.expectation.code, "before": before, "after": after},
        )
        _close_if_settled(review=review, by=by, request=request)
    reply.refresh_from_db()
    return reply


@audited_refusals
def reply_amendment_reject(
    *, review: Review, reply_id: int, by, note: str, lock_version: int, request=None
) -> Reply:
    """The moderator sends an amendment back to the reviewer, saying why, to answer again."""
    note = note.strip()
    if not note:
        raise TransitionRefused("Say why the amendment goes back to the reviewer")
    with transaction.atomic():
        reply = _moderate_amendment(
            review=review, reply_id=reply_id, by=by, lock_version=lock_version
        )
        # The proposal and reason stay as the reviewer's starting point for a new answer.
        if not _awaiting_confirmation(reply).update(answer="", answered_by=None, answered_at=None):
            raise TransitionRefused("This reply has no amendment waiting to be confirmed.")
        record_move(
            AuditEvent.Action.REPLY_AMENDMENT_REJECTED,
            review=review,
            by=by,
            request=request,
            detail={"finding": reply.finding.expectation.code, "note": note},
        )
    reply.refresh_from_db()
    return reply


def _close_if_settled(*, review: Review, by, request) -> None:
    replies = list(Reply.objects.filter(finding__review_id=review.pk))
    if replies and all(reply.is_settled for reply in replies):
        review_reply_close(review=review, by=by, why="every reply settled", request=request)


def reply_windows_close_due(*, today: date | None = None) -> int:
    """End the reply of every review whose window's last day has passed. Safe to run twice: a
    review already moved on is no longer open for a reply."""
    today = today or timezone.localdate()
    closed = 0
    due = Review.objects.select_related("agency").filter(
        state=State.IN_REPLY, reply_closes_on__lt=today
    )
    for review in due:
        try:
            review_reply_close(review=review, by=None, why="the reply window closed")
        except TransitionRefused:
            continue
        closed += 1
    return closed


def reply_window_notify(*, review_id: int) -> int:
    """Email the agency's members that they may reply; once, however often it runs."""
    with transaction.atomic():
        review = (
            Review.objects.select_for_update(of=("self",))
            .select_related("agency", "cycle", "policy_version__document")
            .filter(pk=review_id, state=State.IN_REPLY)
            .first()
        )
        if review is None:
            return 0
        told = AuditEvent.objects.filter(
            action=AuditEvent.Action.REPLY_WINDOW_NOTIFIED,
            object_type=Review._meta.label,
            object_id=str(review.pk),
        )
        if told.exists():
            return 0
        recipients = list(
            User.objects.filter(memberships__agency=review.agency, is_active=True)
            .order_by("email")
            .values_list("email", flat=True)
        )
        if not recipients:
            return 0
        context = {
            "review": review,
            "board_name": settings.BOARD_NAME,
            "url": settings.SITE_URL.rstrip("/") + reverse("reviews:review", args=[review.pk]),
        }
        # Recorded first: if the mail fails the transaction is undone and the next run retries.
        record_move(
            AuditEvent.Action.REPLY_WINDOW_NOTIFIED,
            review=review,
            by=None,
            request=None,
            detail={"recipients": len(recipients)},
        )
        send_mail(
            subject=f"The board's findings on your policy ({review.reference}): you may reply",
            message=render_to_string("reviews/email_reply_window_open.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
    return len(recipients)
