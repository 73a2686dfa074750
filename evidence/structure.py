"""Splits an uploaded policy into quotable passages, each with where it is in the document.

Runs in the same resource-limited child process as the upload checks (policies.sandbox, action
"passages"), because it parses the untrusted file. It opens the file through the same checks as
policies.inspection and must not import Django.

A passage is a sentence to a short paragraph (at most MAX_PASSAGE_CHARACTERS): a paragraph, a
list item or a table cell. Headings are not passages but name where the passages under them are.
In a PDF, running headers and footers (lines repeated on most pages) and bare page numbers are
left out. Word documents have no pages, so their passages have none.
"""

import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any

from docx.document import Document as WordDocument
from lxml import etree
from pypdf import PageObject, PdfReader

from policies.inspection import (
    _MC_FALLBACK,
    _ODT_SKIPPED,
    _ODT_SPACES,
    _OFFICE,
    _TABLE,
    _TEXT,
    _UNSTORABLE,
    _W,
    MAX_CHARACTERS,
    NO_TEXT,
    PDF_NO_TEXT,
    TOO_MUCH_TEXT,
    UNREADABLE,
    Refused,
    Result,
    _odt_page_break_styles,
    _open,
    _refuse_on_failure,
    run_in_child,
)

MAX_PASSAGE_CHARACTERS = 600
# Passages are cut at sentence ends once they reach this length, so that one quote holds one idea.
_SOFT_PASSAGE_CHARACTERS = 350
_MIN_WORDS = 3
MAX_HEADING_CHARACTERS = 200

# A line repeated at the top or bottom of at least this share of pages is a running header/footer.
_RUNNING_LINE_SHARE = 0.5
_EDGE_LINES = 2
_PAGE_NUMBER = re.compile(
    r"^(page\s*)?(\d{1,4}|[ivxlc]{1,6})(\s*(of|/)\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$", re.IGNORECASE
)
_BULLET = re.compile(
    r"^\s*([\u2022\u25aa\u25e6\u2023\u2043\uf0b7\-\u2013*]|\(?[a-z0-9]{1,3}[.)])\s+"
)
_NUMBERED_HEADING = re.compile(r"^(section\s+|part\s+|appendix\s+)?\d{1,2}(\.\d{1,2})*\.?\s+\S")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u2022])")
_PARAGRAPH_GAP_FACTOR = 1.3
# Lines further apart than this many times their type size are not one paragraph's lines...
_WIDE_GAP_FACTOR = 1.5
# ...when the line before is this short (in characters) or ends a sentence.
_SHORT_LINE = 50


@dataclass
class Passage:
    text: str
    page: int | None
    section: str
    paragraph: int
    kind: str  # "paragraph", "item" or "cell"


def passages_of_file(path: str) -> Result:
    """The file's passages in reading order, or a refusal with a reason a person can act on."""
    try:
        with _refuse_on_failure(UNREADABLE):
            opened = _open(path)
            builder = _Builder()
            _READERS[opened.kind](opened.document, builder)
    except Refused as refusal:
        return refusal.result()
    if not builder.passages:
        return {"ok": False, "reason": PDF_NO_TEXT if opened.kind == "pdf" else NO_TEXT}
    return {
        "ok": True,
        "kind": opened.kind,
        "passages": [asdict(passage) for passage in builder.passages],
    }


class _Builder:
    """Collects passages under the current heading, numbering the blocks in each section."""

    def __init__(self) -> None:
        self.passages: list[Passage] = []
        self.section = ""
        self.block = 0
        self.page: int | None = None
        self._characters = 0

    def heading(self, text: str) -> None:
        text = _clean(text)
        if text:
            self.section = text[:MAX_HEADING_CHARACTERS]
            self.block = 0

    def block_text(self, text: str, kind: str) -> None:
        text = _clean(text)
        if not text:
            return
        self._characters += len(text)
        if self._characters > MAX_CHARACTERS:
            raise Refused(TOO_MUCH_TEXT)
        pieces = [piece for piece in split_passage(text) if len(piece.split()) >= _MIN_WORDS]
        if pieces:
            self.block += 1
        for piece in pieces:
            self.passages.append(Passage(piece, self.page, self.section, self.block, kind))


