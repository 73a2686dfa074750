"""Writes to agencies' policies: uploads and the results of checking them."""

import hashlib
import logging
import os
import shutil
import tempfile
from calendar import monthrange
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from documents.child import run_document_action
from documents.disarm import FAILED as DISARM_FAILED
from documents.disarm import disarm_in_sandbox
from documents.refusals import SCAN_TOO_LONG

from .models import Agency, DatePrecision, PolicyDocument, PolicyPage, PolicyVersion

logger = logging.getLogger(__name__)


class UploadRefused(Exception):
    """An upload that was not stored, with a reason the person can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class VersionMetadata:
    owner: str
    version_label: str
    document_date: date
    classification: str = ""
    next_review_date: date | None = None
    retention_period: str = ""
    document_date_precision: str = DatePrecision.DAY
    next_review_precision: str = DatePrecision.DAY

    def stored_dates(self) -> dict:
        """The dates as stored: a month-only date of document is the month's first day, a
        month-only next review date its last, so the review is due when the month is over."""
        document_date = self.document_date
        next_review = self.next_review_date
        if self.document_date_precision == DatePrecision.MONTH:
            document_date = document_date.replace(day=1)
        if next_review is not None and self.next_review_precision == DatePrecision.MONTH:
            next_review = month_end(next_review)
        return {
            "document_date": document_date,
            "document_date_precision": self.document_date_precision,
            "next_review_date": next_review,
            "next_review_precision": self.next_review_precision,
        }


def month_end(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def page_count_bounded(value) -> int | None:
    """A page count from a file, or None when it is not a believable number of pages."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= PolicyVersion.MAX_PAGE_COUNT else None


def max_upload_bytes() -> int:
    return settings.POLICY_UPLOAD_MAX_MB * 1024 * 1024


