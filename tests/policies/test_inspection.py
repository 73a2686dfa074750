"""Upload checks and text extraction on good, odd and hostile files, without Django."""

import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo.documents import make_docx, make_odt, make_pdf
from documents import blocks, inspection, refusals
from documents.child import run_document_action
from documents.inspection import inspect_file
from documents.reader import extract_text
from documents.refusals import TOO_BIG, TOO_SLOW
from tests import files

POLICY_BLOCKS = [
    ("heading", 1, "Social media policy"),
    ("para", "Staff must not befriend children on personal accounts."),
    ("bullet", "Report concerns to the designated safeguarding lead."),
    ("table", [["Role", "Duty"], ["Safeguarding lead", "Responds within a day"]]),
    ("pagebreak",),
    ("para", "Images of children are taken only on the organisation's equipment."),
]


@pytest.fixture
def saved(tmp_path: Path) -> Callable[[bytes], str]:
    """Write content to a file with a name that says nothing about what it is."""

    def save(content: bytes) -> str:
        path = tmp_path / "upload"
        path.write_bytes(content)
        return str(path)

    return save


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        (files.empty, "The file is empty"),
        (files.exe_renamed, "looks like a Windows program"),
        (files.png, "looks like an image"),
        (files.text_file, "looks like plain text"),
        (files.old_doc, "Word 97-2003 .doc file. Save it as .docx or PDF"),
        (files.plain_zip, "looks like a ZIP archive"),
        (files.encrypted_pdf, "PDF is protected with a password"),
        (files.malformed_pdf, "PDF is damaged"),
        (files.zip_bomb_docx, "unpack to more than 200 MB"),
        (files.dense_docx, "expands to far more than its size"),
        (files.many_entries_docx, "more than 2,000 parts"),
        (files.traversal_docx, "files with unsafe names"),
        (lambda: files.traversal_docx("/etc/cron.d/evil"), "files with unsafe names"),
        (lambda: files.traversal_docx("word\\evil.xml"), "files with unsafe names"),
        (files.macro_docm, "contains macros"),
        (files.macro_odt, "contains macros"),
        (files.scripted_odt, "contains macros"),
        (files.spreadsheet_odt, "not a text document"),
    ],
)
def test_hostile_file_is_refused_with_its_reason(saved, make, phrase):
    result = inspect_file(saved(make()))

    assert result["ok"] is False
    assert phrase in result["reason"]


def test_docx_with_only_a_vba_project_is_refused_as_macros(saved):
    content = files.with_entries(make_docx(POLICY_BLOCKS), {"word/vbaProject.bin": b"\0" * 64})

    assert "contains macros" in inspect_file(saved(content))["reason"]


def test_docx_that_python_docx_cannot_open_is_refused(saved):
    content = files.with_entries(make_docx(POLICY_BLOCKS), {"word/document.xml": b"<w:document"})

    assert "Word document is damaged" in inspect_file(saved(content))["reason"]


def test_word_template_is_refused_as_not_a_document(saved):
    document = make_docx(POLICY_BLOCKS)
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        content_types = archive.read("[Content_Types].xml")
    template = content_types.replace(
        files.WORD_DOCUMENT,
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    )
    content = files.with_entries(document, {"[Content_Types].xml": template})

    assert "looks like a Word template" in inspect_file(saved(content))["reason"]


def test_pdf_is_accepted_with_its_page_count(saved):
    result = inspect_file(saved(make_pdf([["One."], ["Two."], ["Three."]], title="Policy")))

    assert result == {"ok": True, "kind": "pdf", "media_type": "application/pdf", "page_count": 3}


def test_docx_is_accepted_with_the_page_count_word_noted(saved):
    document = make_docx(POLICY_BLOCKS)
    assert inspect_file(saved(document))["page_count"] is None

    app = (
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"><Pages>7</Pages></Properties>'
    )
    result = inspect_file(saved(files.with_entries(document, {"docProps/app.xml": app})))

    assert result == {
        "ok": True,
        "kind": "docx",
        "media_type": inspection.MEDIA_TYPES["docx"],
        "page_count": 7,
    }


def test_odt_is_accepted(saved):
    result = inspect_file(saved(make_odt(POLICY_BLOCKS, title="Policy")))

    assert result == {
        "ok": True,
        "kind": "odt",
        "media_type": "application/vnd.oasis.opendocument.text",
        "page_count": None,
    }


def test_odt_page_count_comes_from_its_metadata(saved):
    meta = (
        b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>'
        b'<meta:document-statistic meta:page-count="4"/></office:meta></office:document-meta>'
    )
    content = files.with_entries(make_odt(POLICY_BLOCKS), {"meta.xml": meta})

    assert inspect_file(saved(content))["page_count"] == 4


def test_zip_with_another_mimetype_is_refused_as_a_zip_archive(saved):
    content = files.with_entries(make_odt(POLICY_BLOCKS), {"mimetype": b"application/epub+zip"})

    assert "looks like a ZIP archive" in inspect_file(saved(content))["reason"]


