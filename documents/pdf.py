"""PDF text read into blocks through PDFium, by where the text sits on the page.

PDFium gives the page's text as rectangles, each a run of text on one line. Lines are joined into
paragraphs where they sit at the page's usual spacing; a bullet or numbered clause starts a block
of its own; runs on one line far apart are table cells. Running headers and footers (the same
text at the same place at the top or bottom of most pages) and page numbers are left out. A page
whose text is mostly unmapped characters or glyph names is unreadable: with an image, it is a scan
for OCR. No Django here.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .blocks import BlockCollector, Kind
from .paragraphs import (
    BULLET,
    BULLETS,
    CLAUSE,
    DASH,
    NUMBERED_HEADING,
    is_marker,
    joined,
    looks_like_heading,
    paragraph_kind,
)
from .refusals import PDF_DAMAGED, PDF_NO_TEXT, Refused

# A gap between two lines this much wider than the page's usual line spacing starts a paragraph.
_PARAGRAPH_GAP_FACTOR = 1.3
# A line shorter than this share of the page's full lines is the last of its paragraph.
_SHORT_LINE_FACTOR = 0.6
# Runs on one line further apart than this many times the type size are table cells.
_CELL_GAP_FACTOR = 2.0
# Runs on one line further apart than this many times the type size are separate words.
_WORD_GAP_FACTOR = 0.12
# Lines further apart than this many times their type size are not one paragraph's lines, after a
# finished sentence or a heading-like line (on a page of one-line paragraphs every gap is usual).
_WIDE_GAP_FACTOR = 1.5
_SHORT_LINE = 50
# A line repeated at the top or bottom of at least this share of pages is a running header/footer.
_RUNNING_LINE_SHARE = 0.5
_EDGE_LINES = 2
# A share of unmapped characters above this makes a page's text unreadable.
_UNREADABLE_SHARE = 0.3
_UNMAPPED_SAMPLE = 24
# An image covering this share of a page with no readable text makes it a scanned page.
_SCAN_IMAGE_SHARE = 0.25
_MAX_OBJECTS_LOOKED_AT = 500
_MAX_RUNS = 5_000

_PAGE_NUMBER = re.compile(
    r"^(page\s*)?(\d{1,4}|[ivxlc]{1,6})(\s*(of|/)\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$", re.IGNORECASE
)
_GLYPH_NAMES = re.compile(r"/(?:g|G|cid|uni)[0-9A-Fa-f]+")
_PRIVATE_USE = re.compile(rf"[\ue000-\uf8ff\ufffd](?<![{BULLETS}])")


@dataclass
class _Run:
    left: float
    bottom: float
    right: float
    top: float
    text: str
    # The type size in points: a run's box fits its letters, so "Staff conduct" (no descenders)
    # is shorter than "weekly" in the same type.
    size: float


@dataclass
class _Line:
    left: float
    bottom: float
    right: float
    top: float
    size: float
    cells: list[str] = field(default_factory=list)

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def text(self) -> str:
        return " ".join(self.cells)


@dataclass
class _Page:
    lines: list[_Line]
    height: float
    scanned: bool = False
    # The lines at the top and bottom, and those set apart from the body.
    edges: list[_Line] = field(default_factory=list)
    apart: list[_Line] = field(default_factory=list)


@dataclass
class PdfReading:
    # Pages with no readable text that hold a page-sized image or unreadable text.
    scanned_pages: list[int]
    # Pages PDFium could not open at all.
    damaged_pages: list[int]


def pdf_blocks(document: pdfium.PdfDocument, collector: BlockCollector) -> PdfReading:
    """Add the PDF's blocks to collector, page by page."""
    pages = [_read_page(document, index) for index in range(len(document))]
    if all(page is None for page in pages):
        raise Refused(PDF_DAMAGED)
    readable = [page or _Page([], 0) for page in pages]
    for page in readable:
        page.edges, page.apart = _edge_lines(page)
    running = _running_lines(readable)
    for number, page in enumerate(readable, start=1):
        kept = [line for line in page.lines if not _is_page_furniture(line, page, running)]
        for text, kind, level in _page_blocks(kept):
            collector.add(text, kind, level=level, page=number)
    scanned = [number for number, page in enumerate(readable, start=1) if page.scanned]
    if not collector.blocks and not scanned:
        raise Refused(PDF_NO_TEXT)
    damaged = [number for number, page in enumerate(pages, start=1) if page is None]
    return PdfReading(scanned, damaged)


