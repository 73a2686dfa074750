"""Writers for real, valid PDF, DOCX and ODT documents, for demo data, tests and benchmarks.

No Django here: the writers are plain functions from text to bytes.
"""

import io
import os
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import docx

# A block of a DOCX or ODT document:
#   ("heading", level, text), ("para", text), ("bullet", text),
#   ("table", [[cell, ...], ...]), ("pagebreak",)
Block = tuple[Any, ...]

# A4 in points, with one-inch margins and 11 pt Helvetica.
PAGE_WIDTH = 595
PAGE_HEIGHT = 842
MARGIN = 72
FONT_SIZE = 11
LEADING = 14
PARAGRAPH_GAP = 8
LINE_WIDTH = PAGE_WIDTH - 2 * MARGIN

# Helvetica advance widths (thousandths of an em) for the printable ASCII characters 32-126, from
# the standard Adobe font metrics; other characters use the width of a lower-case letter.
_ASCII_WIDTHS = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 "
    "556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556 "
    "1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 "
    "667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 "
    "333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 "
    "556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_CHAR_WIDTHS = [556] * 256
for _code, _width in enumerate(_ASCII_WIDTHS.split(), start=32):
    _CHAR_WIDTHS[_code] = int(_width)

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# Random bytes are split into images of at most this size, so no single stream is huge.
_PAD_IMAGE_BYTES = 4 * 1024 * 1024
_PAD_IMAGE_WIDTH = 1024


def make_pdf(pages: list[list[str]], *, title: str = "", pad_bytes: int = 0) -> bytes:
    """A PDF 1.7 document: each page a list of paragraphs, set in Helvetica on A4.

    A page whose text does not fit continues on further pages. pad_bytes adds about that many
    bytes of incompressible image data, drawn small on the first page, to reach a file size.
    """
    writer = _PdfWriter()
    catalog, page_tree, font = writer.reserve(), writer.reserve(), writer.reserve()
    writer.put(
        font, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    images = [_add_pad_image(writer, size) for size in _pad_image_sizes(pad_bytes)]

    page_ids = []
    layouts = [layout for paragraphs in pages for layout in _lay_out(paragraphs)] or [[]]
    for number, lines in enumerate(layouts):
        content = _page_content(lines, images if number == 0 else [])
        content_id = writer.add_stream(zlib.compress(content), b"/Filter /FlateDecode")
        resources = b"/Font << /F1 %d 0 R >>" % font
        if number == 0 and images:
            resources += b" /XObject << %s >>" % b" ".join(
                b"/Im%d %d 0 R" % (index, image) for index, image in enumerate(images)
            )
        page_ids.append(
            writer.add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources << %s >> "
                b"/Contents %d 0 R >>" % (page_tree, PAGE_WIDTH, PAGE_HEIGHT, resources, content_id)
            )
        )
    kids = b" ".join(b"%d 0 R" % page for page in page_ids)
    writer.put(page_tree, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids)))
    writer.put(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % page_tree)
    info = writer.add(b"<< /Title %s >>" % _pdf_text_string(title)) if title else None
    return writer.finish(root=catalog, info=info)


class _PdfWriter:
    """Numbers objects, then writes them with a cross-reference table of their byte offsets."""

    def __init__(self) -> None:
        self._objects: list[bytes | None] = []

    def reserve(self) -> int:
        self._objects.append(None)
        return len(self._objects)

    def put(self, number: int, body: bytes) -> None:
        self._objects[number - 1] = body

    def add(self, body: bytes) -> int:
        number = self.reserve()
        self.put(number, body)
        return number

    def add_stream(self, data: bytes, entries: bytes = b"") -> int:
        return self.add(b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data))

    def finish(self, *, root: int, info: int | None) -> bytes:
        # The binary comment line tells transfer tools that the file is not text.
        chunks = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
        offset = len(chunks[0])
        offsets = []
        for number, body in enumerate(self._objects, start=1):
            chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
            offsets.append(offset)
            chunks.append(chunk)
            offset += len(chunk)
        # Each cross-reference entry is exactly 20 bytes, line end included.
        xref = [b"xref\n0 %d\n" % (len(offsets) + 1), b"0000000000 65535 f \n"]
        xref += [b"%010d 00000 n \n" % position for position in offsets]
        file_id = b"<%s>" % os.urandom(16).hex().encode()
        trailer = b"/Size %d /Root %d 0 R /ID [%s %s]" % (len(offsets) + 1, root, file_id, file_id)
        if info is not None:
            trailer += b" /Info %d 0 R" % info
        chunks += xref
        chunks.append(b"trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n" % (trailer, offset))
        return b"".join(chunks)


