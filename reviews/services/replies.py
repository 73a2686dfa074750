"""The agency's right of reply: while its review is open for a reply, a member of the agency
responds to a finding on factual accuracy; the reviewer answers (keep it, or amend it, with a
reason); the moderator confirms an amendment, which changes the finding, or sends it back to
the reviewer with a note. When the agency says it has finished replying and every reply is
settled, or when the window's last day has passed (reply_window.py), the reply closes and the
outcome is prepared. Until it says it has finished, the agency keeps its whole window.

Each reply carries its own version, so replies to different findings never conflict; every
change holds the review's row for its transaction, so the reply cannot close half-way through.

    replied (editable) -> kept ----------------------------> settled
                       -> amended -> confirmed (finding changed) -> settled
                                  -> sent back -> (the reviewer answers again)
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent
from policies.models import Membership

from ..models import Finding, Reply, Review
from ..models.reply import AMENDABLE_FIELDS, finding_as_amended
from .guards import (
    EditConflict,
    TransitionRefused,
    audited_refusals,
    record_move,
    refuse_if_member,
)
from .lifecycle import review_reply_close

State = Review.State
Answer = Reply.Answer


class ReplyConflict(EditConflict):
    """Someone changed this reply after this person read it."""

    def __init__(self, *, code: str, by=None, at=None):
        who = (by.get_full_name() or by.email) if by is not None else "Someone"
        when = f" on {timezone.localtime(at):%-d %B %Y at %H:%M:%S}" if at else ""
        self.reason = (
            f"{who} changed the reply on finding {code}{when}, after you opened this page. "
            "Your changes have not been saved; they are still on this page. Check the latest "
            "version, then save again."
        )
        Exception.__init__(self, self.reason)


def _hold_open(review: Review, *, agency_side: bool = False) -> None:
    """Hold the review's row until the transaction ends, refusing if the reply has closed (or,
    for the agency's own changes, once it has said it has finished): a close waits for this
    change, and a change after a close is refused."""
    current = Review.objects.select_for_update().filter(pk=review.pk).first()
    if current.state == State.IN_REPLY and current.reply_closed_at is not None:
        raise TransitionRefused("The agency's reply has closed, so it cannot be changed.")
    if agency_side and current.reply_finished_at is not None:
        raise TransitionRefused(
            f"Your agency said on {timezone.localtime(current.reply_finished_at):%-d %B %Y} that "
            "it had finished replying, so its replies can no longer be changed."
        )
    if current.state != State.IN_REPLY:
        raise TransitionRefused(
            f"This review is {current.get_state_display().lower()}, so it cannot be changed."
        )


def _refuse_unless_agency_may_reply(review: Review, by, *, doing: str) -> None:
    """The agency's own changes: only its members, and only until the window's last day."""
    if not Membership.objects.filter(user_id=by.pk, agency_id=review.agency_id).exists():
        raise TransitionRefused(f"Only a member of {review.agency} can {doing}.")
    if review.reply_closes_on and review.reply_closes_on < timezone.localdate():
        raise TransitionRefused(
            f"The reply closed on {review.reply_closes_on:%-d %B %Y}, so it cannot be changed."
        )


def _finding_of(review: Review, finding_id: int) -> Finding:
    finding = review.findings.select_related("expectation").filter(pk=finding_id).first()
    if finding is None:
        raise TransitionRefused("That finding is not part of this review.")
    return finding


def _reply_of(review: Review, reply_id: int) -> Reply:
    reply = (
        Reply.objects.select_related("finding__expectation", "replied_by")
        .filter(pk=reply_id, finding__review_id=review.pk)
        .first()
    )
    if reply is None:
        raise TransitionRefused("That reply is not one of this review's.")
    return reply


def _conflict(reply: Reply) -> ReplyConflict:
    return ReplyConflict(
        code=reply.finding.expectation.code, by=reply.replied_by, at=reply.replied_at
    )


@audited_refusals
def reply_save(
    *, review: Review, finding_id: int, by, text: str, lock_version: int, request=None
) -> Reply:
    """A member of the agency replies to a finding, or changes the reply until it is answered.
    `lock_version` is the reply's as the page showed it: 0 where there was no reply yet."""
    _refuse_unless_agency_may_reply(review, by, doing="reply to its findings")
    text = text.strip()
    if not text:
        raise TransitionRefused("Say what is not accurate in this finding")
    finding = _finding_of(review, finding_id)
    with transaction.atomic():
        _hold_open(review, agency_side=True)
        reply = Reply.objects.select_related("replied_by").filter(finding=finding).first()
        if reply is None and lock_version == 0:
            reply = Reply.objects.create(finding=finding, text=text, replied_by=by)
        elif reply is None:
            raise ReplyConflict(code=finding.expectation.code)
        elif reply.answer:
            raise TransitionRefused(
                "The reviewer has answered this reply, so it can no longer be changed."
            )
        elif not Reply.objects.filter(pk=reply.pk, lock_version=lock_version).update(
            text=text, replied_by=by, replied_at=timezone.now(), lock_version=F("lock_version") + 1
        ):
            raise _conflict(reply)
        record_move(
            AuditEvent.Action.REPLY_SAVED,
            review=review,
            by=by,
            request=request,
            detail={"finding": finding.expectation.code, "text": text},
        )
    reply.refresh_from_db()
    return reply