def _clean(text: str) -> str:
    return " ".join(_UNSTORABLE.sub(" ", text).split())


def split_passage(text: str, limit: int = MAX_PASSAGE_CHARACTERS) -> list[str]:
    """Cut text into pieces of at most limit characters, at sentence ends where it can."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        for part in _cut_long(sentence, limit):
            if current and (
                len(current) + 1 + len(part) > limit or len(current) >= _SOFT_PASSAGE_CHARACTERS
            ):
                pieces.append(current)
                current = part
            else:
                current = f"{current} {part}" if current else part
    if current:
        pieces.append(current)
    return pieces


def _cut_long(sentence: str, limit: int) -> Iterator[str]:
    """A sentence longer than the limit is cut after a semicolon or comma, else between words."""
    while len(sentence) > limit:
        window = sentence[:limit]
        cut = max(window.rfind("; "), window.rfind(", "))
        cut = cut + 1 if cut > limit // 3 else window.rfind(" ")
        if cut <= 0:
            cut = limit
        yield sentence[:cut].strip()
        sentence = sentence[cut:].strip()
    if sentence:
        yield sentence


# PDF -----------------------------------------------------------------------------------------


def _pdf_passages(reader: PdfReader, builder: _Builder) -> None:
    pages = [_pdf_lines(page) for page in reader.pages]
    running = _running_lines(pages)
    for number, lines in enumerate(pages, start=1):
        builder.page = number
        kept = [
            line
            for index, line in enumerate(lines)
            if not _is_page_furniture(line[2], index, len(lines), running)
        ]
        for paragraph, is_item in _pdf_paragraphs(kept):
            # "3. Images" is a numbered heading, not a numbered list item.
            numbered = _NUMBERED_HEADING.match(paragraph) is not None
            if (numbered or not is_item) and _looks_like_heading(paragraph):
                builder.heading(paragraph)
            else:
                builder.block_text(
                    _BULLET.sub("", paragraph, count=1) if is_item else paragraph,
                    "item" if is_item else "paragraph",
                )


Line = tuple[float, float, str]  # baseline, type size, text


def _pdf_lines(page: PageObject) -> list[Line]:
    """The page's lines, top to bottom as drawn; none if pypdf cannot read the page."""
    lines: list[tuple[float, float, list[str]]] = []
    line_ended = True

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: Any) -> None:
        nonlocal line_ended
        if not text:
            return
        if line_ended:
            baseline = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = abs(tm[3] * cm[3]) or 1.0
            lines.append((baseline, abs(float(size or 0)) * scale, []))
        lines[-1][2].append(text)
        line_ended = text.endswith("\n")

    try:
        page.extract_text(visitor_text=visit)
    except MemoryError:
        raise
    except Exception:
        # One unreadable page should not cost reviewers the passages of the rest.
        return []
    result = [(baseline, size, _clean("".join(pieces))) for baseline, size, pieces in lines]
    return [line for line in result if line[2]]


def _line_key(text: str) -> str:
    """A line as it repeats from page to page: the page number in a short line may change.

    Long lines must repeat exactly, so that numbered paragraphs are not taken for page furniture.
    """
    if len(text) > _SHORT_LINE + 30:
        return text.lower()
    return re.sub(r"\d+", "#", text.lower())


def _edge_indexes(count: int) -> set[int]:
    return set(range(min(_EDGE_LINES, count))) | set(range(max(count - _EDGE_LINES, 0), count))


