"""The signed outcome of a review: taken when its findings become final (at sign-off, or when
the agency's reply ends), rendered and signed in the background, issued once, downloaded with an
audit event.

    (findings final) -> pending -> rendering -> ready   (reviews.services.review_issue_outcome)
                                 |
                                 +-> failed -> (a board admin retries) -> pending
    pending or rendering long after its last move -> (its task was lost; beat) -> pending
"""

import contextlib
import hashlib
import logging
import os
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from reviews.models import Review
from reviews.selectors import review_with_history
from reviews.selectors_replies import OUTCOME_DUE, outcome_is_due
from reviews.services import TransitionRefused, review_issue_outcome

# The tasks call these services and these services queue the tasks: each module imports the
# other whole, so either can be loaded first.
from . import tasks
from .content import outcome_content
from .models import Outcome
from .rendering import pdf_render
from .signing import board_certificate, pdf_sign
from .verification import REASON_PREFIX

logger = logging.getLogger(__name__)

# Test-only: seconds the render pauses before signing, so a test can kill a worker mid-render.
RENDER_DELAY_ENV = "OUTCOME_RENDER_TEST_DELAY_SECONDS"


def _queue_render(review_id: int) -> None:
    transaction.on_commit(lambda: tasks.outcome_render_task.delay(review_id))


def outcome_prepare(*, review: Review, queue: bool = True) -> Outcome:
    """Take what the outcome will show and queue its rendering once the sign-off commits.

    Called inside the sign-off's transaction, so the outcome shows exactly what was signed off.
    """
    content = outcome_content(review_with_history(review))
    try:
        with transaction.atomic():
            outcome = Outcome.objects.create(review_id=review.pk, content=content)
    except IntegrityError:
        return Outcome.objects.get(review_id=review.pk)
    if queue:
        _queue_render(review.pk)
    return outcome


def _store(data: bytes, name: str) -> str:
    """Store the signed PDF through the storage API, on disk or in a bucket; returns its name.

    Storage never replaces a file (a taken name gets another), so each run keeps its own.
    """
    return Outcome.file.field.storage.save(name, ContentFile(data))


def _test_delay() -> None:
    seconds = float(os.environ.get(RENDER_DELAY_ENV) or 0)
    if seconds > 0:
        time.sleep(seconds)


def outcome_check_url() -> str:
    """The full address of "Check an outcome", as printed on the outcome."""
    return settings.SITE_URL.rstrip("/") + reverse("outcomes:check")


def outcome_mark_failed(*, review_id: int, error: str) -> None:
    outcome = Outcome.objects.select_related("review__agency").filter(review_id=review_id).first()
    if outcome is None or outcome.is_ready:
        return
    with transaction.atomic():
        Outcome.objects.filter(pk=outcome.pk).exclude(status=Outcome.Status.READY).update(
            status=Outcome.Status.FAILED, last_error=error[:2000], status_changed_at=timezone.now()
        )
        audit_record(
            action=AuditEvent.Action.OUTCOME_FAILED,
            obj=outcome.review,
            agency=outcome.review.agency,
            detail={"reference": outcome.reference, "error": error[:500]},
        )


def _signed_pdf(outcome: Outcome, *, certificate, issued_at) -> bytes:
    pdf = pdf_render(
        "outcomes/outcome_pdf.html",
        {
            "outcome": outcome.content,
            "issued_at": issued_at,
            "certificate": certificate,
            "check_url": outcome_check_url(),
        },
    )
    _test_delay()
    return pdf_sign(
        pdf,
        path=settings.OUTCOME_SIGNING_PKCS12,
        passphrase=settings.OUTCOME_SIGNING_PASSPHRASE,
        reason=f"{REASON_PREFIX}{outcome.reference}",
        location=outcome.content["board_name"],
        timestamp_url=settings.OUTCOME_TIMESTAMP_URL,
    )


def outcome_render(*, review_id: int) -> Outcome | None:
    """Render, sign and store the outcome of a review whose findings are final, once.

    Safe to run any number of times, at the same time too: whichever run stores first issues
    the outcome, and any other removes its own file.
    """
    outcome = Outcome.objects.select_related("review__agency").filter(review_id=review_id).first()
    if outcome is None:
        review = Review.objects.filter(OUTCOME_DUE, pk=review_id).first()
        if review is None:
            return None
        with transaction.atomic():
            outcome = outcome_prepare(review=review, queue=False)
        outcome = Outcome.objects.select_related("review__agency").get(pk=outcome.pk)
    if outcome.is_ready:
        return outcome
    review = outcome.review
    if not outcome_is_due(review):
        outcome_mark_failed(
            review_id=review_id,
            error=f"The review is {review.get_state_display().lower()}, so no outcome is issued.",
        )
        return outcome
    Outcome.objects.filter(pk=outcome.pk).exclude(status=Outcome.Status.READY).update(
        status=Outcome.Status.RENDERING,
        attempts=F("attempts") + 1,
        status_changed_at=timezone.now(),
    )

    certificate = board_certificate(
        path=settings.OUTCOME_SIGNING_PKCS12, passphrase=settings.OUTCOME_SIGNING_PASSPHRASE
    )
    issued_at = timezone.localtime()
    signed = _signed_pdf(outcome, certificate=certificate, issued_at=issued_at)
    return _issue(outcome, signed=signed, certificate=certificate, issued_at=issued_at)