def _lay_out(paragraphs: list[str]) -> list[list[tuple[float, bytes]]]:
    """Wrap paragraphs into lines and place them, as (baseline, text) per line on each page."""
    pages: list[list[tuple[float, bytes]]] = [[]]
    top = PAGE_HEIGHT - MARGIN - FONT_SIZE
    baseline = top
    for paragraph in paragraphs:
        for line in _wrap(_win_ansi(paragraph)):
            if baseline < MARGIN:
                pages.append([])
                baseline = top
            pages[-1].append((baseline, line))
            baseline -= LEADING
        baseline -= PARAGRAPH_GAP
    return pages


def paragraph_lines(paragraph: str) -> int:
    """How many lines `make_pdf` sets a paragraph on."""
    return len(_wrap(_win_ansi(paragraph)))


def _wrap(text: bytes) -> list[bytes]:
    """Break text into lines no wider than the page's text column, splitting only long words."""
    limit = LINE_WIDTH * 1000 / FONT_SIZE
    space = _CHAR_WIDTHS[32]
    lines: list[bytes] = []
    words: list[bytes] = []
    width = 0
    for word in text.split():
        for piece in _split_long_word(word, limit):
            piece_width = sum(_CHAR_WIDTHS[code] for code in piece)
            if words and width + space + piece_width > limit:
                lines.append(b" ".join(words))
                words, width = [], 0
            width += piece_width + (space if words else 0)
            words.append(piece)
    if words:
        lines.append(b" ".join(words))
    return lines


def _split_long_word(word: bytes, limit: float) -> Iterable[bytes]:
    start, width = 0, 0
    for index, code in enumerate(word):
        if width + _CHAR_WIDTHS[code] > limit:
            yield word[start:index]
            start, width = index, 0
        width += _CHAR_WIDTHS[code]
    yield word[start:]


def _win_ansi(text: str) -> bytes:
    """Encode for Helvetica's WinAnsiEncoding, the only text encoding its built-in metrics cover."""
    text = _CONTROL_CHARACTERS.sub(" ", text)
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        return b"".join(_win_ansi_character(character) for character in text)


def _win_ansi_character(character: str) -> bytes:
    try:
        return character.encode("cp1252")
    except UnicodeEncodeError:
        # Accented and compatibility forms fall back to their base letters, anything else to "?".
        base = unicodedata.normalize("NFKD", character).encode("cp1252", errors="ignore")
        return base or b"?"


def _page_content(lines: list[tuple[float, bytes]], images: list[int]) -> bytes:
    parts = [b"BT /F1 %d Tf" % FONT_SIZE]
    for baseline, line in lines:
        parts.append(b"1 0 0 1 %d %.2f Tm (%s) Tj" % (MARGIN, baseline, _pdf_escape(line)))
    parts.append(b"ET")
    # Padding images are drawn as small squares in the bottom margin of the first page.
    for index in range(len(images)):
        parts.append(b"q 12 0 0 12 %d 24 cm /Im%d Do Q" % (MARGIN + 16 * index, index))
    return b"\n".join(parts)