def _amended(finding: Finding, **proposal) -> Finding:
    """The finding as it would read amended; refused if it would then break the review's rules."""
    rating = proposal.get("proposed_rating")
    if rating and rating not in Finding.Rating.values:
        raise TransitionRefused("Choose a rating from the list")
    changed = finding_as_amended(finding, **proposal)
    if all(getattr(changed, f) == getattr(finding, f) for f in AMENDABLE_FIELDS):
        raise TransitionRefused("Give the amended rating, comment or evidence")
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
    proposed_evidence_quote: str = "",
    proposed_evidence_page: int | None = None,
    proposed_evidence_section: str = "",
    request=None,
) -> Reply:
    """The reviewer keeps the finding or proposes an amendment, with the reason either way.
    `lock_version` is the reply's as the page showed it."""
    if by.pk != review.reviewer_id:
        raise TransitionRefused("Only the review's reviewer answers the agency's replies.")
    refuse_if_member(review=review, by=by, role="review")
    if answer not in Answer.values:
        raise TransitionRefused("Choose whether to keep the finding or amend it")
    reason = reason.strip()
    if not reason:
        raise TransitionRefused("Give the reason for your answer")
    reply = _reply_of(review, reply_id)
    proposal = {
        "proposed_rating": proposed_rating,
        "proposed_comment": proposed_comment.strip(),
        "proposed_evidence_quote": proposed_evidence_quote.strip(),
        "proposed_evidence_page": proposed_evidence_page,
        "proposed_evidence_section": proposed_evidence_section.strip(),
    }
    if answer == Answer.KEEP:
        proposal = {field: None if "page" in field else "" for field in proposal}
    else:
        _amended(reply.finding, **proposal)
    with transaction.atomic():
        _hold_open(review)
        answered = Reply.objects.filter(pk=reply.pk, answer="", lock_version=lock_version).update(
            answer=answer,
            answer_reason=reason,
            answered_by=by,
            answered_at=timezone.now(),
            lock_version=F("lock_version") + 1,
            **proposal,
        )
        if not answered:
            current = _reply_of(review, reply.pk)
            if current.answer:
                raise TransitionRefused("This reply has already been answered.")
            raise _conflict(current)
        record_move(
            AuditEvent.Action.REPLY_ANSWERED,
            review=review,
            by=by,
            request=request,
            detail={
                "finding": reply.finding.expectation.code,
                "answer": answer,
                "reason": reason,
                **proposal,
            },
        )
        _close_if_settled(review=review, by=by, request=request)
    reply.refresh_from_db()
    return reply


