"""Reading a stored policy version's text in a sandbox, and recording what was read."""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from documents.child import run_document_action
from documents.refusals import SCAN_TOO_LONG

from .models import PolicyDocument, PolicyPage, PolicyVersion
from .signals import version_text_ready


def page_count_bounded(value) -> int | None:
    """A page count from a file, or None when it is not a believable number of pages."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= PolicyVersion.MAX_PAGE_COUNT else None


@contextmanager
def stored_file_on_disk(version: PolicyVersion) -> Iterator[str]:
    """A private local copy of a stored file, read through the storage API (disk or bucket), for
    parsers in a sandboxed child, which are given a path."""
    storage = version.file.storage
    with (
        storage.open(version.file.name, "rb") as stored,
        tempfile.NamedTemporaryFile(prefix="policy-stored-") as copy,
    ):
        shutil.copyfileobj(stored, copy, 1024 * 1024)
        copy.flush()
        yield copy.name


def policy_version_extract_text(*, version_id: int) -> PolicyVersion | None:
    """Extract a version's text in a sandbox and mark it ready, or rejected with the reason.

    Safe to run more than once: a version that is no longer being checked is left alone.
    """
    version = PolicyVersion.objects.select_related("document").filter(pk=version_id).first()
    if version is None or version.status != PolicyVersion.Status.CHECKING:
        return version
    with stored_file_on_disk(version) as path:
        result = _read_text(path)
    with transaction.atomic():
        version = (
            PolicyVersion.objects.select_for_update()
            .select_related("document__agency")
            .filter(pk=version_id)
            .first()
        )
        if version is None or version.status != PolicyVersion.Status.CHECKING:
            return version
        if result.get("ok"):
            _version_ready(version, result)
        else:
            _version_rejected(version, result.get("reason") or "The file could not be read.")
    return version


def _version_ready(version: PolicyVersion, result: dict) -> None:
    PolicyPage.objects.filter(version=version).delete()
    PolicyPage.objects.bulk_create(
        PolicyPage(version=version, number=page["number"], text="\n\n".join(page["paragraphs"]))
        for page in result["pages"]
    )
    version.page_count = page_count_bounded(result.get("page_count")) or len(result["pages"])
    version.status = PolicyVersion.Status.READY
    version.checked_at = timezone.now()
    version.text_from_scan = bool(result.get("from_scan"))
    version.save(update_fields=["page_count", "status", "checked_at", "text_from_scan"])
    _make_current_if_newest(version)
    transaction.on_commit(
        partial(version_text_ready.send, sender=PolicyVersion, version_id=version.pk)
    )
    audit_record(
        action=AuditEvent.Action.VERSION_READY,
        obj=version,
        agency=version.document.agency,
        detail={"pages": version.page_count},
    )


def _version_rejected(version: PolicyVersion, reason: str) -> None:
    reason = reason[:500]
    version.status = PolicyVersion.Status.REJECTED
    version.rejection_reason = reason
    version.checked_at = timezone.now()
    stored_name = version.file.name
    version.file = ""
    version.save(update_fields=["status", "rejection_reason", "checked_at", "file"])
    audit_record(
        action=AuditEvent.Action.VERSION_REJECTED,
        obj=version,
        agency=version.document.agency,
        detail={"reason": reason},
    )
    # The file is only removed once the rejection is safely recorded.
    transaction.on_commit(partial(PolicyVersion.file.field.storage.delete, stored_name))


def _read_text(path: str) -> dict:
    """The file's text page by page, its scanned pages read by OCR; or why it cannot be read."""
    result = run_document_action(
        "extract",
        path,
        timeout_seconds=settings.POLICY_EXTRACT_TIMEOUT_SECONDS,
        memory_mb=settings.POLICY_PARSE_MEMORY_MB,
    )
    scanned = [page for page in result.get("scanned_pages") or [] if isinstance(page, int)]
    if not result.get("ok") or not scanned:
        return result
    if len(scanned) > settings.POLICY_OCR_MAX_PAGES:
        reason = SCAN_TOO_LONG.format(count=len(scanned), limit=settings.POLICY_OCR_MAX_PAGES)
        return {"ok": False, "reason": reason}
    read_by_ocr = run_document_action(
        "ocr",
        path,
        ",".join(str(page) for page in scanned),
        timeout_seconds=settings.POLICY_OCR_TIMEOUT_SECONDS,
        memory_mb=settings.POLICY_PARSE_MEMORY_MB,
    )
    has_text = any(page.get("paragraphs") for page in result.get("pages") or [])
    # A policy with text of its own is kept even when its scanned pages cannot be read.
    return result if has_text and not read_by_ocr.get("ok") else read_by_ocr


def _make_current_if_newest(version: PolicyVersion) -> None:
    document = PolicyDocument.objects.select_for_update().get(pk=version.document_id)
    current = document.current_version
    if current is None or current.number < version.number:
        document.current_version = version
        document.save(update_fields=["current_version"])
