"""Splitting an uploaded policy into quotable passages with their place, in the sandbox."""

import pytest

from demo.documents import make_docx
from documents.child import run_document_action
from evidence.structure import MAX_PASSAGE_CHARACTERS, split_passage

from .. import files
from .policies import FOOTER, HEADER, long_pdf_markdown, write


def passages(path):
    result = run_document_action("passages", str(path), timeout_seconds=30, memory_mb=1024)
    assert result["ok"], result
    return result["passages"]


def find(found, fragment):
    matches = [p for p in found if fragment in p["text"]]
    assert matches, f"no passage contains {fragment!r}"
    return matches[0]


def test_pdf_passages_have_their_page_and_heading(tmp_path):
    found = passages(write(tmp_path, "pdf", header=HEADER, footer=FOOTER))
    befriend = find(found, "Staff must not befriend pupils")
    assert befriend["page"] == 1
    assert befriend["section"] == "Staff conduct"
    bullet = find(found, "Only use school cameras")
    assert bullet["kind"] == "item" and not bullet["text"].startswith("\u2022")


def test_pdf_running_headers_footers_and_page_numbers_are_not_passages(tmp_path):
    markdown = long_pdf_markdown(pages=4)
    found = passages(write(tmp_path, "pdf", markdown, header=HEADER, footer=FOOTER))
    assert max(p["page"] for p in found) >= 3
    texts = [p["text"] for p in found]
    assert not any("Riverbank Primary | Social" in t or t.startswith("Page ") for t in texts)
    assert any("decision number 40 " in t for t in texts)


def test_pdf_bare_page_numbers_are_dropped(tmp_path):
    markdown = long_pdf_markdown(pages=3)
    found = passages(write(tmp_path, "pdf", markdown, footer="{page}"))
    assert all(not p["text"].strip().isdigit() for p in found)
    assert len({p["page"] for p in found}) >= 3


def test_docx_passages_have_heading_and_paragraph_and_no_page(tmp_path):
    found = passages(write(tmp_path, "docx"))
    profiles = find(found, "Assume that parents and pupils will look for you")
    assert profiles["page"] is None
    assert profiles["section"] == "Staff conduct" and profiles["paragraph"] == 2
    item = find(found, "Photos are deleted from the device")
    assert item["kind"] == "item" and item["section"] == "Photographs"


def test_docx_table_cells_are_passages(tmp_path):
    found = passages(write(tmp_path, "docx"))
    cell = find(found, "Comments on the school page are moderated daily")
    assert cell["kind"] == "cell"
    assert cell["text"] == "Comments on the school page are moderated daily by the office manager."
    # A cell of one or two words is a label, not something to quote.
    assert not any(p["text"] in ("Topic", "Rule", "Replies") for p in found)


def test_odt_passages_have_pages_headings_lists_and_cells(tmp_path):
    found = passages(write(tmp_path, "odt"))
    assert find(found, "Staff must not befriend")["page"] == 1
    assert find(found, "Only use school cameras")["kind"] == "item"
    assert find(found, "We reply to messages within two school days")["kind"] == "cell"
    assert find(found, "guess passwords")["section"] == "Searching"


@pytest.mark.parametrize("kind", ["pdf", "docx", "odt"])
def test_no_passage_is_longer_than_a_quote(tmp_path, kind):
    sentence = "Staff keep personal and professional accounts apart at all times, every day. "
    markdown = "# Policy\n\n" + sentence * 40
    found = passages(write(tmp_path, kind, markdown))
    assert len(found) >= 4
    assert all(len(p["text"]) <= MAX_PASSAGE_CHARACTERS for p in found)
    assert all(p["text"].endswith(".") for p in found)  # cut at sentence ends


def test_a_sentence_longer_than_a_quote_is_cut_between_words():
    text = "word " * 300
    pieces = split_passage(text.strip())
    assert all(len(piece) <= MAX_PASSAGE_CHARACTERS for piece in pieces)
    assert " ".join(pieces).split() == text.split()


@pytest.mark.parametrize(
    "content, reason",
    [
        (files.exe_renamed(), "Windows program"),
        (files.macro_docm(), "macros"),
        (files.empty(), "empty"),
    ],
)
def test_a_hostile_file_is_refused_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "policy.docx"
    path.write_bytes(content)
    result = run_document_action("passages", str(path), timeout_seconds=30, memory_mb=1024)
    assert result["ok"] is False and reason in result["reason"]


def test_a_document_with_only_headings_has_no_passages(tmp_path):
    path = tmp_path / "policy.docx"
    path.write_bytes(make_docx([("heading", 1, "Social media policy")]))
    result = run_document_action("passages", str(path), timeout_seconds=30, memory_mb=1024)
    assert result == {"ok": False, "reason": result["reason"]}
    assert "No text could be read" in result["reason"]