def test_pdf_text_comes_as_paragraphs_by_page_keeping_empty_pages(saved):
    long_paragraph = "Staff must keep personal and professional accounts apart. " * 8
    pages = [["Social media policy", long_paragraph, "Report concerns."], [], ["Last page."]]

    result = extract_text(saved(make_pdf(pages)))

    assert result["ok"] is True
    assert result["page_count"] == 3
    assert result["pages"] == [
        {
            "number": 1,
            "paragraphs": ["Social media policy", long_paragraph.strip(), "Report concerns."],
        },
        {"number": 2, "paragraphs": []},
        {"number": 3, "paragraphs": ["Last page."]},
    ]


def test_pdf_with_no_text_is_refused_as_a_possible_scan(saved):
    result = extract_text(saved(make_pdf([[""], [""]])))

    assert result == {"ok": False, "reason": refusals.PDF_NO_TEXT}


@pytest.mark.parametrize("make", [make_docx, make_odt])
def test_word_and_odt_text_comes_as_paragraphs_split_at_page_breaks(saved, make):
    result = extract_text(saved(make(POLICY_BLOCKS)))

    assert result["ok"] is True
    assert result["pages"] == [
        {
            "number": 1,
            "paragraphs": [
                "Social media policy",
                "Staff must not befriend children on personal accounts.",
                "Report concerns to the designated safeguarding lead.",
                "Role",
                "Duty",
                "Safeguarding lead",
                "Responds within a day",
            ],
        },
        {
            "number": 2,
            "paragraphs": ["Images of children are taken only on the organisation's equipment."],
        },
    ]


def test_docx_marks_of_one_page_break_make_one_break(saved):
    document = docx.Document()
    document.add_paragraph("Before the break.")
    document.add_page_break()
    after = document.add_paragraph()
    # Word notes where it rendered the new page as well as the author's break.
    after.add_run()._r.append(OxmlElement("w:lastRenderedPageBreak"))
    after.add_run("After the break.")
    output = io.BytesIO()
    document.save(output)

    pages = extract_text(saved(output.getvalue()))["pages"]

    assert [page["paragraphs"] for page in pages] == [["Before the break."], ["After the break."]]


def test_docx_headers_and_footers_are_left_out(saved):
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "OFFICIAL - header"
    document.sections[0].footer.paragraphs[0].text = "Page footer"
    document.add_paragraph("The policy itself.")
    output = io.BytesIO()
    document.save(output)

    pages = extract_text(saved(output.getvalue()))["pages"]

    assert pages == [{"number": 1, "paragraphs": ["The policy itself."]}]


def test_text_beyond_the_limit_is_refused(saved, monkeypatch):
    monkeypatch.setattr(blocks, "MAX_CHARACTERS", 20)

    result = extract_text(saved(make_odt([("para", "Twenty-one characters")])))

    assert result == {"ok": False, "reason": refusals.TOO_MUCH_TEXT}


def test_extraction_refuses_what_inspection_refuses(saved):
    assert extract_text(saved(files.macro_docm())) == inspect_file(saved(files.macro_docm()))


def test_characters_outside_the_pdf_font_are_replaced_not_lost(saved):
    result = extract_text(saved(make_pdf([["Café “quoted” (x) \\ naïve – 漢"]])))

    assert result["pages"][0]["paragraphs"] == ["Café “quoted” (x) \\ naïve – ?"]


def test_a_thousand_page_pdf_is_made_quickly():
    started = time.perf_counter()
    content = make_pdf([[f"Page {number}.", "Policy text. " * 40] for number in range(1000)])

    assert time.perf_counter() - started < 2
    assert content.startswith(b"%PDF-1.7")


def test_sandbox_extracts_a_good_file(saved):
    result = run_document_action(
        "extract", saved(make_docx(POLICY_BLOCKS)), timeout_seconds=30, memory_mb=1024
    )

    assert result["ok"] is True
    assert result["pages"][1]["paragraphs"] == [
        "Images of children are taken only on the organisation's equipment."
    ]


def test_sandbox_passes_on_the_reason_a_file_is_refused(saved):
    result = run_document_action(
        "inspect", saved(files.exe_renamed()), timeout_seconds=30, memory_mb=1024
    )

    assert "looks like a Windows program" in result["reason"]


def test_sandbox_refuses_a_file_that_takes_too_long(saved):
    path = saved(files.content_bomb_pdf())

    assert run_document_action("extract", path, timeout_seconds=0.001, memory_mb=1024) == {
        "ok": False,
        "reason": TOO_SLOW,
    }


@pytest.mark.parametrize(
    ("make", "memory_mb"),
    [
        (lambda: make_pdf([["Policy."]]), 30),
        # Enough memory to start and open the file, not to unpack its page.
        (files.content_bomb_pdf, 200),
    ],
)
def test_sandbox_refuses_a_file_that_needs_too_much_memory(saved, make, memory_mb):
    path = saved(make())

    assert run_document_action("extract", path, timeout_seconds=30, memory_mb=memory_mb) == {
        "ok": False,
        "reason": TOO_BIG,
    }


@pytest.fixture(scope="module")
def upload_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("random") / "upload"


@pytest.mark.parametrize("prefix", [b"", b"%PDF-1.4\n", b"PK\x03\x04"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=4096))
def test_random_bytes_never_raise(upload_path, prefix, content):
    upload_path.write_bytes(prefix + content)

    for result in (inspect_file(str(upload_path)), extract_text(str(upload_path))):
        if result["ok"]:
            assert result["kind"] in inspection.MEDIA_TYPES
        else:
            assert result["reason"]
