"""Background work for outcomes. Tasks take ids, are safe to run twice, and retry only what a
later attempt could fix."""

import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services
from .signing import SigningUnavailable

logger = logging.getLogger(__name__)

# A database that went away, or a timestamp server that did not answer, may be back later.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
MAX_RETRIES = 5
# An outcome preparing for longer than a render may run, plus the longest wait before a retry
# and some room, has lost its task.
STUCK_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 600)


def _transient_timestamp_error(error: Exception) -> bool:
    # Imported here: pyHanko is heavy, and only the worker that signs needs it.
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError

    return isinstance(error, TimestampRequestError)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    # The broker's visibility timeout is twice the hard limit (config/settings/base.py), so a
    # slow render is never delivered to a second worker while the first is still at it.
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def outcome_render_task(self, review_id: int) -> None:
    """Render and sign the outcome of a signed-off review; a review already issued is left."""
    try:
        services.outcome_render(review_id=review_id)
    except SigningUnavailable as error:
        services.outcome_mark_failed(review_id=review_id, error=str(error))
    except SoftTimeLimitExceeded:
        services.outcome_mark_failed(
            review_id=review_id, error="Preparing the outcome took too long."
        )
    except Exception as error:
        transient = isinstance(error, TRANSIENT) or _transient_timestamp_error(error)
        if transient and self.request.retries < MAX_RETRIES:
            # Backoff: 10 s, 20 s, 40 s, ... capped at five minutes.
            raise self.retry(exc=error, countdown=min(10 * 2**self.request.retries, 300)) from error
        logger.exception("The outcome of review %s could not be prepared", review_id)
        services.outcome_mark_failed(
            review_id=review_id,
            error=f"The outcome could not be prepared ({type(error).__name__}).",
        )


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=MAX_RETRIES,
    soft_time_limit=60,
    time_limit=90,
)
def outcome_notify_task(self, outcome_id: int) -> None:
    """Email the agency that its outcome is ready."""
    services.outcome_notify(outcome_id=outcome_id)


@shared_task(ignore_result=True)
def outcomes_requeue_stale() -> int:
    """Queue again any outcome still preparing long after it was queued, in case its message
    was lost."""
    return services.outcomes_requeue_stuck(older_than=STUCK_AFTER)
