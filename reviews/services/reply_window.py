"""The agency's reply window as a whole: its members are told once that they may reply, and the
reply of every review whose window's last day has passed is ended (an hourly beat task). Both are
safe to run again. The replies themselves are in replies.py."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent

from ..models import Review
from .guards import TransitionRefused, record_move
from .lifecycle import review_reply_close

State = Review.State


def reply_windows_close_due(*, today: date | None = None) -> int:
    """End the reply of every review whose window's last day has passed. Safe to run twice: a
    review already moved on is no longer open for a reply."""
    today = today or timezone.localdate()
    closed = 0
    due = Review.objects.select_related("agency").filter(
        state=State.IN_REPLY, reply_closed_at=None, reply_closes_on__lt=today
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
            .filter(pk=review_id, state=State.IN_REPLY, reply_closed_at=None)
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