def _decide(*, review: Review, reply_id: int, by, lock_version: int, **changes) -> Reply:
    """Claim the reply's amendment for the moderator's decision, from the version they read."""
    if by.pk != review.moderator_id:
        raise TransitionRefused("Only the review's moderator confirms an amended finding.")
    refuse_if_member(review=review, by=by, role="moderate")
    reply = _reply_of(review, reply_id)
    _hold_open(review)
    awaiting = Reply.objects.filter(pk=reply.pk, answer=Answer.AMEND, confirmed_at=None)
    if not awaiting.filter(lock_version=lock_version).update(
        lock_version=F("lock_version") + 1, **changes
    ):
        if not awaiting.exists():
            raise TransitionRefused("This reply has no amendment waiting to be confirmed.")
        raise ReplyConflict(code=reply.finding.expectation.code)
    return reply


@audited_refusals
def reply_amendment_confirm(
    *, review: Review, reply_id: int, by, lock_version: int, request=None
) -> Reply:
    """The moderator confirms the reviewer's amendment: the finding changes."""
    with transaction.atomic():
        reply = _decide(
            review=review,
            reply_id=reply_id,
            by=by,
            lock_version=lock_version,
            confirmed_by=by,
            confirmed_at=timezone.now(),
        )
        finding = reply.finding
        changed = _amended(
            finding,
            **{proposed: getattr(reply, proposed) for proposed in AMENDABLE_FIELDS.values()},
        )
        before = {field: getattr(finding, field) for field in AMENDABLE_FIELDS}
        after = {field: getattr(changed, field) for field in AMENDABLE_FIELDS}
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
    """The moderator sends an amendment back to the reviewer, with a note, to answer again."""
    note = note.strip()
    if not note:
        raise TransitionRefused("Say why the amendment goes back to the reviewer")
    with transaction.atomic():
        # The proposal and reason stay as the reviewer's starting point for a new answer.
        reply = _decide(
            review=review,
            reply_id=reply_id,
            by=by,
            lock_version=lock_version,
            answer="",
            answered_by=None,
            answered_at=None,
            moderator_note=note,
        )
        record_move(
            AuditEvent.Action.REPLY_AMENDMENT_REJECTED,
            review=review,
            by=by,
            request=request,
            detail={"finding": reply.finding.expectation.code, "note": note},
        )
    reply.refresh_from_db()
    return reply


@audited_refusals
def reply_finish(*, review: Review, by, request=None) -> Review:
    """A member of the agency says it has sent every reply it means to (none, if it accepts the
    findings as they are). The reply then ends as soon as every reply is settled: at once if
    none is waiting for the board."""
    _refuse_unless_agency_may_reply(review, by, doing="finish its reply")
    with transaction.atomic():
        _hold_open(review, agency_side=True)
        Review.objects.filter(pk=review.pk).update(
            reply_finished_at=timezone.now(), updated_at=timezone.now()
        )
        replies = list(Reply.objects.filter(finding__review_id=review.pk))
        record_move(
            AuditEvent.Action.REPLY_FINISHED,
            review=review,
            by=by,
            request=request,
            detail={"replies": len(replies), "settled": sum(r.is_settled for r in replies)},
        )
        _close_if_settled(review=review, by=by, request=request)
    review.refresh_from_db()
    return review


def _close_if_settled(*, review: Review, by, request) -> None:
    """End the reply once the agency has finished and nothing it sent waits for the board."""
    finished = Review.objects.filter(pk=review.pk, reply_finished_at__isnull=False).exists()
    replies = Reply.objects.filter(finding__review_id=review.pk)
    if finished and all(reply.is_settled for reply in replies):
        why = "the agency finished replying and every reply is settled"
        review_reply_close(review=review, by=by, why=why, request=request)