def _pdf_escape(text: bytes) -> bytes:
    return text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _pdf_text_string(text: str) -> bytes:
    """A PDF text string in UTF-16BE with a byte order mark, which holds any character."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _pad_image_sizes(pad_bytes: int) -> list[int]:
    full, rest = divmod(max(pad_bytes, 0), _PAD_IMAGE_BYTES)
    return [_PAD_IMAGE_BYTES] * full + ([rest] if rest >= _PAD_IMAGE_WIDTH else [])


def _add_pad_image(writer: _PdfWriter, size: int) -> int:
    height = size // _PAD_IMAGE_WIDTH
    return writer.add_stream(
        os.urandom(_PAD_IMAGE_WIDTH * height),
        b"/Type /XObject /Subtype /Image /Width %d /Height %d "
        b"/ColorSpace /DeviceGray /BitsPerComponent 8" % (_PAD_IMAGE_WIDTH, height),
    )


def make_docx(blocks: Sequence[Block], *, title: str = "") -> bytes:
    """A Word document built with python-docx from headings, paragraphs, bullets and tables."""
    document = docx.Document()
    document.core_properties.title = title
    for kind, *content in blocks:
        if kind == "heading":
            level, text = content
            document.add_heading(text, level)
        elif kind == "para":
            document.add_paragraph(content[0])
        elif kind == "bullet":
            document.add_paragraph(content[0], style="List Bullet")
        elif kind == "table":
            _add_docx_table(document, content[0])
        elif kind == "pagebreak":
            document.add_page_break()
        else:
            raise ValueError(f"Unknown block kind: {kind!r}")
    output = io.BytesIO()
    document.save(output)
    return _without_template_page_count(output.getvalue())


def _add_docx_table(document: docx.document.Document, rows: list[list[str]]) -> None:
    columns = max((len(row) for row in rows), default=0)
    table = document.add_table(rows=len(rows), cols=columns)
    table.style = "Table Grid"
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=False):
            cell.text = text


def _without_template_page_count(data: bytes) -> bytes:
    """Drop the page count python-docx copies from its template: it says 1 whatever the length."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/app.xml":
                content = content.replace(b"<Pages>1</Pages>", b"")
            target.writestr(entry, content, compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()


ODT_MEDIA_TYPE = "application/vnd.oasis.opendocument.text"

_ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'office:version="1.2"'
)

_ODT_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" \
manifest:media-type="{ODT_MEDIA_TYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

_ODT_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {_ODF_NAMESPACES}>
 <office:styles>
  <style:style style:name="Standard" style:family="paragraph"/>
  <style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard">
   <style:text-properties fo:font-size="14pt" fo:font-weight="bold"/>
  </style:style>
 </office:styles>
</office:document-styles>
"""

# Page breaks use a paragraph style that starts a new page; bullets use a one-level list style.
_ODT_AUTOMATIC_STYLES = """<office:automatic-styles>
  <style:style style:name="PageBreak" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:break-before="page"/>
  </style:style>
  <text:list-style style:name="Bullets">
   <text:list-level-style-bullet text:level="1" text:bullet-char="\u2022"/>
  </text:list-style>
 </office:automatic-styles>"""


def make_odt(blocks: Sequence[Block], *, title: str = "") -> bytes:
    """An OpenDocument text file written by hand from the same blocks as make_docx."""
    body = "".join(_odt_block(number, *block) for number, block in enumerate(blocks, start=1))
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODF_NAMESPACES}>\n'
        f" {_ODT_AUTOMATIC_STYLES}\n <office:body><office:text>{body}</office:text></office:body>\n"
        "</office:document-content>\n"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_ODF_NAMESPACES}>'
        f"<office:meta><dc:title>{escape(title)}</dc:title></office:meta></office:document-meta>\n"
    )
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        # Readers identify the format by this first entry, so it must be stored uncompressed.
        archive.writestr("mimetype", ODT_MEDIA_TYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _ODT_MANIFEST)
        archive.writestr("content.xml", content)
        archive.writestr("styles.xml", _ODT_STYLES)
        archive.writestr("meta.xml", meta)
    return output.getvalue()


def _odt_block(number: int, kind: str, *content: Any) -> str:
    if kind == "heading":
        level, text = content
        return (
            f'<text:h text:style-name="Heading" text:outline-level="{int(level)}">'
            f"{escape(text)}</text:h>"
        )
    if kind == "para":
        return _odt_paragraph(content[0])
    if kind == "bullet":
        return (
            '<text:list text:style-name="Bullets"><text:list-item>'
            f"{_odt_paragraph(content[0])}</text:list-item></text:list>"
        )
    if kind == "table":
        return _odt_table(content[0], name=f"Table{number}")
    if kind == "pagebreak":
        return '<text:soft-page-break/><text:p text:style-name="PageBreak"/>'
    raise ValueError(f"Unknown block kind: {kind!r}")


def _odt_paragraph(text: str) -> str:
    return f'<text:p text:style-name="Standard">{escape(text)}</text:p>'


def _odt_table(rows: list[list[str]], *, name: str) -> str:
    columns = max((len(row) for row in rows), default=0)
    cell = '<table:table-cell office:value-type="string">{}</table:table-cell>'
    body = "".join(
        "<table:table-row>"
        + "".join(cell.format(_odt_paragraph(text)) for text in row + [""] * (columns - len(row)))
        + "</table:table-row>"
        for row in rows
    )
    return (
        f"<table:table table:name={quoteattr(name)}>"
        f'<table:table-column table:number-columns-repeated="{columns}"/>{body}</table:table>'
    )
