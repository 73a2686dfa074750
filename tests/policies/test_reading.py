"""Reading a policy: its pages, searching its text, its front-page table and its versions."""

from types import SimpleNamespace

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile

from demo.documents import make_docx, make_odt
from policies import selectors
from policies.extraction import policy_version_extract_text
from policies.models import PolicyVersion
from policies.selectors import version_pages
from policies.services import VersionMetadata, policy_version_upload

from ..factories import PolicyDocumentFactory, PolicyVersionFactory

pytestmark = pytest.mark.django_db

FRONT_PAGE = [
    ["Policy owner", "Head of HR"],
    ["Version", "2.1"],
    ["Date of document", "April 2014"],
]
PROSE = (
    "Staff must not befriend children or young people on social media, and must report any "
    "contact a child starts to the designated safeguarding lead on the same working day."
)


def front_page_pdf() -> bytes:
    rows = "".join(f"<tr><td>{label}</td><td>{value}</td></tr>" for label, value in FRONT_PAGE)
    html = f"<h1>Social media policy</h1><table>{rows}</table><p>{PROSE}</p><p>{PROSE}</p>"
    return weasyprint.HTML(string=html).write_pdf()


def front_page_blocks():
    return [("heading", 1, "Social media policy"), ("table", FRONT_PAGE), ("para", PROSE)]


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("p.pdf", front_page_pdf),
        ("p.docx", lambda: make_docx(front_page_blocks())),
        ("p.odt", lambda: make_odt(front_page_blocks())),
    ],
)
def test_a_front_page_table_keeps_its_rows_apart_in_the_text(northgate, alice, name, make):
    version = policy_version_upload(
        by=alice,
        agency=northgate,
        uploaded_file=SimpleUploadedFile(name, make()),
        metadata=VersionMetadata(owner="Lead", version_label="2.1", document_date="2014-04-01"),
        title="Social media policy",
    )

    policy_version_extract_text(version_id=version.pk)

    paragraphs = version.pages.get(number=1).paragraphs
    for label, value in FRONT_PAGE:
        # Each row is its own paragraph (or each cell, where the format says where cells end).
        assert f"{label} {value}" in paragraphs or {label, value} <= set(paragraphs)
    assert not any("Head of HR" in p and "Version" in p for p in paragraphs)


@pytest.fixture
def ten_pages(northgate):
    texts = [f"Page {n} is about images." for n in range(1, 11)]
    texts[2] = "Moderating comments on the agency's pages is the communications team's job."
    texts[6] = "A moderator checks every post before it is published."
    texts[8] = "Modern phones are not given to children."
    return PolicyVersionFactory(document__agency=northgate, number=1, page_count=10, pages=texts)


@pytest.fixture(params=["database", "stemmer"])
def search_by(request, monkeypatch):
    """PostgreSQL searches with its own full-text search; other databases with the stemmer."""
    if request.param == "stemmer":
        monkeypatch.setattr(selectors, "connection", SimpleNamespace(vendor="sqlite"))
    return request.param


def test_a_search_finds_other_forms_of_the_word(ten_pages, search_by):
    found = [page.number for page in version_pages(version=ten_pages, search="moderate")]

    assert found == [3, 7]


def test_a_search_for_several_words_finds_pages_with_all_of_them(ten_pages, search_by):
    found = [page.number for page in version_pages(version=ten_pages, search="moderates posts")]

    assert found == [7]


def test_a_search_still_finds_exact_text(ten_pages, search_by):
    found = [page.number for page in version_pages(version=ten_pages, search="team's job")]

    assert found == [3]


def test_search_results_label_results_and_pages_consistently(alice_client, ten_pages):
    page = alice_client.get(ten_pages.get_absolute_url() + "?q=images").content.decode()

    assert "7 pages contain" in page
    assert "Page 1 of 10" in page  # the page of the policy shown
    assert "Result 1 of 7" in page  # where that is among the results
    assert "Page 1 of 7" not in page

    second = alice_client.get(ten_pages.get_absolute_url() + "?q=images&page=3").content.decode()
    assert "Page 4 of 10" in second and "Result 3 of 7" in second


def test_reading_without_a_search_labels_pages_of_the_policy(alice_client, ten_pages):
    page = alice_client.get(ten_pages.get_absolute_url() + "?page=3").content.decode()

    assert page.count("Page 3 of 10") == 2 and "Result" not in page


def test_the_document_page_lists_versions_a_page_at_a_time(
    alice_client, northgate, django_assert_max_num_queries
):
    document = PolicyDocumentFactory(agency=northgate)
    PolicyVersion.objects.bulk_create(
        PolicyVersion(
            document=document,
            number=number,
            file_kind="pdf",
            media_type="application/pdf",
            sha256=f"{number:064x}",
            size=1000,
            owner="Lead",
            version_label=f"v{number}",
            document_date="2025-01-01",
        )
        for number in range(1, 121)
    )

    with django_assert_max_num_queries(12):
        first = alice_client.get(document.get_absolute_url()).content.decode()
    last = alice_client.get(document.get_absolute_url() + "?page=3").content.decode()

    assert "v120 " in first and "v71 " in first and "v70 " not in first
    assert "Page 1 of 3" in first
    assert "v20 " in last and "v1 " in last and "v21 " not in last
