"""Uploads of agencies' policies: checked by their content, disarmed and stored as new versions."""

import hashlib
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

from .extraction import page_count_bounded
from .models import Agency, DatePrecision, PolicyDocument, PolicyVersion
from .tasks import policy_version_extract


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


def _refuse(reason: str, *, request, by, agency, filename: str, document=None) -> UploadRefused:
    audit_record(
        action=AuditEvent.Action.UPLOAD_REFUSED,
        request=request,
        actor=by,
        agency=agency,
        obj=document,
        detail={"reason": reason, "filename": filename[:200]},
    )
    return UploadRefused(reason)


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, as it will be stored."""

    path: str
    filename: str
    kind: str
    media_type: str
    sha256: str
    page_count: int | None
    # What was taken out of it, in words.
    removed: list[str]


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
    refuse = partial(
        _refuse, request=request, by=by, agency=agency, filename=filename, document=document
    )
    if uploaded_file.size == 0:
        raise refuse("The selected file is empty.")
    if uploaded_file.size > max_upload_bytes():
        raise refuse(f"The selected file must be smaller than {settings.POLICY_UPLOAD_MAX_MB} MB.")
    with _upload_on_disk(uploaded_file) as path:
        checked = _upload_check(path=path, filename=filename, agency=agency, refuse=refuse)
        try:
            return _version_store(
                checked=checked,
                by=by,
                agency=agency,
                metadata=metadata,
                document=document,
                title=title,
                kind=kind,
                request=request,
            )
        except IntegrityError:
            # Someone stored the same file in the same moment.
            raise refuse("This file has just been uploaded, so it was not stored again.") from None


def _upload_check(*, path: str, filename: str, agency: Agency, refuse) -> CheckedFile:
    """Check the file by its content in a sandbox and disarm it, or raise refuse's refusal."""
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
    return CheckedFile(
        path=path,
        filename=filename,
        kind=result["kind"],
        media_type=result["media_type"],
        sha256=sha256,
        page_count=page_count_bounded(result.get("page_count")),
        removed=removed,
    )


def _version_store(
    *,
    checked: CheckedFile,
    by,
    agency: Agency,
    metadata: VersionMetadata,
    document: PolicyDocument | None,
    title: str,
    kind: str,
    request,
) -> PolicyVersion:
    """Store the checked file through the storage API and record it as the document's next
    version; a file stored for a version that is not recorded is deleted again."""
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
            version = PolicyVersion(
                document=document,
                number=(document.versions.aggregate(n=Max("number"))["n"] or 0) + 1,
                file_kind=checked.kind,
                media_type=checked.media_type,
                original_filename=checked.filename[:255],
                sha256=checked.sha256,
                size=os.path.getsize(checked.path),
                page_count=checked.page_count,
                uploaded_by=by,
                owner=metadata.owner,
                version_label=metadata.version_label,
                classification=metadata.classification,
                retention_period=metadata.retention_period,
                **metadata.stored_dates(),
            )
            with open(checked.path, "rb") as f:
                version.file.save("upload", File(f), save=False)
            stored_name = version.file.name
            version.save()
            audit_record(
                action=AuditEvent.Action.UPLOAD,
                request=request,
                actor=by,
                agency=agency,
                obj=version,
                detail={"sha256": checked.sha256, "size": version.size, "removed": checked.removed},
            )
            # Not stored on the version: for the page that says what was taken out.
            version.removed_content = checked.removed
            transaction.on_commit(partial(policy_version_extract.delay, version.pk))
    except BaseException:
        if stored_name:
            PolicyVersion.file.field.storage.delete(stored_name)
        raise
    return version
