"""The outcome's content: taken at sign-off, rendered into a tagged PDF, signed once."""

import hashlib
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from audit.models import AuditEvent
from outcomes.models import Outcome
from outcomes.services import outcome_render
from reviews.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_copy(tmp_path):
    """A stored file copied to a local path, for the command-line tools that read only paths."""

    def copy(field) -> Path:
        path = tmp_path / Path(field.name).name
        with field.open("rb") as stored:
            path.write_bytes(stored.read())
        return path

    return copy


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_sign_off_takes_the_outcome_and_waits_to_render_it(signed_off):
    outcome = Outcome.objects.get(review=signed_off)
    assert outcome.status == Outcome.Status.PENDING
    assert outcome.reference == signed_off.reference
    codes = [f["code"] for s in outcome.content["sections"] for f in s["findings"]]
    assert len(codes) == 15 and codes[0] == "1.1" and codes[-1] == "3.5"
    roles = [s["role"] for s in outcome.content["sign_offs"]]
    assert roles == ["Reviewer", "Moderator"]


def test_rendering_stores_a_signed_pdf_whose_sha256_matches_and_issues_the_outcome(signed_off):
    outcome = outcome_render(review_id=signed_off.pk)
    assert outcome.status == Outcome.Status.READY
    data = outcome.file.read()
    assert hashlib.sha256(data).hexdigest() == outcome.sha256
    assert outcome.size == len(data)
    signed_off.refresh_from_db()
    assert signed_off.state == Review.State.OUTCOME_ISSUED
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.OUTCOME_ISSUED, object_id=str(signed_off.pk)
    )
    assert event.detail["sha256"] == outcome.sha256


def test_the_pdf_text_holds_every_code_rating_the_sha256_and_the_reference(
    settings, signed_off, local_copy
):
    settings.SITE_URL = "https://review.wexcombe.example/"
    outcome = outcome_render(review_id=signed_off.pk)
    text = " ".join(pdf_text(local_copy(outcome.file)).split())
    version = signed_off.policy_version
    for code in [f"{s}.{n}" for s, count in ((1, 6), (2, 4), (3, 5)) for n in range(1, count + 1)]:
        assert f"{code} " in text, code
    for rating in ("Met", "Partially met", "Not met", "Not applicable"):
        assert f"Rating: {rating}" in text
    assert version.sha256 in text.replace(" ", "")
    assert signed_off.reference in text
    assert "Northgate Council" in text
    assert "Say who approves images of children before they are posted." in text
    assert "Wexcombe Safeguarding Children Partnership" in text
    assert "Rita Reyes" in text and "Mo Moreau" in text
    assert "https://review.wexcombe.example/outcomes/check/ " in text


def test_the_pdf_is_tagged_pdf_ua_with_its_language_and_title(signed_off):
    outcome = outcome_render(review_id=signed_off.pk)
    reader = PdfReader(outcome.file.open("rb"))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]).lower().startswith("en")
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert signed_off.reference in reader.metadata.title
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_rendering_again_never_makes_a_second_outcome(signed_off, media_files):
    first = outcome_render(review_id=signed_off.pk)
    again = outcome_render(review_id=signed_off.pk)
    assert again.pk == first.pk and again.sha256 == first.sha256
    assert Outcome.objects.filter(review=signed_off).count() == 1
    assert len([p for p in media_files() if "outcomes" in p.parts]) == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OUTCOME_ISSUED).count() == 1


def test_pdfsig_reports_the_signature_valid(signed_off, local_copy):
    outcome = outcome_render(review_id=signed_off.pk)
    report = subprocess.run(
        ["pdfsig", local_copy(outcome.file)], capture_output=True, text=True, check=False
    ).stdout
    assert "Signature is Valid" in report
    assert "Total document signed" in report


def test_the_outcome_shows_what_was_signed_off_even_if_the_policy_is_renamed_later(
    signed_off, local_copy
):
    document = signed_off.policy_version.document
    title = document.title
    document.title = "Renamed afterwards"
    document.save(update_fields=["title"])
    outcome = outcome_render(review_id=signed_off.pk)
    text = pdf_text(local_copy(outcome.file))
    assert title in text
    assert "Renamed afterwards" not in text
