"""A page count a document declares is never trusted: absurd ones cannot reach the database."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from demo.documents import make_docx, make_odt
from policies.extraction import policy_version_extract_text
from policies.models import PolicyVersion

from .. import files
from .test_upload import form_data

pytestmark = pytest.mark.django_db

BLOCKS = [("heading", 1, "Social media policy"), ("para", "Staff must not befriend children.")]
DECLARED = ["99999999999999999999", "4294967296", "-3", "twelve"]


def docx_declaring(pages: str) -> bytes:
    app = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'extended-properties"><Pages>{pages}</Pages></Properties>'
    )
    return files.with_entries(make_docx(BLOCKS), {"docProps/app.xml": app.encode()})


def odt_declaring(pages: str) -> bytes:
    meta = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.2">'
        f'<office:meta><meta:document-statistic meta:page-count="{pages}"/></office:meta>'
        "</office:document-meta>"
    )
    return files.with_entries(make_odt(BLOCKS), {"meta.xml": meta.encode()})


@pytest.mark.parametrize("declared", DECLARED)
@pytest.mark.parametrize(("name", "make"), [("p.docx", docx_declaring), ("p.odt", odt_declaring)])
def test_an_absurd_declared_page_count_is_ignored_and_the_upload_stored(
    alice_client, northgate, name, make, declared
):
    data = form_data(SimpleUploadedFile(name, make(declared)), agency=str(northgate.pk))

    response = alice_client.post("/policies/new/", data)

    assert response.status_code == 302
    version = PolicyVersion.objects.get()
    assert version.page_count is None
    policy_version_extract_text(version_id=version.pk)
    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.READY
    assert version.page_count == 1  # counted from the text, not taken from the file


@pytest.mark.parametrize(("name", "make"), [("p.docx", docx_declaring), ("p.odt", odt_declaring)])
def test_a_sensible_declared_page_count_is_kept(alice_client, northgate, name, make):
    data = form_data(SimpleUploadedFile(name, make("12")), agency=str(northgate.pk))

    assert alice_client.post("/policies/new/", data).status_code == 302
    assert PolicyVersion.objects.get().page_count == 12
