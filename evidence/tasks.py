from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import services


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
def evidence_prepare_task(version_id: int, framework_id: int) -> None:
    """Suggest evidence for a ready policy version against a framework; a ready run is kept."""
    services.evidence_prepare(version_id=version_id, framework_id=framework_id)
