"""Scanned policies: read by OCR in the background, and used like any other policy."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.structure import passages_of_pages
from policies.extraction import policy_version_extract_text
from policies.models import PolicyVersion
from policies.services import VersionMetadata, policy_version_upload

from .pdfs import scanned_pdf

pytestmark = pytest.mark.django_db

METADATA = VersionMetadata(owner="Head of HR", version_label="1.0", document_date="2026-01-01")
SCAN = [
    [
        "Social media policy",
        "",
        "Staff must not befriend pupils on social media.",
        "Report every concern to the designated lead.",
    ],
    ["Photographs", "", "Only school cameras are used for photos of pupils."],
]


def uploaded_scan(agency, member, pages=SCAN) -> PolicyVersion:
    return policy_version_upload(
        by=member,
        agency=agency,
        uploaded_file=SimpleUploadedFile("scan.pdf", scanned_pdf(pages)),
        metadata=METADATA,
        title="Social media policy",
    )


def test_a_scanned_policy_is_read_by_ocr_and_its_words_found(northgate, alice, alice_client):
    version = uploaded_scan(northgate, alice)

    policy_version_extract_text(version_id=version.pk)

    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.READY
    assert version.text_from_scan is True
    assert "befriend pupils" in version.pages.get(number=1).text
    assert "school cameras" in version.pages.get(number=2).text
    page = alice_client.get(version.get_absolute_url()).content.decode()
    assert "Text read from a scan: check quotes against the file" in page
    found = alice_client.get(version.get_absolute_url() + "?q=cameras").content.decode()
    assert "1 page contains" in found
    passages = passages_of_pages(version.pages.values_list("number", "text"))
    cameras = next(p for p in passages if "school cameras" in p["text"])
    assert cameras["page"] == 2 and cameras["section"] == "Photographs"


def test_a_policy_with_selectable_text_is_not_marked_as_a_scan(northgate, alice, alice_client):
    from demo.documents import make_pdf

    version = policy_version_upload(
        by=alice,
        agency=northgate,
        uploaded_file=SimpleUploadedFile("p.pdf", make_pdf([["Staff must not befriend."]])),
        metadata=METADATA,
        title="Social media policy",
    )

    policy_version_extract_text(version_id=version.pk)

    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.READY and version.text_from_scan is False
    page = alice_client.get(version.get_absolute_url()).content.decode()
    assert "Text read from a scan" not in page


def test_a_scan_longer_than_the_ocr_page_limit_is_refused_plainly(northgate, alice, settings):
    settings.POLICY_OCR_MAX_PAGES = 1
    version = uploaded_scan(northgate, alice)

    policy_version_extract_text(version_id=version.pk)

    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.REJECTED
    assert "scan of 2 pages, more than can be read automatically (the limit is 1)" in (
        version.rejection_reason
    )
