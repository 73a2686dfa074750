"""Word (.docx) and OpenDocument text (.odt) read into blocks.

Pages follow the breaks the writing program recorded, so they are approximate. Headers, footers,
footnotes, comments and deleted text are not part of the policy's running text. No Django here.
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml import etree

from .blocks import BlockCollector, Kind
from .inspection import OFFICE
from .refusals import NO_TEXT, Refused

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
_ODT_SPACES = {f"{_TEXT}s", f"{_TEXT}tab", f"{_TEXT}line-break"}
# Footnotes, comments and deleted text are not part of the policy's running text.
_ODT_SKIPPED = {f"{_TEXT}note", f"{OFFICE}annotation", f"{_TEXT}tracked-changes"}

_PAGE_BREAK = object()

if TYPE_CHECKING:
    from docx.document import Document as WordDocument


# DOCX ----------------------------------------------------------------------------------------


def docx_blocks(document: "WordDocument", collector: BlockCollector) -> None:
    """The body's blocks in document order."""
    styles = {
        style.style_id: (style.name or "").lower()
        for style in document.styles
        if style.style_id is not None
    }
    _docx_container(document.element.body, collector, styles)
    collector.text_pages()


def _docx_container(container: etree._Element, collector: BlockCollector, styles) -> None:
    for element in container.iterchildren():
        if element.tag == f"{_W}p":
            kind, level = _docx_paragraph_kind(element, styles)
            if _docx_starts_page(element):
                collector.break_page()
            pieces: list[str] = []
            for piece in _docx_pieces(element):
                if piece is _PAGE_BREAK:
                    collector.add("".join(pieces), kind, level=level)
                    pieces = []
                    collector.break_page()
                else:
                    pieces.append(piece)
            collector.add("".join(pieces), kind, level=level)
        elif element.tag == f"{_W}tbl":
            for row in element.iterfind(f"{_W}tr"):
                for cell in row.iterfind(f"{_W}tc"):
                    text = "".join(p for p in _docx_pieces(cell) if p is not _PAGE_BREAK)
                    collector.add(text, Kind.TABLE_CELL)
        elif element.tag == f"{_W}sdt":
            content = element.find(f"{_W}sdtContent")
            if content is not None:
                _docx_container(content, collector, styles)


def _docx_paragraph_kind(paragraph: etree._Element, styles: dict[str, str]) -> tuple[str, int]:
    properties = paragraph.find(f"{_W}pPr")
    style = ""
    if properties is not None:
        style_element = properties.find(f"{_W}pStyle")
        if style_element is not None:
            style = styles.get(style_element.get(f"{_W}val") or "", "")
        outline_element = properties.find(f"{_W}outlineLvl")
        outline = "" if outline_element is None else outline_element.get(f"{_W}val") or ""
        if outline.isdigit() and int(outline) < 9:
            return Kind.HEADING, int(outline) + 1
    if style.startswith("heading"):
        level = style.removeprefix("heading").strip()
        return Kind.HEADING, int(level) if level.isdigit() else 1
    if style in ("title", "subtitle"):
        return Kind.HEADING, 1
    numbered = properties is not None and properties.find(f"{_W}numPr") is not None
    return (Kind.LIST_ITEM if numbered or "list" in style else Kind.PARAGRAPH), 0


def _docx_pieces(element: etree._Element) -> Iterator[str | object]:
    """The element's text, with page breaks marked where they fall."""
    walker = etree.iterwalk(element, events=("start",))
    for _, node in walker:
        tag = node.tag
        if tag == f"{_W}t":
            yield node.text or ""
        elif tag == f"{_W}lastRenderedPageBreak" or (
            tag == f"{_W}br" and node.get(f"{_W}type") == "page"
        ):
            yield _PAGE_BREAK
        elif tag in (f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}p"):
            yield " "
        elif tag == _MC_FALLBACK:
            # The fallback repeats the preferred content for older readers.
            walker.skip_subtree()


def _docx_starts_page(paragraph: etree._Element) -> bool:
    flag = paragraph.find(f"{_W}pPr/{_W}pageBreakBefore")
    return flag is not None and flag.get(f"{_W}val", "true") not in ("false", "0", "off")


# ODT -----------------------------------------------------------------------------------------


def odt_blocks(content: etree._Element, collector: BlockCollector) -> None:
    body = content.find(f"{OFFICE}body/{OFFICE}text")
    if body is None:
        raise Refused(NO_TEXT)
    _OdtReader(collector, _odt_page_break_styles(content)).container(body, Kind.PARAGRAPH)
    collector.text_pages()


def _odt_page_break_styles(content: etree._Element) -> set[str]:
    """Names of the document's paragraph styles that start a new page."""
    return {
        style.get(f"{_STYLE}name")
        for style in content.iterfind(f"{OFFICE}automatic-styles/{_STYLE}style")
        if style.find(f"{_STYLE}paragraph-properties[@{_FO}break-before='page']") is not None
    }


class _OdtReader:
    def __init__(self, collector: BlockCollector, page_styles: set[str]) -> None:
        self.collector = collector
        self.page_styles = page_styles

    def container(self, container: etree._Element, kind: str) -> None:
        for element in container.iterchildren():
            tag = element.tag
            if tag in _ODT_SKIPPED or not isinstance(tag, str):
                continue
            if tag == f"{_TEXT}soft-page-break":
                self.collector.break_page()
            elif tag in (f"{_TEXT}h", f"{_TEXT}p"):
                if element.get(f"{_TEXT}style-name") in self.page_styles:
                    self.collector.break_page()
                if tag == f"{_TEXT}h":
                    level = element.get(f"{_TEXT}outline-level") or "1"
                    level_number = int(level) if level.isdigit() and len(level) < 3 else 1
                    self.collector.add(self.text(element), Kind.HEADING, level=level_number)
                else:
                    self.collector.add(self.text(element), kind)
            elif tag == f"{_TEXT}list":
                for item in element.iterfind(f"{_TEXT}list-item"):
                    self.container(item, Kind.LIST_ITEM)
            elif tag == f"{_TABLE}table":
                for cell in element.iter(f"{_TABLE}table-cell"):
                    self.collector.add(self.text(cell), Kind.TABLE_CELL)
            else:
                # Sections, indexes and other containers hold paragraphs of their own.
                self.container(element, kind)

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
