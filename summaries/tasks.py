from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def export_build(export_id: int) -> None:
    """Build an export's file; an export already finished is left alone."""
    from .services.exports import export_build_file

    export_build_file(export_id=export_id)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
)
def reminders_send_due() -> int:
    """Daily: reviews, self-assessments and actions due or overdue, and policies past their
    review date."""
    from .services.reminders import reminders_send_due as send

    return send()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
)
def digest_send_weekly() -> int:
    """Weekly: board admins' digest of everything overdue."""
    from .services.reminders import digest_send

    return digest_send()