def _issue(outcome: Outcome, *, signed: bytes, certificate, issued_at) -> Outcome:
    """Store the signed PDF and issue it, unless another run issued it first."""
    review = outcome.review
    sha256 = hashlib.sha256(signed).hexdigest()
    name = _store(signed, f"outcomes/{review.pk}/{outcome.reference}-{uuid.uuid4().hex[:12]}.pdf")

    with transaction.atomic():
        won = (
            Outcome.objects.filter(pk=outcome.pk)
            .exclude(status=Outcome.Status.READY)
            .update(
                status=Outcome.Status.READY,
                file=name,
                sha256=sha256,
                size=len(signed),
                certificate_sha256=certificate.sha256,
                certificate_subject=certificate.subject[:300],
                certificate_pem=certificate.pem,
                timestamped=bool(settings.OUTCOME_TIMESTAMP_URL),
                rendered_at=issued_at,
                status_changed_at=timezone.now(),
                last_error="",
            )
        )
        if not won:
            storage = Outcome.file.field.storage
            transaction.on_commit(lambda: storage.delete(name))
            return Outcome.objects.get(pk=outcome.pk)
        # Withdrawn while rendering: the refusal is recorded; the document is kept as made.
        with contextlib.suppress(TransitionRefused):
            review_issue_outcome(
                review=review,
                by=None,
                detail={
                    "reference": outcome.reference,
                    "sha256": sha256,
                    "certificate_sha256": certificate.sha256,
                },
            )
        _queue_notify(outcome.pk)
    return Outcome.objects.get(pk=outcome.pk)


def _queue_notify(outcome_id: int) -> None:
    transaction.on_commit(lambda: tasks.outcome_notify_task.delay(outcome_id))


def outcome_retry(*, review: Review, by, request=None) -> Outcome:
    """A board admin asks for a failed outcome to be prepared again."""
    if not by.is_board_admin:
        raise TransitionRefused("Only a board admin can prepare an outcome again.")
    with transaction.atomic():
        moved = Outcome.objects.filter(review=review, status=Outcome.Status.FAILED).update(
            status=Outcome.Status.PENDING, last_error="", status_changed_at=timezone.now()
        )
        if not moved:
            raise TransitionRefused("This outcome has not failed, so there is nothing to retry.")
        audit_record(
            action=AuditEvent.Action.OUTCOME_RETRIED,
            request=request,
            actor=by,
            obj=review,
            agency=review.agency,
            detail={"reference": review.reference},
        )
        _queue_render(review.pk)
    return Outcome.objects.get(review=review)


def outcomes_requeue_stuck(*, older_than: timedelta) -> int:
    """Queue again every outcome still preparing long after it was last queued or started.

    Its message was lost (a broker restart, a worker killed at its hard time limit). Each is
    claimed by moving its time on before it is queued, so a second run at once queues nothing;
    and rendering an outcome already issued does nothing, so a duplicate message is harmless.
    """
    stuck = Outcome.objects.filter(
        status__in=[Outcome.Status.PENDING, Outcome.Status.RENDERING],
        status_changed_at__lt=timezone.now() - older_than,
    )
    queued = 0
    for outcome_id, review_id in stuck.values_list("pk", "review_id"):
        with transaction.atomic():
            claimed = stuck.filter(pk=outcome_id).update(
                status=Outcome.Status.PENDING, status_changed_at=timezone.now()
            )
            if claimed:
                logger.warning("Queueing the outcome of review %s again", review_id)
                _queue_render(review_id)
                queued += 1
    return queued


def outcome_record_download(*, outcome: Outcome, request) -> None:
    review = outcome.review
    audit_record(
        action=AuditEvent.Action.OUTCOME_DOWNLOADED,
        request=request,
        obj=review,
        agency=review.agency,
        detail={"reference": outcome.reference, "sha256": outcome.sha256},
    )


def outcome_notify(*, outcome_id: int) -> int:
    """Email the agency's members that its outcome is ready; once, however often it runs."""
    outcome = Outcome.objects.select_related("review__agency").filter(pk=outcome_id).first()
    if outcome is None or not outcome.is_ready:
        return 0
    claimed = Outcome.objects.filter(pk=outcome.pk, notified_at=None).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return 0
    review = outcome.review
    recipients = list(
        User.objects.filter(memberships__agency=review.agency, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    context = {"outcome": outcome.content, "review": review, "board_name": settings.BOARD_NAME}
    try:
        send_mail(
            subject=f"The outcome of your policy review {outcome.reference} is ready",
            message=render_to_string("outcomes/email_outcome_ready.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:
        # Not sent: let the next attempt claim it again.
        Outcome.objects.filter(pk=outcome.pk).update(notified_at=None)
        raise
    return len(recipients)
