"""Writes to agencies' policies: uploads and the results of checking them."""

import hashlib
import logging
import os
import shutil
import tempfile
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

from .models import Agency, PolicyDocument, PolicyPage, PolicyVersion
from .sandbox import run_inspection

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
            raise refuse(
                f"This file is already uploaded as version {duplicate.number} of "
                f"“{duplicate.document.title}”, so it was not stored again."
            )
        result = run_inspection(
            "inspect",
            path,
            timeout_seconds=settings.POLICY_CHECK_TIMEOUT_SECONDS,
            memory_mb=settings.POLICY_PARSE_MEMORY_MB,
        )
        if not result.get("ok"):
            raise refuse(result.get("reason") or "The file could not be checked.")

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
                    size=uploaded_file.size,
                    page_count=result.get("page_count"),
                    uploaded_by=by,
                    owner=metadata.owner,
                    version_label=metadata.version_label,
                    document_date=metadata.document_date,
                    classification=metadata.classification,
                    next_review_date=metadata.next_review_date,
                    retention_period=metadata.retention_period,
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
                    detail={"sha256": sha256, "size": version.size},
                )
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
def _stored_file_on_disk(version: PolicyVersion):
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
    with _stored_file_on_disk(version) as path:
        result = run_inspection(
            "extract",
            path,
            timeout_seconds=settings.POLICY_EXTRACT_TIMEOUT_SECONDS,
            memory_mb=settings.POLICY_PARSE_MEMORY_MB,
        )
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
            version.page_count = result.get("page_count") or len(result["pages"])
            version.status = PolicyVersion.Status.READY
            version.checked_at = timezone.now()
            version.save(update_fields=["page_count", "status", "checked_at"])
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
