"""Background work for reviews. Tasks take ids, are safe to run twice, and retry only what a
later attempt could fix."""

import smtplib

from celery import shared_task
from django.db import OperationalError

from .services.reply_window import reply_window_notify, reply_windows_close_due


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def reply_window_notify_task(self, review_id: int) -> None:
    """Email the agency that the board's findings are open for its reply."""
    reply_window_notify(review_id=review_id)


@shared_task(ignore_result=True)
def reply_windows_close() -> int:
    """End the agency's reply on every review whose window's last day has passed."""
    return reply_windows_close_due()