def _read_page(document: pdfium.PdfDocument, index: int) -> _Page | None:
    """The page's lines; None when PDFium cannot read the page at all."""
    try:
        page = document[index]
    except pdfium.PdfiumError:
        return None
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            runs = _runs(textpage)
            readable = _is_readable(textpage, runs)
        finally:
            textpage.close()
        lines = _lines(runs) if readable else []
        scanned = not lines and (not readable or _has_large_image(page, width * height))
        return _Page(lines, height, scanned)
    except pdfium.PdfiumError:
        # One page PDFium cannot read should not cost reviewers the rest of the policy.
        return None
    finally:
        page.close()


def _runs(textpage: pdfium.PdfTextPage) -> list[_Run]:
    count = textpage.count_rects()
    if count > _MAX_RUNS:
        # Each run's text is found by a search of the page, so thousands of them (text drawn a
        # letter at a time) would take too long; their lines, unplaced, are enough to read.
        lines = textpage.get_text_range().splitlines()
        return [_Run(0, -index * 2, 1, -index * 2 + 1, text, 1) for index, text in enumerate(lines)]
    runs = []
    for index in range(count):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left, bottom, right, top)
        text = " ".join(text.split())
        if text:
            runs.append(_Run(left, bottom, right, top, text, _size(textpage, left, bottom, top)))
    return runs


def _size(textpage: pdfium.PdfTextPage, left: float, bottom: float, top: float) -> float:
    index = textpage.get_index(left + 0.5, (bottom + top) / 2, 1, (top - bottom) / 2)
    size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index) if index is not None else 0
    return size or top - bottom


def _is_readable(textpage: pdfium.PdfTextPage, runs: list[_Run]) -> bool:
    """False for text of glyph names, unmapped or private-use characters: a font with no map."""
    text = "".join(run.text for run in runs).replace(" ", "")
    if not text:
        return True
    bad = len(_PRIVATE_USE.findall(text)) + sum(len(name) for name in _GLYPH_NAMES.findall(text))
    if bad > _UNREADABLE_SHARE * len(text):
        return False
    handle = textpage.raw
    count = pdfium_c.FPDFText_CountChars(handle)
    sample = range(0, count, max(count // _UNMAPPED_SAMPLE, 1))
    has_error = pdfium_c.FPDFText_HasUnicodeMapError
    unmapped = sum(has_error(handle, index) == 1 for index in sample)
    return unmapped <= _UNREADABLE_SHARE * len(sample)


def _has_large_image(page: pdfium.PdfPage, page_area: float) -> bool:
    for number, image in enumerate(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])):
        if number >= _MAX_OBJECTS_LOOKED_AT:
            return False
        left, bottom, right, top = image.get_bounds()
        if (right - left) * (top - bottom) >= _SCAN_IMAGE_SHARE * page_area:
            return True
    return False


def _lines(runs: list[_Run]) -> list[_Line]:
    """Runs joined into lines in the order drawn; runs far apart on one line are cells."""
    lines: list[_Line] = []
    for run in runs:
        line = lines[-1] if lines else None
        height = min(run.top - run.bottom, line.height) if line else 0
        overlap = (min(run.top, line.top) - max(run.bottom, line.bottom)) if line else 0
        if line is None or overlap < 0.5 * height or run.left < line.right - height:
            lines.append(_Line(run.left, run.bottom, run.right, run.top, run.size, [run.text]))
            continue
        if run.left - line.right > _CELL_GAP_FACTOR * max(line.size, 1) and not is_marker(
            line.cells[-1]
        ):
            line.cells.append(run.text)
        else:
            # Letters placed one at a time sit close together; words are further apart.
            joiner = " " if run.left - line.right > _WORD_GAP_FACTOR * max(line.size, 1) else ""
            line.cells[-1] = f"{line.cells[-1]}{joiner}{run.text}"
        line.right = max(line.right, run.right)
        line.bottom = min(line.bottom, run.bottom)
        line.top = max(line.top, run.top)
        line.size = max(line.size, run.size)
    return lines


# Running headers and footers -------------------------------------------------------------------


def _line_key(text: str) -> str:
    """A line as it repeats from page to page: the page number in a short line may change.

    Long lines must repeat exactly, so that numbered paragraphs are not taken for page furniture.
    """
    if len(text) > _SHORT_LINE + 30:
        return text.lower()
    return re.sub(r"\d+", "#", text.lower())


