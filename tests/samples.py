"""Policies written as simple markdown, made into real PDF, DOCX and ODT files.

For the evidence finder's benchmark and tests. The markdown knows headings ("# ", "## "),
paragraphs, bullets ("- ") and table rows ("| a | b |"). PDFs get the running header and footer
an agency's word processor would print on every page. No Django here.
"""

from collections.abc import Iterator
from typing import Any

from demo.documents import FONT_SIZE, LEADING, PARAGRAPH_GAP, make_docx, paragraph_lines
from demo.documents import make_odt as _make_odt
from demo.documents import make_pdf as _make_pdf

# Height of a page's text, in points, left for the running header, body and footer. Less than
# the full A4 text column, so a word processor's larger type and spacing are roughly matched.
PAGE_TEXT_HEIGHT = 560


def blocks_of(markdown: str) -> list[tuple[Any, ...]]:
    """The markdown as blocks for demo.documents's DOCX and ODT writers."""
    blocks: list[tuple[Any, ...]] = []
    table: list[list[str]] = []
    for line in markdown.splitlines():
        line = line.strip()
        if line.startswith("|"):
            table.append([cell.strip() for cell in line.strip("|").split("|")])
            continue
        if table:
            blocks.append(("table", table))
            table = []
        if not line:
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            blocks.append(("heading", level, line.lstrip("#").strip()))
        elif line.startswith("- "):
            blocks.append(("bullet", line[2:].strip()))
        else:
            blocks.append(("para", line))
    if table:
        blocks.append(("table", table))
    return blocks


def _printed_paragraphs(blocks: list[tuple[Any, ...]]) -> Iterator[str]:
    """The blocks as a PDF prints them: one paragraph per heading, bullet and table row."""
    for kind, *content in blocks:
        if kind == "heading":
            yield content[1]
        elif kind == "bullet":
            yield f"\u2022 {content[0]}"
        elif kind == "table":
            for row in content[0]:
                yield " \u2013 ".join(cell for cell in row if cell)
        elif kind == "para":
            yield content[0]


def _height(paragraph: str) -> int:
    return paragraph_lines(paragraph) * LEADING + PARAGRAPH_GAP


def paginate(
    paragraphs: list[str], *, header: str = "", footer: str = "", height: int = PAGE_TEXT_HEIGHT
) -> list[list[str]]:
    """Fill pages with paragraphs, each page with the running header and footer."""
    furniture = (_height(header) if header else 0) + FONT_SIZE * 4
    pages: list[list[str]] = [[]]
    used = furniture
    for paragraph in paragraphs:
        needed = _height(paragraph)
        if pages[-1] and used + needed > height:
            pages.append([])
            used = furniture
        pages[-1].append(paragraph)
        used += needed
    total = len(pages)
    return [
        ([header] if header else [])
        + body
        + ([footer.format(page=number, pages=total)] if footer else [])
        for number, body in enumerate(pages, start=1)
    ]


def make_pdf(markdown: str, *, header: str = "", footer: str = "", title: str = "") -> bytes:
    pages = paginate(list(_printed_paragraphs(blocks_of(markdown))), header=header, footer=footer)
    return _make_pdf(pages, title=title)


def make_docx_from(markdown: str, *, title: str = "") -> bytes:
    return make_docx(blocks_of(markdown), title=title)


def make_odt_from(markdown: str, *, title: str = "") -> bytes:
    return _make_odt(blocks_of(markdown), title=title)
