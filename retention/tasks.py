from celery import shared_task

from .services import retention_apply


@shared_task(ignore_result=True)
def retention_apply_due() -> None:
    """Remove what has passed its retention period; a second run the same day finds nothing."""
    retention_apply()
