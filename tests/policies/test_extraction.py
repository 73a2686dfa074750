"""Text extraction after upload: ready with its pages, or rejected with the reason."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile

from audit.models import AuditEvent
from demo.documents import make_docx, make_pdf
from policies.extraction import policy_version_extract_text
from policies.models import PolicyVersion
from policies.services import VersionMetadata, policy_version_upload
from policies.signals import version_text_ready

pytestmark = pytest.mark.django_db

METADATA = VersionMetadata(owner="Head of HR", version_label="1.0", document_date="2026-01-01")


def stored(agency, member, name, content) -> PolicyVersion:
    return policy_version_upload(
        by=member,
        agency=agency,
        uploaded_file=SimpleUploadedFile(name, content),
        metadata=METADATA,
        title="Social media policy",
    )


def test_extraction_stores_text_page_by_page_and_marks_ready(northgate, alice, alice_client):
    pages = [["Page one says staff must not befriend children."], ["Page two covers images."]]
    version = stored(northgate, alice, "p.pdf", make_pdf(pages))

    policy_version_extract_text(version_id=version.pk)

    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.READY
    assert version.page_count == 2
    assert [p.number for p in version.pages.all()] == [1, 2]
    assert "befriend" in version.pages.get(number=1).text
    assert version.document.current_version == version
    page_two = alice_client.get(version.get_absolute_url() + "?page=2").content.decode()
    assert "Page two covers images." in page_two
    found = alice_client.get(version.get_absolute_url() + "?q=images").content.decode()
    assert "1 page contains" in found and "Page two covers images." in found


def test_extraction_is_safe_to_run_twice(northgate, alice):
    version = stored(northgate, alice, "p.docx", make_docx([("para", "Only one paragraph.")]))
    policy_version_extract_text(version_id=version.pk)
    first = list(version.pages.values_list("pk", "text"))
    policy_version_extract_text(version_id=version.pk)
    assert list(version.pages.values_list("pk", "text")) == first
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VERSION_READY).count() == 1


def test_extraction_of_a_removed_version_returns_quietly():
    assert policy_version_extract_text(version_id=987654) is None


def test_a_pdf_without_text_is_rejected_with_the_reason_and_its_file_removed(
    northgate, alice, alice_client, media_files, django_capture_on_commit_callbacks
):
    version = stored(northgate, alice, "scan.pdf", make_pdf([[""]]))
    assert len(media_files()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        policy_version_extract_text(version_id=version.pk)

    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.REJECTED
    assert "No text could be read" in version.rejection_reason
    assert media_files() == []
    assert not version.pages.exists()
    assert version.document.current_version is None
    page = alice_client.get(version.get_absolute_url()).content.decode()
    assert "Rejected: No text could be read" in page
    status = alice_client.get(version.get_absolute_url() + "status/").json()
    assert status["status"] == "rejected"


def test_a_ready_version_is_announced_only_once_its_text_is_committed(
    northgate, alice, django_capture_on_commit_callbacks
):
    version = stored(northgate, alice, "p.docx", make_docx([("para", "Staff keep it separate.")]))
    announced = []

    def heard(sender, version_id, **kwargs):
        announced.append(version_id)

    version_text_ready.connect(heard)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            policy_version_extract_text(version_id=version.pk)
            assert announced == []
    finally:
        version_text_ready.disconnect(heard)
    assert announced == [version.pk]


def test_text_is_read_through_the_storage_api_where_files_have_no_local_path(
    northgate, alice, monkeypatch
):
    version = stored(northgate, alice, "p.docx", make_docx([("para", "Stored in a bucket.")]))

    def no_local_path(self):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    # As on S3-compatible storage: a stored file has no path on this machine.
    monkeypatch.setattr(FieldFile, "path", property(no_local_path))
    policy_version_extract_text(version_id=version.pk)

    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.READY
    assert "Stored in a bucket." in version.pages.get().text
