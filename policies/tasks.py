from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from .services import policy_version_extract_text


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
    soft_time_limit=settings.POLICY_EXTRACT_TIMEOUT_SECONDS + 30,
    time_limit=settings.POLICY_EXTRACT_TIMEOUT_SECONDS + 60,
)
def policy_version_extract(version_id: int) -> None:
    """Extract a new policy version's text; a version already checked is left as it is."""
    policy_version_extract_text(version_id=version_id)


@shared_task(ignore_result=True)
def policy_versions_requeue_stale() -> int:
    """Queue again any version still being checked long after upload, in case its message was lost.

    Extraction leaves alone a version that is no longer being checked, so a duplicate is harmless.
    """
    from .selectors import versions_stuck_checking

    ids = list(versions_stuck_checking().values_list("pk", flat=True))
    for version_id in ids:
        policy_version_extract.delay(version_id)
    return len(ids)
