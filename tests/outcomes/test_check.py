"""Anyone can check an outcome: genuine, altered, signed by someone else, unsigned, not a PDF."""

import io
import os
import re
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from outcomes.checking import outcome_check
from outcomes.rendering import html_to_pdf
from outcomes.services import outcome_render
from outcomes.signing import pdf_sign

pytestmark = pytest.mark.django_db

CHECK = "/outcomes/check/"


@pytest.fixture
def issued(signed_off):
    return outcome_render(review_id=signed_off.pk)


def flip_one_byte(data: bytes) -> bytes:
    """One bit of one byte inside the first page's content stream, which the signature covers."""
    at = data.index(b"stream\n") + len(b"stream\n") + 40
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def stranger_signed(stranger_p12) -> bytes:
    html = '<html lang="en"><head><title>Outcome</title></head><body><h1>Outcome</h1></body></html>'
    return pdf_sign(
        html_to_pdf(html),
        path=stranger_p12,
        passphrase="stranger",
        reason="Outcome of review PR-2026-00001",
        location="Someone Else Entirely",
    )


def check_page(data: bytes, name: str = "outcome.pdf"):
    return Client().post(CHECK, {"file": SimpleUploadedFile(name, data)})


def test_pyhanko_finds_the_outcome_intact_and_trusted_against_the_boards_certificate(
    issued, board_p12
):
    from asn1crypto import pem, x509

    from outcomes.signing import board_certificate

    certificate = board_certificate(path=board_p12, passphrase="test-only-passphrase")
    _, _, der = pem.unarmor(certificate.pem.encode())
    signature = PdfFileReader(io.BytesIO(issued.file.read())).embedded_signatures[0]
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[x509.Certificate.load(der)])
    )
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line


def test_the_check_page_is_open_without_signing_in():
    response = Client().get(CHECK)
    assert response.status_code == 200
    assert "Check an outcome" in response.content.decode()


def test_a_genuine_outcome_is_said_to_be_genuine_with_its_reference(issued, signed_off):
    response = check_page(issued.file.read())
    page = response.content.decode()
    assert response.status_code == 200
    assert "This is a genuine outcome" in page
    assert signed_off.reference in page


def test_one_flipped_byte_is_said_to_be_altered(issued):
    page = check_page(flip_one_byte(issued.file.read())).content.decode()
    assert "This outcome has been altered" in page
    assert "genuine outcome</h1>" not in page


def test_something_added_after_signing_is_said_to_be_altered(issued):
    data = issued.file.read() + b"\n% appended after signing\n"
    result = outcome_check(data=data)
    assert result.verdict == "altered"
    assert "added to the file after it was signed" in result.message


def test_a_pdf_signed_with_a_strangers_certificate_is_signed_by_someone_else(stranger_p12):
    page = check_page(stranger_signed(stranger_p12)).content.decode()
    assert "This PDF was signed by someone else" in page
    assert "Someone Else Entirely" in page


def test_an_unsigned_pdf_is_said_to_be_not_signed():
    html = '<html lang="en"><head><title>Copy</title></head><body><p>Copy</p></body></html>'
    assert outcome_check(data=html_to_pdf(html)).verdict == "not_signed"


def test_a_file_that_is_not_a_pdf_is_said_to_be_not_a_pdf():
    page = check_page(b"PK\x03\x04 a zip, not a PDF", name="outcome.pdf").content.decode()
    assert "This file is not a PDF" in page


def test_a_damaged_pdf_is_said_to_be_damaged():
    assert outcome_check(data=b"%PDF-1.7\n" + b"\x00garbage" * 200).verdict == "damaged"


def test_a_file_over_the_size_limit_is_refused_before_it_is_checked(settings):
    settings.OUTCOME_CHECK_MAX_MB = 1
    response = check_page(b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1))
    assert response.status_code == 400
    assert "must be smaller than 1 MB" in response.content.decode()


def test_no_file_is_a_clear_error():
    response = Client().post(CHECK, {})
    assert response.status_code == 400
    assert "Select the PDF file of the outcome" in response.content.decode()


def test_the_command_says_genuine_and_exits_zero(issued, signed_off, capsys, tmp_path):
    downloaded = tmp_path / "outcome.pdf"
    with issued.file.open("rb") as stored:
        downloaded.write_bytes(stored.read())
    call_command("verify_outcome", str(downloaded))
    out = capsys.readouterr().out
    assert "This is a genuine outcome" in out
    assert signed_off.reference in out


def test_the_command_says_altered_and_fails(issued, tmp_path):
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(flip_one_byte(issued.file.read()))
    with pytest.raises(CommandError, match="This outcome has been altered") as raised:
        call_command("verify_outcome", str(altered))
    assert raised.value.returncode == 1


def test_the_command_exits_non_zero_for_a_stranger_signed_pdf(stranger_p12, board_p12, tmp_path):
    path = tmp_path / "stranger.pdf"
    path.write_bytes(stranger_signed(stranger_p12))
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
        "OUTCOME_SIGNING_PKCS12": str(board_p12),
        "OUTCOME_SIGNING_PASSPHRASE": "test-only-passphrase",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_outcome", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode != 0
    assert re.search(r"signed by someone else", result.stderr)