@contextmanager
def _upload_on_disk(uploaded_file):
    """Yield a path to the upload's bytes, copying to a private temporary file if needed."""
    existing = getattr(uploaded_file, "temporary_file_path", None)
    if existing is not None:
        yield existing()
        return
    handle, path = tempfile.mkstemp(prefix="policy-upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in uploaded_file.chunks():
                out.write(chunk)
        yield path
    finally:
        os.unlink(path)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _duplicate_of(*, agency: Agency, sha256: str) -> PolicyVersion | None:
    return (
        PolicyVersion.objects.select_related("document")
        .filter(document__agency=agency, sha256=sha256)
        .exclude(status=PolicyVersion.Status.REJECTED)
        .first()
    )


def _already_uploaded(duplicate: PolicyVersion) -> str:
    uploaded = f"{timezone.localtime(duplicate.uploaded_at):%-d %B %Y}"
    return (
        f"This file is already uploaded as {duplicate.name} of "
        f"“{duplicate.document.title}” (uploaded on {uploaded}), "
        "so it was not stored again."
    )


def policy_file_disarm(
    *, path: str, kind: str, sha256: str, agency: Agency, refuse
) -> tuple[str, list[str]]:
    """Take active content out of the checked file at path, in place, before it is stored.

    Returns the sha256 of what will be stored and what was removed, in words; a file with
    nothing to remove is left exactly as uploaded. The work runs in a sandboxed child.
    """
    handle, disarmed_path = tempfile.mkstemp(prefix="policy-disarmed-")
    os.close(handle)
    try:
        disarmed = disarm_in_sandbox(
            path,
            disarmed_path,
            kind,
            timeout_seconds=settings.POLICY_CHECK_TIMEOUT_SECONDS,
            memory_mb=settings.POLICY_PARSE_MEMORY_MB,
            max_file_mb=2 * settings.POLICY_UPLOAD_MAX_MB,
        )
        if not disarmed.ok:
            raise refuse(DISARM_FAILED)
        if not disarmed.removed:
            return sha256, []
        shutil.copyfile(disarmed_path, path)
    finally:
        os.unlink(disarmed_path)
    sha256 = _sha256(path)
    # The same file uploaded before was stored disarmed, under the disarmed copy's sha256.
    duplicate = _duplicate_of(agency=agency, sha256=sha256)
    if duplicate is not None:
        raise refuse(_already_uploaded(duplicate))
    return sha256, disarmed.removed


def _refuse(*, request, by, agency, reason: str, filename: str, document=None) -> UploadRefused:
    audit_record(
        action=AuditEvent.Action.UPLOAD_REFUSED,
        request=request,
        actor=by,
        agency=agency,
        obj=document,
        detail={"reason": reason, "filename": filename[:200]},
    )
    return UploadRefused(reason)


def policy_version_upload(
    *,
    by,
    agency: Agency,
    uploaded_file,
    metadata: VersionMetadata,
    document: PolicyDocument | None = None,
    title: str = "",
    kind: str = PolicyDocument.Kind.SOCIAL_MEDIA,
    request=None,
) -> PolicyVersion:
    """Check an uploaded policy file by its content and store it as a new version.

    A refused file leaves no row and no file behind; the refusal is audited. Text extraction
    is queued once the new version is committed.
    """
    filename = Path(uploaded_file.name or "").name
    if document is not None and document.agency_id != agency.pk:
        raise ValueError("The document belongs to another agency.")

    def refuse(reason: str) -> UploadRefused:
        return _refuse(
            request=request,
            by=by,
            agency=agency,
            reason=reason,
            filename=filename,
            document=document,
        )

    if uploaded_file.size == 0:
        raise refuse("The selected file is empty.")
    if uploaded_file.size > max_upload_bytes():
        raise refuse(f"The selected file must be smaller than {settings.POLICY_UPLOAD_MAX_MB} MB.")

    with _upload_on_disk(uploaded_file) as path:
        sha256 = _sha256(path)
        duplicate = _duplicate_of(agency=agency, sha256=sha256)
        if duplicate is not None:
            raise refuse(_already_uploaded(duplicate))
        result = run_document_action(
            "inspect",
            path,
            timeout_seconds=settings.POLICY_CHECK_TIMEOUT_SECONDS,
            memory_mb=settings.POLICY_PARSE_MEMORY_MB,
        )
        if not result.get("ok"):
            raise refuse(result.get("reason") or "The file could not be checked.")
        sha256, removed = policy_file_disarm(
            path=path, kind=result["kind"], sha256=sha256, agency=agency, refuse=refuse
        )

        stored_name = None
        try:
            with transaction.atomic():
                if document is None:
                    document = PolicyDocument.objects.create(
                        agency=agency, title=title, kind=kind, created_by=by
                    )
                else:
                    # Lock the document so two uploads cannot take the same version number.
                    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
                number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
                version = PolicyVersion(
                    document=document,
                    number=number,
                    file_kind=result["kind"],
                    media_type=result["media_type"],
                    original_filename=filename[:255],
                    sha256=sha256,
                    size=os.path.getsize(path),
                    page_count=page_count_bounded(result.get("page_count")),
                    uploaded_by=by,
                    owner=metadata.owner,
                    version_label=metadata.version_label,
                    classification=metadata.classification,
                    retention_period=metadata.retention_period,
                    **metadata.stored_dates(),
                )
                with open(path, "rb") as f:
                    version.file.save("upload", File(f), save=False)
                stored_name = version.file.name
                version.save()
                audit_record(
                    action=AuditEvent.Action.UPLOAD,
                    request=request,
                    actor=by,
                    agency=agency,
                    obj=version,
                    detail={"sha256": sha256, "size": version.size, "removed": removed},
                )
                # Not stored on the version: for the page that says what was taken out.
                version.removed_content = removed
                version_id = version.pk
                transaction.on_commit(lambda: _queue_extraction(version_id))
        except IntegrityError:
            # Someone stored the same file in the same moment.
            if stored_name:
                PolicyVersion.file.field.storage.delete(stored_name)
            raise refuse("This file has just been uploaded, so it was not stored again.") from None
        except BaseException:
            if stored_name:
                PolicyVersion.file.field.storage.delete(stored_name)
            raise
    return version


def _queue_extraction(version_id: int) -> None:
    from .tasks import policy_version_extract

    policy_version_extract.delay(version_id)


@contextmanager
def stored_file_on_disk(version: PolicyVersion):
    """A local path to a stored file, copying from remote storage when there is no local path."""
    try:
        yield version.file.path
    except NotImplementedError:
        with version.file.open("rb") as src, tempfile.NamedTemporaryFile() as tmp:
            shutil.copyfileobj(src, tmp)
            tmp.flush()
            yield tmp.name


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
        agency = version.document.agency
        if result.get("ok"):
            PolicyPage.objects.filter(version=version).delete()
            PolicyPage.objects.bulk_create(
                PolicyPage(
                    version=version,
                    number=page["number"],
                    text="\n\n".join(page["paragraphs"]),
                )
                for page in result["pages"]
            )
            version.page_count = page_count_bounded(result.get("page_count")) or len(
                result["pages"]
            )
            version.status = PolicyVersion.Status.READY
            version.checked_at = timezone.now()
            version.text_from_scan = bool(result.get("from_scan"))
            version.save(update_fields=["page_count", "status", "checked_at", "text_from_scan"])
            _make_current_if_newest(version)
            transaction.on_commit(partial(_queue_evidence, version.pk))
            audit_record(
                action=AuditEvent.Action.VERSION_READY,
                obj=version,
                agency=agency,
                detail={"pages": version.page_count},
            )
        else:
            reason = (result.get("reason") or "The file could not be read.")[:500]
            version.status = PolicyVersion.Status.REJECTED
            version.rejection_reason = reason
            version.checked_at = timezone.now()
            stored_name = version.file.name
            version.file = ""
            version.save(update_fields=["status", "rejection_reason", "checked_at", "file"])
            audit_record(
                action=AuditEvent.Action.VERSION_REJECTED,
                obj=version,
                agency=agency,
                detail={"reason": reason},
            )
            # The file is only removed once the rejection is safely recorded.
            storage = PolicyVersion.file.field.storage
            transaction.on_commit(lambda: storage.delete(stored_name))
    return version


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


def _queue_evidence(version_id: int) -> None:
    """Once a version is ready, suggest evidence from it for each framework in the background."""
    from evidence.services import evidence_queue_for_version

    evidence_queue_for_version(version_id=version_id)


def _make_current_if_newest(version: PolicyVersion) -> None:
    document = PolicyDocument.objects.select_for_update().get(pk=version.document_id)
    current = document.current_version
    if current is None or current.number < version.number:
        document.current_version = version
        document.save(update_fields=["current_version"])
