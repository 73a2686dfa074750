"""The agency's right of reply: its members reply to the draft findings on the review's page;
the reviewer answers each reply and the moderator decides on each amendment on the replies
page, which board admins may read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import access_refused
from policies.rules import member_agency_ids

from .. import selectors
from ..forms.replies import AmendmentDecisionForm, AnswerForm, ReplyForm
from ..models import Reply, Review
from ..selectors_replies import reply_counts, reply_is_open
from ..services import (
    EditConflict,
    TransitionRefused,
    reply_amendment_confirm,
    reply_amendment_reject,
    reply_answer,
    reply_finish,
    reply_save,
    suggested_outcome,
)

State = Review.State


def _lock_version(request) -> int:
    """The reply's version the page was read at (0: no reply yet); a missing or mangled one is
    never current."""
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        return -1


def _refuse(request, review: Review, reason: str):
    return access_refused(request, obj=review, agency=review.agency, reason=reason)


def _is_member(user, review: Review) -> bool:
    return review.agency_id in member_agency_ids(user)


# The agency's side: the review page while the reply is open.


def agency_reply_page(request, review: Review, *, sent: ReplyForm | None = None, status=200):
    """The draft findings with a reply form for each finding not yet answered."""
    review = selectors.review_with_history(review)
    findings = list(review.findings.all())
    # Past its last day, the window waits only for the hourly task to end the reply.
    open_ = reply_is_open(review) and (
        review.reply_closes_on is None or review.reply_closes_on >= timezone.localdate()
    )
    # Once the agency has said it has finished, its replies stand as sent.
    editable = open_ and review.reply_finished_at is None
    forms = {}
    for finding in findings:
        reply = getattr(finding, "reply", None)
        if not editable or (reply is not None and reply.answer):
            continue
        if sent is not None and sent.finding.pk == finding.pk:
            forms[finding.pk] = sent
        elif reply is not None:
            forms[finding.pk] = ReplyForm(
                finding=finding, lock_version=reply.lock_version, initial={"text": reply.text}
            )
        else:
            forms[finding.pk] = ReplyForm(finding=finding, lock_version=0)
    return render(
        request,
        "reviews/replies/agency.html",
        {
            "review": review,
            "rows": [(finding, forms.get(finding.pk)) for finding in findings],
            "sent": sent,
            "open": open_,
            "editable": editable,
            "waiting": sum(
                1
                for finding in findings
                if getattr(finding, "reply", None) is not None and not finding.reply.is_settled
            ),
        },
        status=status,
    )


@login_required
@require_POST
def finding_reply(request, pk: int, finding_pk: int):
    review = selectors.review_get_for_user(request, pk)
    if not _is_member(request.user, review):
        raise _refuse(request, review, "only the agency's members reply to its findings")
    finding = review.findings.select_related("expectation").filter(pk=finding_pk).first()
    if finding is None:
        raise _refuse(request, review, "not a finding of this review")
    form = ReplyForm(request.POST, finding=finding, lock_version=_lock_version(request))
    if not form.is_valid():
        return agency_reply_page(request, review, sent=form, status=400)
    try:
        reply_save(
            review=review,
            finding_id=finding.pk,
            by=request.user,
            text=form.cleaned_data["text"],
            lock_version=_lock_version(request),
            request=request,
        )
    except (TransitionRefused, EditConflict) as refusal:
        review.refresh_from_db()
        if not reply_is_open(review):
            # The reply has ended: the review's page no longer takes replies, and says why.
            messages.error(request, refusal.reason)
            return redirect("reviews:review", pk=review.pk)
        if isinstance(refusal, EditConflict):
            # Kept on the page, now from the version just read, so it can be saved again.
            current = Reply.objects.filter(finding=finding).first()
            form = ReplyForm(
                request.POST, finding=finding, lock_version=current.lock_version if current else 0
            )
            form.is_valid()
        form.add_error(None, refusal.reason)
        status = 409 if isinstance(refusal, EditConflict) else 400
        return agency_reply_page(request, review, sent=form, status=status)
    messages.success(request, f"Your reply on finding {finding.expectation.code} is saved.")
    return redirect("reviews:review", pk=review.pk)


@login_required
@require_POST
def reply_finished(request, pk: int):
    """A member of the agency says it has sent every reply it means to."""
    review = selectors.review_get_for_user(request, pk)
    if not _is_member(request.user, review):
        raise _refuse(request, review, "only the agency's members finish its reply")
    try:
        review = reply_finish(review=review, by=request.user, request=request)
    except TransitionRefused as refusal:
        messages.error(request, refusal.reason)
        return redirect("reviews:review", pk=review.pk)
    if review.reply_closed_at:
        messages.success(
            request,
            "You have finished replying. The findings are final and the outcome is being prepared.",
        )
    else:
        messages.success(
            request,
            "You have finished replying. The outcome will be prepared once the board "
            "has settled your replies.",
        )
    return redirect("reviews:review", pk=review.pk)


# The board's side: the reviewer answers, the moderator decides, board admins read.


def _board_review(request, pk: int) -> Review:
    review = selectors.review_get_for_user(request, pk)
    user = request.user
    if user.pk in (review.reviewer_id, review.moderator_id) or user.is_board_admin:
        return review
    raise _refuse(request, review, "only the review's reviewer and moderator handle replies")


def _awaits_moderator(reply) -> bool:
    return reply.answer == reply.Answer.AMEND and reply.confirmed_at is None


def _outcome_if_confirmed(review: Review, reply) -> str:
    """The overall outcome the ratings would suggest with this amendment confirmed, where that
    is a change from what they suggest now and not the review's overall outcome; else empty.
    Confirming never changes the overall outcome: the moderator is told, not overruled."""
    findings = list(review.findings.all())
    now = suggested_outcome(f.rating for f in findings)
    after = suggested_outcome(
        (reply.proposed_rating or f.rating) if f.pk == reply.finding_id else f.rating
        for f in findings
    )
    if after in (now, review.overall_outcome):
        return ""
    return Review.Outcome(after).label


def _board_form(review: Review, reply, user):
    if not reply_is_open(review):
        return None
    if user.pk == review.reviewer_id and not reply.answer:
        return AnswerForm(reply=reply, lock_version=reply.lock_version)
    if user.pk == review.moderator_id and _awaits_moderator(reply):
        return AmendmentDecisionForm(reply=reply, lock_version=reply.lock_version)
    return None


def _replies_page(request, review: Review, *, sent=None, status: int = 200):
    review = selectors.review_with_history(review)
    rows = []
    for finding in review.findings.all():
        reply = getattr(finding, "reply", None)
        if reply is None:
            continue
        form = _board_form(review, reply, request.user)
        if sent is not None and sent.reply.pk == reply.pk:
            form = sent
        deciding = isinstance(form, AmendmentDecisionForm)
        rows.append(
            {
                "finding": finding,
                "reply": reply,
                "form": form,
                "action": "reviews:reply_decide" if deciding else "reviews:reply_answer",
                "outcome_if_confirmed": _outcome_if_confirmed(review, reply) if deciding else "",
            }
        )
    return render(
        request,
        "reviews/replies/board.html",
        {
            "review": review,
            "rows": rows,
            "sent": sent,
            "counts": reply_counts(review),
            "open": reply_is_open(review),
        },
        status=status,
    )


def _refused(request, review: Review, form, refusal):
    """The board's form shown back with the refusal; after a conflict, from the reply's version
    just read, so the person can check it and save again."""
    if isinstance(refusal, EditConflict):
        reply = Reply.objects.select_related("finding__expectation").get(pk=form.reply.pk)
        form = type(form)(request.POST, reply=reply, lock_version=reply.lock_version)
        form.is_valid()
    form.add_error(None, refusal.reason)
    return _replies_page(
        request, review, sent=form, status=409 if isinstance(refusal, EditConflict) else 400
    )


@login_required
def review_replies(request, pk: int):
    return _replies_page(request, _board_review(request, pk))


def _reply_or_refuse(request, review: Review, reply_pk: int):
    finding = (
        review.findings.select_related("expectation", "reply").filter(reply__pk=reply_pk).first()
    )
    if finding is None:
        raise _refuse(request, review, "not a reply to this review")
    return finding.reply


@login_required
@require_POST
def reply_answer_view(request, pk: int, reply_pk: int):
    review = _board_review(request, pk)
    if request.user.pk != review.reviewer_id:
        raise _refuse(request, review, "only the review's reviewer answers replies")
    reply = _reply_or_refuse(request, review, reply_pk)
    form = AnswerForm(request.POST, reply=reply, lock_version=_lock_version(request))
    if not form.is_valid():
        return _replies_page(request, review, sent=form, status=400)
    try:
        reply_answer(
            review=review,
            reply_id=reply.pk,
            by=request.user,
            lock_version=_lock_version(request),
            request=request,
            **form.cleaned_data,
        )
    except (TransitionRefused, EditConflict) as refusal:
        return _refused(request, review, form, refusal)
    messages.success(request, f"Your answer on finding {reply.finding.expectation.code} is saved.")
    return redirect("reviews:replies", pk=review.pk)


@login_required
@require_POST
def reply_decide(request, pk: int, reply_pk: int):
    review = _board_review(request, pk)
    if request.user.pk != review.moderator_id:
        raise _refuse(request, review, "only the review's moderator decides on amendments")
    reply = _reply_or_refuse(request, review, reply_pk)
    form = AmendmentDecisionForm(request.POST, reply=reply, lock_version=_lock_version(request))
    if not form.is_valid():
        return _replies_page(request, review, sent=form, status=400)
    common = {
        "review": review,
        "reply_id": reply.pk,
        "by": request.user,
        "lock_version": _lock_version(request),
        "request": request,
    }
    try:
        if form.cleaned_data["decision"] == AmendmentDecisionForm.CONFIRM:
            reply_amendment_confirm(**common)
            message = "You confirmed the amendment; the finding is changed."
        else:
            reply_amendment_reject(note=form.cleaned_data["note"], **common)
            message = f"You sent the amendment back to {review.reviewer}."
    except (TransitionRefused, EditConflict) as refusal:
        return _refused(request, review, form, refusal)
    messages.success(request, message)
    return redirect("reviews:replies", pk=review.pk)