def _running_lines(pages: list[list[Line]]) -> set[str]:
    """Lines found at the top or bottom of most pages: running headers and footers."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({_line_key(lines[index][2]) for index in _edge_indexes(len(lines))})
    needed = max(2, _RUNNING_LINE_SHARE * len(pages))
    return {key for key, count in seen.items() if count >= needed}


def _is_page_furniture(text: str, index: int, count: int, running: set[str]) -> bool:
    if index not in _edge_indexes(count):
        return False
    return _line_key(text) in running or _PAGE_NUMBER.match(text.strip()) is not None


def _pdf_paragraphs(lines: list[Line]) -> list[tuple[str, bool]]:
    """Join lines into paragraphs where they sit closer than usual; a bullet starts a new one."""
    if not lines:
        return []
    gaps = [above[0] - below[0] for above, below in pairwise(lines)]
    # The lower quartile of the downward gaps is the page's ordinary line spacing.
    downward = sorted(gap for gap in gaps if gap > 0)
    usual = downward[len(downward) // 4] if downward else 0.0
    paragraphs: list[list[str]] = [[lines[0][2]]]
    items = [_BULLET.match(lines[0][2]) is not None]
    for gap, previous, (_, size, text) in zip(gaps, lines, lines[1:], strict=False):
        is_item = _BULLET.match(text) is not None
        if gap <= 0 or gap > usual * _PARAGRAPH_GAP_FACTOR or is_item:
            paragraphs.append([])
            items.append(is_item)
        elif _starts_paragraph(gap, size, previous[2], text):
            paragraphs.append([])
            items.append(False)
        paragraphs[-1].append(text)
    return [(" ".join(lines_), item) for lines_, item in zip(paragraphs, items, strict=True)]


def _starts_paragraph(gap: float, size: float, previous: str, text: str) -> bool:
    """On a page of one-line paragraphs every gap is "usual"; there a line set well apart from
    the one before starts a paragraph after a finished sentence or a short heading-like line."""
    if not size or gap < size * _WIDE_GAP_FACTOR or not text[:1].isupper():
        return False
    return previous.rstrip()[-1:] in (".", "!", "?", ":") or len(previous) < _SHORT_LINE


def _looks_like_heading(text: str) -> bool:
    """Short, unpunctuated lines that are numbered, in title case or very short head a section."""
    words = text.split()
    if not words or len(words) > 12 or len(text) > 100 or text.rstrip()[-1] in ".:;,!?":
        return False
    if _NUMBERED_HEADING.match(text) or (len(words) <= 6 and text[0].isupper()):
        return True
    long_words = [word for word in words if len(word) > 3]
    capitalised = sum(word[0].isupper() for word in long_words)
    return bool(long_words) and capitalised >= 0.6 * len(long_words)


# DOCX ----------------------------------------------------------------------------------------


def _docx_passages(document: WordDocument, builder: _Builder) -> None:
    style_names = {
        style.style_id: (style.name or "").lower()
        for style in document.styles
        if style.style_id is not None
    }
    _docx_blocks(document.element.body, builder, style_names)


def _docx_blocks(container: etree._Element, builder: _Builder, styles: dict[str, str]) -> None:
    for element in container.iterchildren():
        if element.tag == f"{_W}p":
            text = _docx_text(element)
            kind = _docx_paragraph_kind(element, styles)
            if kind == "heading":
                builder.heading(text)
            else:
                builder.block_text(text, kind)
        elif element.tag == f"{_W}tbl":
            _docx_table(element, builder)
        elif element.tag == f"{_W}sdt":
            content = element.find(f"{_W}sdtContent")
            if content is not None:
                _docx_blocks(content, builder, styles)


def _docx_paragraph_kind(paragraph: etree._Element, styles: dict[str, str]) -> str:
    properties = paragraph.find(f"{_W}pPr")
    style = ""
    if properties is not None:
        style_element = properties.find(f"{_W}pStyle")
        if style_element is not None:
            style = styles.get(style_element.get(f"{_W}val") or "", "")
        outline = properties.find(f"{_W}outlineLvl")
        if outline is not None and (outline.get(f"{_W}val") or "9") < "9":
            return "heading"
    if style.startswith("heading") or style in ("title", "subtitle"):
        return "heading"
    numbered = properties is not None and properties.find(f"{_W}numPr") is not None
    return "item" if numbered or "list" in style else "paragraph"


def _docx_text(element: etree._Element) -> str:
    pieces: list[str] = []
    walker = etree.iterwalk(element, events=("start",))
    for _, node in walker:
        if node.tag == f"{_W}t":
            pieces.append(node.text or "")
        elif node.tag in (f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}p"):
            pieces.append(" ")
        elif node.tag == _MC_FALLBACK:
            # The fallback repeats the preferred content for older readers.
            walker.skip_subtree()
    return "".join(pieces)


def _docx_table(table: etree._Element, builder: _Builder) -> None:
    for row in table.iterfind(f"{_W}tr"):
        for cell in row.iterfind(f"{_W}tc"):
            builder.block_text(_docx_text(cell), "cell")


# ODT -----------------------------------------------------------------------------------------


def _odt_passages(content: etree._Element, builder: _Builder) -> None:
    body = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise Refused(NO_TEXT)
    reader = _OdtReader(builder, _odt_page_break_styles(content))
    builder.page = 1
    reader.blocks(body, kind="paragraph")


class _OdtReader:
    """Walks an ODT body; pages follow the breaks the writing program recorded, like extraction."""

    def __init__(self, builder: _Builder, page_styles: set[str]) -> None:
        self.builder = builder
        self.page_styles = page_styles
        self.page_has_text = False

    def break_page(self) -> None:
        # A break on a page with no text yet is the same break, not a blank page.
        if self.page_has_text:
            self.builder.page = (self.builder.page or 1) + 1
            self.page_has_text = False

    def blocks(self, container: etree._Element, *, kind: str) -> None:
        for element in container.iterchildren():
            tag = element.tag
            if tag == f"{_TEXT}soft-page-break":
                self.break_page()
            elif tag in (f"{_TEXT}h", f"{_TEXT}p"):
                if element.get(f"{_TEXT}style-name") in self.page_styles:
                    self.break_page()
                text = self.text(element)
                if tag == f"{_TEXT}h":
                    self.builder.heading(text)
                else:
                    self.builder.block_text(text, kind)
                self.page_has_text = self.page_has_text or bool(text.strip())
            elif tag == f"{_TEXT}list":
                for item in element.iterfind(f"{_TEXT}list-item"):
                    self.blocks(item, kind="item")
            elif tag == f"{_TABLE}table":
                for cell in element.iter(f"{_TABLE}table-cell"):
                    text = self.text(cell)
                    self.builder.block_text(text, "cell")
                    self.page_has_text = self.page_has_text or bool(text.strip())
            elif tag == f"{_TEXT}section":
                self.blocks(element, kind=kind)

    def text(self, element: etree._Element) -> str:
        pieces: list[str] = []
        walker = etree.iterwalk(element, events=("start", "end"))
        for event, node in walker:
            if event == "start":
                if node.tag in _ODT_SKIPPED:
                    # Its end still comes, and with it the text after the note.
                    walker.skip_subtree()
                elif node.tag in _ODT_SPACES or node.tag in (f"{_TEXT}p", f"{_TEXT}h"):
                    pieces.append(" ")
                    pieces.append(node.text or "")
                else:
                    pieces.append(node.text or "")
            elif node is not element:
                pieces.append(node.tail or "")
        return "".join(pieces)


_READERS = {"pdf": _pdf_passages, "docx": _docx_passages, "odt": _odt_passages}


def main(argv: list[str] | None = None) -> int:
    """Print the passages of one file as JSON, as policies.sandbox expects of its child."""
    return run_in_child({"passages": passages_of_file}, argv)


if __name__ == "__main__":
    sys.exit(main())