def _edge_lines(page: _Page) -> tuple[list[_Line], list[_Line]]:
    """The lines at the top and bottom of the page, and those of them set apart from the body by
    more than the page's line spacing, as a running header or footer is."""
    by_height = sorted(page.lines, key=lambda line: -line.top)
    count = len(by_height)
    gaps = [above.bottom - below.bottom for above, below in pairwise(by_height)]
    downward = sorted(gap for gap in gaps if gap > 0)
    usual = downward[len(downward) // 4] if downward else 0.0
    edges, apart = [], []
    for index, line in enumerate(by_height):
        if _EDGE_LINES <= index < count - _EDGE_LINES:
            continue
        edges.append(line)
        # The gap towards the body: below a line at the top, above a line at the bottom.
        toward_body = index + 1 if index < count / 2 else index - 1
        if 0 <= toward_body < count:
            upper, lower = sorted((index, toward_body))
            if by_height[upper].bottom - by_height[lower].bottom > usual * _PARAGRAPH_GAP_FACTOR:
                apart.append(line)
    return edges, apart


def _furniture_key(line: _Line) -> tuple[str, int]:
    # The same text at the same height: a body line that merely repeats sits elsewhere.
    return _line_key(line.text), round(line.bottom / 4)


def _running_lines(pages: list[_Page]) -> set[tuple[str, int]]:
    """Lines set apart at the same place at the top or bottom of most pages: running headers and
    footers. A line that is part of a paragraph is body text, however often it repeats."""
    with_text = [page for page in pages if page.lines]
    if len(with_text) < 2:
        return set()
    seen: Counter[tuple[str, int]] = Counter()
    for page in with_text:
        seen.update({_furniture_key(line) for line in page.apart})
    needed = max(2, _RUNNING_LINE_SHARE * len(with_text))
    return {key for key, count in seen.items() if count >= needed}


def _is_page_furniture(line: _Line, page: _Page, running: set[tuple[str, int]]) -> bool:
    if not any(line is edge for edge in page.edges):
        return False
    if _furniture_key(line) in running:
        return True
    return _PAGE_NUMBER.match(line.text.strip()) is not None


# Paragraphs ------------------------------------------------------------------------------------


def _page_blocks(lines: list[_Line]) -> list[tuple[str, str, int]]:
    """The page's lines joined into blocks: (text, kind, heading level)."""
    if not lines:
        return []
    gaps = [above.bottom - below.bottom for above, below in pairwise(lines)]
    # The lower quartile of the downward gaps is the page's ordinary line spacing.
    downward = sorted(gap for gap in gaps if gap > 0)
    usual = downward[len(downward) // 4] if downward else 0.0
    widths = sorted(line.width for line in lines)
    full = widths[len(widths) * 3 // 4]
    body_size = sorted(line.size for line in lines)[len(lines) // 2]
    blocks: list[tuple[str, str, int]] = []
    current: list[_Line] = []

    def flush() -> None:
        if current:
            blocks.append(_block(current, body_size))
            current.clear()

    for index, line in enumerate(lines):
        previous = lines[index - 1] if index else None
        if len(line.cells) > 1:
            flush()
            blocks.extend((cell, Kind.TABLE_CELL, 0) for cell in line.cells)
            continue
        if (
            previous is None
            or len(previous.cells) > 1
            or _starts_block(previous, line, gaps[index - 1], usual, full)
        ):
            flush()
        current.append(line)
    flush()
    return blocks


def _starts_block(previous: _Line, line: _Line, gap: float, usual: float, full: float) -> bool:
    text = line.text
    finished = previous.text.rstrip()[-1:] in (".", "!", "?", ":", ";")
    short = previous.width < full * _SHORT_LINE_FACTOR
    if gap <= 0 or gap > usual * _PARAGRAPH_GAP_FACTOR or short:
        return True
    if BULLET.match(text) or ((finished or short) and (DASH.match(text) or CLAUSE.match(text))):
        return True
    if abs(line.size - previous.size) > 0.15 * max(previous.size, 1):
        return True
    # On a page of one-line paragraphs every gap is "usual".
    wide = gap >= line.size * _WIDE_GAP_FACTOR
    return wide and text[:1].isupper() and (finished or len(previous.text) < _SHORT_LINE)


def _block(lines: list[_Line], body_size: float) -> tuple[str, str, int]:
    text = joined(line.text for line in lines)
    size = lines[0].size
    kind, shown = paragraph_kind(text)
    if kind == Kind.PARAGRAPH and size >= body_size * 0.95 and looks_like_heading(text):
        if NUMBERED_HEADING.match(text):
            level = text.split()[0].rstrip(".").count(".") + 1
        else:
            level = 1 if size > body_size * 1.15 else 2
        return text, Kind.HEADING, level
    return shown, kind, 0


def metadata(document: pdfium.PdfDocument) -> dict[str, str]:
    """The document's title and author, as short plain strings."""
    found = {}
    for key in ("Title", "Author"):
        value = document.get_metadata_value(key)
        if value:
            found[key.lower()] = " ".join(value.split())[:200]
    return found
