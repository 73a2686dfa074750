from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from .extraction import policy_version_extract_text
from .selectors import versions_stuck_checking

_READING_SECONDS = settings.POLICY_EXTRACT_TIMEOUT_SECONDS + settings.POLICY_OCR_TIMEOUT_SECONDS
# A version still being checked this long after upload has outlived any run of the task (its hard
# time limit, with time to wait in the queue), so its message was lost: a long OCR is never
# queued a second time while it is still running.
STALE_AFTER = timedelta(seconds=_READING_SECONDS + 60 + 5 * 60)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
    # Reading the text, then reading any scanned pages by OCR, each within its own sandbox limit.
    soft_time_limit=_READING_SECONDS + 30,
    time_limit=_READING_SECONDS + 60,
)
def policy_version_extract(version_id: int) -> None:
    """Extract a new policy version's text, reading scanned pages by OCR; a version already
    checked is left as it is."""
    policy_version_extract_text(version_id=version_id)


@shared_task(ignore_result=True)
def policy_versions_requeue_stale() -> int:
    """Queue again any version still being checked long after upload, in case its message was lost.

    Extraction leaves alone a version that is no longer being checked, so a duplicate is harmless.
    """
    ids = list(versions_stuck_checking(older_than=STALE_AFTER).values_list("pk", flat=True))
    for version_id in ids:
        policy_version_extract.delay(version_id)
    return len(ids)
