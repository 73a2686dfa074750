"""Uploads through the page: checked by content, refused with a reason, nothing half-stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent
from demo.documents import make_docx, make_odt, make_pdf
from policies.models import PolicyDocument, PolicyVersion
from policies.services import UploadRefused, VersionMetadata, policy_version_upload

from .. import files

pytestmark = pytest.mark.django_db

POLICY_TEXT = [["Staff must not befriend children on social media.", "Use work accounts only."]]


def form_data(upload: SimpleUploadedFile, **overrides) -> dict:
    data = {
        "agency": "",
        "title": "Social media policy",
        "kind": "social_media",
        "owner": "Head of HR",
        "version_label": "2.1",
        "document_date_0": "3",
        "document_date_1": "2",
        "document_date_2": "2026",
        "classification": "OFFICIAL",
        "next_review_date_0": "1",
        "next_review_date_1": "2",
        "next_review_date_2": "2027",
        "retention_period": "6 years",
        "file": upload,
    }
    data.update(overrides)
    return data


def upload(client, agency, name: str, content: bytes, **overrides):
    data = form_data(SimpleUploadedFile(name, content), agency=str(agency.pk), **overrides)
    return client.post("/policies/new/", data)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("policy.pdf", make_pdf(POLICY_TEXT, title="Policy")),
        ("policy.docx", make_docx([("heading", 1, "Policy"), ("para", POLICY_TEXT[0][0])])),
        ("policy.odt", make_odt([("heading", 1, "Policy"), ("para", POLICY_TEXT[0][0])])),
    ],
)
def test_member_uploads_a_policy_and_it_is_checked(
    alice_client, northgate, media_files, django_capture_on_commit_callbacks, name, content
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = upload(alice_client, northgate, name, content)

    version = PolicyVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == version.get_absolute_url()
    assert version.status == PolicyVersion.Status.CHECKING
    assert version.file_kind == name.rsplit(".", 1)[1]
    assert version.owner == "Head of HR" and version.version_label == "2.1"
    assert str(version.document_date) == "2026-02-03"
    assert str(version.next_review_date) == "2027-02-01"
    assert version.size == len(content)
    assert len(media_files()) == 1
    assert not media_files()[0].name.startswith("policy")  # the name is made on the server
    assert len(callbacks) == 1  # text extraction is queued once the upload commits
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPLOAD, agency=northgate).exists()
    page = alice_client.get(version.get_absolute_url()).content.decode()
    assert "Checking" in page


HOSTILE = [
    ("policy.pdf", files.exe_renamed, "Windows program"),
    ("policy.docx", files.plain_zip, "ZIP"),
    ("policy.pdf", files.encrypted_pdf, "password"),
    ("policy.pdf", files.malformed_pdf, "damaged"),
    ("policy.docx", files.zip_bomb_docx, "far more than"),
    ("policy.docx", files.many_entries_docx, "more than 2,000 parts"),
    ("policy.docx", files.traversal_docx, "unsafe names"),
    ("policy.docx", files.macro_docm, "macros"),
    ("policy.odt", files.macro_odt, "macros"),
    ("policy.doc", files.old_doc, ".doc"),
    ("policy.pdf", files.png, "image"),
]


@pytest.mark.parametrize(("name", "make", "phrase"), HOSTILE, ids=[h[1].__name__ for h in HOSTILE])
def test_hostile_uploads_are_refused_with_a_reason_and_leave_nothing(
    alice_client, northgate, media_files, name, make, phrase
):
    response = upload(alice_client, northgate, name, make())

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert phrase.lower() in page.lower()
    assert PolicyDocument.objects.count() == 0
    assert PolicyVersion.objects.count() == 0
    assert media_files() == []
    refused = AuditEvent.objects.get(action=AuditEvent.Action.UPLOAD_REFUSED)
    assert refused.actor_email == "alice@northgate.test"
    assert phrase.lower() in refused.detail["reason"].lower()


def test_an_empty_file_is_refused(alice_client, northgate, media_files):
    response = upload(alice_client, northgate, "policy.pdf", b"")
    assert response.status_code == 400
    assert "The selected file is empty" in response.content.decode()
    assert PolicyVersion.objects.count() == 0 and media_files() == []


def test_a_file_over_the_limit_is_refused(alice_client, northgate, media_files, settings):
    settings.POLICY_UPLOAD_MAX_MB = 1
    big = make_pdf(POLICY_TEXT, pad_bytes=1_200_000)
    response = upload(alice_client, northgate, "policy.pdf", big)
    assert response.status_code == 400
    assert "must be smaller than 1 MB" in response.content.decode()
    assert PolicyVersion.objects.count() == 0 and media_files() == []


def test_the_same_file_twice_is_told_so_and_not_stored_twice(alice_client, northgate, media_files):
    content = make_pdf(POLICY_TEXT)
    upload(alice_client, northgate, "policy.pdf", content)
    document = PolicyDocument.objects.get()
    response = alice_client.post(
        f"/policies/{document.pk}/versions/new/",
        form_data(SimpleUploadedFile("renamed.pdf", content)),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "already uploaded as version 2.1 of “Social media policy”" in page
    assert "version 1 " not in page  # the upload's number is not what people call it
    assert PolicyVersion.objects.count() == 1
    assert len(media_files()) == 1


def test_a_duplicate_without_a_version_label_is_named_by_its_upload_date(northgate, alice):
    content = make_pdf(POLICY_TEXT)
    metadata = VersionMetadata(owner="Lead", version_label="", document_date="2026-01-01")
    policy_version_upload(
        by=alice,
        agency=northgate,
        uploaded_file=SimpleUploadedFile("p.pdf", content),
        metadata=metadata,
        title="Social media policy",
    )
    with pytest.raises(UploadRefused) as refused:
        policy_version_upload(
            by=alice,
            agency=northgate,
            uploaded_file=SimpleUploadedFile("p.pdf", content),
            metadata=metadata,
            title="Social media policy",
        )

    today = f"{timezone.localdate():%-d %B %Y}"
    assert f"already uploaded as the version uploaded on {today} of" in refused.value.reason


def test_the_audit_trail_names_a_version_by_its_label(alice_client, northgate):
    upload(alice_client, northgate, "policy.pdf", make_pdf(POLICY_TEXT))

    event = AuditEvent.objects.get(action=AuditEvent.Action.UPLOAD)
    assert event.object_repr == "Social media policy, version 2.1"


def test_a_new_version_gets_the_next_number(alice_client, northgate):
    upload(alice_client, northgate, "policy.pdf", make_pdf(POLICY_TEXT))
    document = PolicyDocument.objects.get()
    response = alice_client.post(
        f"/policies/{document.pk}/versions/new/",
        form_data(
            SimpleUploadedFile("v2.pdf", make_pdf([["Version two text."]])), version_label="3.0"
        ),
    )
    assert response.status_code == 302
    assert list(document.versions.values_list("number", "version_label")) == [
        (2, "3.0"),
        (1, "2.1"),
    ]


def test_missing_details_get_specific_messages(alice_client, northgate):
    response = upload(
        alice_client,
        northgate,
        "policy.pdf",
        make_pdf(POLICY_TEXT),
        owner="",
        title="",
        document_date_0="",
        document_date_1="",
        document_date_2="",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the policy owner" in page
    assert "Enter the policy title" in page
    assert "Enter the date of document" in page
    assert PolicyVersion.objects.count() == 0


def test_member_cannot_upload_to_another_agency(alice_client, southport):
    response = upload(alice_client, southport, "policy.pdf", make_pdf(POLICY_TEXT))
    assert response.status_code == 400
    assert "Select an agency you are a member of" in response.content.decode()
    assert PolicyVersion.objects.count() == 0


def test_people_without_an_agency_cannot_upload(rita_client):
    assert rita_client.get("/policies/new/").status_code == 403
