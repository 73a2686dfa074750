"""Exports are asked for in a request and built by a task; the row records progress."""

import logging
import os
import tempfile
import uuid
from pathlib import Path

from django.core.files import File
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record

from .. import figures
from ..exports import WRITERS
from ..models import Export

logger = logging.getLogger(__name__)

EXPORT_REQUESTED = AuditEvent.Action.EXPORT_REQUESTED
EXPORT_DOWNLOADED = AuditEvent.Action.EXPORT_DOWNLOADED


class ExportRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def export_request(*, by, format: str, cycle=None, year: int | None = None, request=None) -> Export:
    if not by.is_board_admin:
        raise ExportRefused("Only a board admin exports the board's figures.")
    if (cycle is None) == (year is None):
        raise ExportRefused("Choose a review cycle or a year.")
    if format not in Export.Format.values:
        raise ExportRefused("Choose a format from the list.")
    from ..tasks import export_build

    with transaction.atomic():
        export = Export.objects.create(format=format, cycle=cycle, year=year, requested_by=by)
        audit_record(
            action=EXPORT_REQUESTED,
            request=request,
            actor=by,
            obj=export,
            detail={"format": format, "cycle": cycle.pk if cycle else None, "year": year},
        )
        transaction.on_commit(lambda: export_build.delay(export.pk))
    return export


def _summary_for(export: Export) -> figures.Summary:
    if export.cycle_id:
        return figures.cycle_summary(export.cycle)
    return figures.year_summary(export.year)


def export_build_file(*, export_id: int) -> None:
    """Build the file; a finished export is left as it is, so running twice is harmless."""
    claimed = Export.objects.filter(
        pk=export_id, status__in=(Export.Status.PENDING, Export.Status.PROCESSING)
    ).update(status=Export.Status.PROCESSING, started_at=timezone.now(), progress=1)
    if not claimed:
        return
    export = Export.objects.select_related("cycle__framework").get(pk=export_id)

    def progress(percent: int) -> None:
        Export.objects.filter(pk=export_id).update(progress=max(1, min(percent, 99)))

    handle, path = tempfile.mkstemp(suffix=f".{export.format}")
    os.close(handle)
    storage = Export.file.field.storage
    # A file stored but not recorded on the row (this run failed, or another finished first).
    stray = ""
    try:
        WRITERS[export.format](path, summary=_summary_for(export), progress=progress)
        size = os.path.getsize(path)
        # Stored through the storage API (disk or bucket) under a name the server makes; the
        # download is named for what it holds.
        with open(path, "rb") as built:
            stray = storage.save(
                f"exports/{export.pk}-{uuid.uuid4().hex[:12]}.{export.format}", File(built)
            )
        won = Export.objects.filter(pk=export_id, status=Export.Status.PROCESSING).update(
            status=Export.Status.READY,
            progress=100,
            file=stray,
            size=size,
            finished_at=timezone.now(),
            last_error="",
        )
        if won:
            stray = ""
    except (OperationalError, InterfaceError):
        # Transient: the task retries, and the row, still being built, is claimed again.
        raise
    except Exception as error:
        logger.exception("Export %s failed", export_id)
        Export.objects.filter(pk=export_id).exclude(status=Export.Status.READY).update(
            status=Export.Status.FAILED,
            finished_at=timezone.now(),
            last_error=f"{type(error).__name__}: {error}"[:500],
        )
    finally:
        Path(path).unlink(missing_ok=True)
        if stray:
            storage.delete(stray)
