"""Checks an uploaded policy file and reads its text, trusting nothing in it.

Uploads come from outside the board and may be hostile, so this module runs in a subprocess with
tight limits (see policies.sandbox) as ``python -m policies.inspection inspect|extract PATH``. It
must not import Django. Files are judged by their content only; a file's name is never consulted.
"""

import argparse
import json
import os
import re
import sys
import traceback
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import docx
import magic
from docx.document import Document as WordDocument
from lxml import etree
from pypdf import PageObject, PasswordType, PdfReader

from policies.sandbox import OUT_OF_MEMORY_EXIT_STATUS

Result = dict[str, Any]

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}

# Limits on Word and OpenDocument packages, read from the ZIP directory before anything is
# unpacked. A policy is a few megabytes; these allow for large embedded images and no more.
MAX_PACKAGE_ENTRIES = 2_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
COMPRESSION_RATIO_APPLIES_FROM_BYTES = 10 * 1024 * 1024
MAX_SMALL_PART_BYTES = 1024 * 1024
MAX_CHARACTERS = 5_000_000


EMPTY = "The file is empty."
NOT_A_POLICY_TYPE = "This file is not a PDF, Word (.docx) or OpenDocument text (.odt) document."
LOOKS_LIKE = (
    "This file looks like {}, not a PDF, Word (.docx) or OpenDocument text (.odt) document."
)
OLD_WORD = "This file looks like a Word 97-2003 .doc file. Save it as .docx or PDF and upload that."
RICH_TEXT = "This file looks like a Rich Text (.rtf) file. Save it as .docx or PDF and upload that."
LOCKED = "This document is protected with a password. Remove the password and upload it again."
PDF_LOCKED = "This PDF is protected with a password. Remove the password and upload it again."
PDF_DAMAGED = (
    "This PDF is damaged and cannot be opened. Export or save it again, then upload the new file."
)
PDF_NO_TEXT = (
    "No text could be read from this PDF. It may be a scan; upload a version with selectable text."
)
PACKAGE_DAMAGED = (
    "This document is damaged and cannot be opened. Save it again, then upload the new file."
)
TOO_MANY_PARTS = (
    "This document is made of more than 2,000 parts, far more than a policy needs, "
    "so it was not accepted."
)
TOO_LARGE_UNPACKED = (
    "This document would unpack to more than 200 MB, far more than a policy needs, "
    "so it was not accepted."
)
SUSPICIOUS_COMPRESSION = (
    "This document holds data that expands to far more than its size, which is a sign of a "
    "harmful file, so it was not accepted."
)
UNSAFE_NAMES = (
    "This document contains files with unsafe names, which is a sign of a harmful file, "
    "so it was not accepted."
)
MACROS = (
    "This document contains macros, which can run programs on a reviewer's computer. "
    "Save it without macros (as .docx, .odt or PDF) and upload that."
)
ODT_NOT_TEXT = (
    "This is an OpenDocument file, but not a text document (.odt). "
    "Save it as .odt or PDF and upload that."
)
ODT_UNREADABLE = (
    "This OpenDocument file is damaged or protected with a password, so its text cannot be read."
)
DOCX_DAMAGED = (
    "This Word document is damaged and cannot be opened. Save it again, then upload the new file."
)
NO_TEXT = "No text could be read from this document. Check that it is the right file."
TOO_MUCH_TEXT = (
    "This document has more than 5,000,000 characters of text, far more than a policy needs, "
    "so it was not accepted."
)
UNREADABLE = "The file could not be read. It may be damaged; save it again and upload the new file."

# What libmagic's answer means to the person uploading, for files that are no kind of policy.
_DESCRIPTIONS = {
    "application/x-dosexec": "a Windows program",
    "application/vnd.microsoft.portable-executable": "a Windows program",
    "application/x-msdownload": "a Windows program",
    "application/x-executable": "a program",
    "application/x-pie-executable": "a program",
    "application/x-sharedlib": "a program",
    "application/x-mach-binary": "a program",
    "application/zip": "a ZIP archive",
    "application/gzip": "a compressed archive",
    "application/x-7z-compressed": "a compressed archive",
    "application/x-bzip2": "a compressed archive",
    "application/x-rar": "a compressed archive",
    "application/vnd.rar": "a compressed archive",
    "application/x-tar": "a compressed archive",
    "application/x-xz": "a compressed archive",
    "application/vnd.ms-excel": "an Excel spreadsheet",
    "application/vnd.ms-powerpoint": "a PowerPoint presentation",
    "application/vnd.ms-outlook": "an Outlook email",
    "text/html": "a web page",
    "message/rfc822": "an email",
}
_DESCRIPTIONS_BY_FAMILY = {
    "image/": "an image",
    "video/": "a video",
    "audio/": "a sound recording",
    "text/": "plain text",
}
_OLD_WORD_TYPES = {"application/msword", "application/x-ole-storage", "application/CDFV2"}
_RICH_TEXT_TYPES = {"text/rtf", "application/rtf"}

_ZIP_SIGNATURE = b"PK\x03\x04"
_OPENDOCUMENT = "application/vnd.oasis.opendocument."
_WORD_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# Other Office Open XML packages, named by a fragment of their main part's content type.
_OTHER_OFFICE_PACKAGES = {
    "wordprocessingml.template": "a Word template",
    "spreadsheetml": "an Excel spreadsheet",
    "presentationml": "a PowerPoint presentation",
}

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_APP_PAGES = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Pages"

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_SCRIPT = "{urn:oasis:names:tc:opendocument:xmlns:script:1.0}"
_ODT_PARAGRAPHS = {f"{_TEXT}p", f"{_TEXT}h"}
_ODT_SPACES = {f"{_TEXT}s", f"{_TEXT}tab", f"{_TEXT}line-break"}
# Footnotes, comments and deleted text are not part of the policy's running text.
_ODT_SKIPPED = {f"{_TEXT}note", f"{_OFFICE}annotation", f"{_TEXT}tracked-changes"}

# Characters a database text column cannot hold (NUL, lone surrogates) or that only disturb
# reading (other control characters).
_UNSTORABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

# A gap between two lines this much wider than the page's usual line spacing starts a paragraph.
_PARAGRAPH_GAP_FACTOR = 1.3


class Refused(Exception):
    """The file is not accepted, for a reason the person who uploaded it can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def result(self) -> Result:
        return {"ok": False, "reason": self.reason}


@dataclass
class _Opened:
    kind: str
    page_count: int | None
    # The parsed document: a PdfReader, a python-docx Document, or the root of an ODT's content.
    document: Any


def inspect_file(path: str) -> Result:
    """Say whether the file is an acceptable policy document, and what kind."""
    try:
        with _refuse_on_failure(UNREADABLE):
            opened = _open(path)
    except Refused as refusal:
        return refusal.result()
    return {
        "ok": True,
        "kind": opened.kind,
        "media_type": MEDIA_TYPES[opened.kind],
        "page_count": opened.page_count,
    }


def extract_text(path: str) -> Result:
    """Read the document's text as paragraphs, page by page."""
    try:
        with _refuse_on_failure(UNREADABLE):
            opened = _open(path)
            pages = _PAGE_READERS[opened.kind](opened.document)
    except Refused as refusal:
        return refusal.result()
    return {
        "ok": True,
        "kind": opened.kind,
        "page_count": len(pages),
        "pages": [
            {"number": number, "paragraphs": paragraphs}
            for number, paragraphs in enumerate(pages, start=1)
        ],
    }


@contextmanager
def _refuse_on_failure(reason: str) -> Iterator[None]:
    """Turn a parser's failure into a refusal: hostile files break parsers in endless ways."""
    try:
        yield
    except (Refused, MemoryError):
        # Running out of memory is the sandbox's to report; it is not a judgement on the file.
        raise
    except Exception as error:
        raise Refused(reason) from error


def _open(path: str) -> _Opened:
    if os.path.getsize(path) == 0:
        raise Refused(EMPTY)
    media_type = magic.from_file(path, mime=True)
    with open(path, "rb") as file:
        signature = file.read(len(_ZIP_SIGNATURE))
    # Word and OpenDocument files are ZIP packages that libmagic names by what it happens to find
    # first inside, so the package's own contents decide what it is.
    if signature == _ZIP_SIGNATURE or media_type == "application/zip":
        return _open_package(path)
    if media_type == "application/pdf":
        return _open_pdf(path)
    raise Refused(_not_a_policy(media_type))


def _not_a_policy(media_type: str) -> str:
    if media_type in _OLD_WORD_TYPES:
        return OLD_WORD
    if media_type in _RICH_TEXT_TYPES:
        return RICH_TEXT
    if media_type == "application/encrypted":
        return LOCKED
    description = _DESCRIPTIONS.get(media_type) or next(
        (name for family, name in _DESCRIPTIONS_BY_FAMILY.items() if media_type.startswith(family)),
        None,
    )
    return LOOKS_LIKE.format(description) if description else NOT_A_POLICY_TYPE


def _open_pdf(path: str) -> _Opened:
    with _refuse_on_failure(PDF_DAMAGED):
        reader = PdfReader(path, strict=False)
        encrypted = reader.is_encrypted
    if encrypted:
        # Many PDFs are encrypted only to restrict printing or copying and open for anyone with
        # an empty password; those are fine. Any other password is one reviewers do not have.
        with _refuse_on_failure(PDF_LOCKED):
            unlocked = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        if not unlocked:
            raise Refused(PDF_LOCKED)
    with _refuse_on_failure(PDF_DAMAGED):
        page_count = len(reader.pages)
    if page_count == 0:
        raise Refused(PDF_DAMAGED)
    return _Opened("pdf", page_count, reader)


def _open_package(path: str) -> _Opened:
    with _refuse_on_failure(PACKAGE_DAMAGED), zipfile.ZipFile(path) as archive:
        _check_package_entries(archive.infolist())
        names = set(archive.namelist())
        if "mimetype" in names:
            return _open_odt(archive)
        if "[Content_Types].xml" in names:
            return _open_docx(path, archive)
    raise Refused(LOOKS_LIKE.format("a ZIP archive"))


def _check_package_entries(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse zip bombs and path tricks using only the ZIP directory, before unpacking anything."""
    if len(entries) > MAX_PACKAGE_ENTRIES:
        raise Refused(TOO_MANY_PARTS)
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise Refused(TOO_LARGE_UNPACKED)
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > COMPRESSION_RATIO_APPLIES_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise Refused(SUSPICIOUS_COMPRESSION)
        if _is_unsafe_name(entry.filename):
            raise Refused(UNSAFE_NAMES)
        if entry.flag_bits & 0x1:  # the ZIP "encrypted" flag
            raise Refused(LOCKED)


def _is_unsafe_name(name: str) -> bool:
    return (
        "\\" in name
        or name.startswith("/")
        or re.match(r"[A-Za-z]:", name) is not None
        or ".." in name.split("/")
    )


def _open_docx(path: str, archive: zipfile.ZipFile) -> _Opened:
    content_types = _read_xml_part(archive, "[Content_Types].xml")
    declared = {element.get("ContentType") or "" for element in content_types}
    has_macros = any("macroenabled" in content_type.lower() for content_type in declared) or any(
        name.lower().endswith("vbaproject.bin") for name in archive.namelist()
    )
    if has_macros:
        raise Refused(MACROS)
    if _WORD_DOCUMENT not in declared:
        raise Refused(LOOKS_LIKE.format(_describe_office_package(declared)))
    with _refuse_on_failure(DOCX_DAMAGED):
        document = docx.Document(path)
    pages = _declared_page_count(archive, "docProps/app.xml", _docx_app_page_count)
    return _Opened("docx", pages, document)


def _describe_office_package(content_types: set[str]) -> str:
    for fragment, description in _OTHER_OFFICE_PACKAGES.items():
        if any(fragment in content_type for content_type in content_types):
            return description
    return "a ZIP archive"


def _open_odt(archive: zipfile.ZipFile) -> _Opened:
    declared_type = _read_part(archive, "mimetype").decode("ascii", errors="replace").strip()
    if declared_type.startswith(_OPENDOCUMENT) and declared_type != MEDIA_TYPES["odt"]:
        raise Refused(ODT_NOT_TEXT)
    if declared_type != MEDIA_TYPES["odt"]:
        raise Refused(LOOKS_LIKE.format("a ZIP archive"))
    if any(name.lower().startswith(("basic/", "scripts/")) for name in archive.namelist()):
        raise Refused(MACROS)
    with _refuse_on_failure(ODT_UNREADABLE):
        content = _parse_xml(archive.read("content.xml"))
    # An empty <office:scripts/> is normal; event listeners and embedded scripts run code.
    if next(content.iter(f"{_SCRIPT}event-listener", f"{_OFFICE}script"), None) is not None:
        raise Refused(MACROS)
    pages = _declared_page_count(archive, "meta.xml", _odt_meta_page_count)
    return _Opened("odt", pages, content)


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A small part of a package, such as its content types or metadata."""
    with _refuse_on_failure(PACKAGE_DAMAGED), archive.open(name) as part:
        data = part.read(MAX_SMALL_PART_BYTES + 1)
    if len(data) > MAX_SMALL_PART_BYTES:
        raise Refused(PACKAGE_DAMAGED)
    return data


def _read_xml_part(archive: zipfile.ZipFile, name: str) -> etree._Element:
    data = _read_part(archive, name)
    with _refuse_on_failure(PACKAGE_DAMAGED):
        return _parse_xml(data)


def _parse_xml(data: bytes) -> etree._Element:
    # No entities, DTDs or network: a document's XML is not allowed to reach beyond itself.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
    )
    return etree.fromstring(data, parser)


def _declared_page_count(
    archive: zipfile.ZipFile, name: str, find: Callable[[etree._Element], str | None]
) -> int | None:
    """The page count the producing program noted, if it noted a sensible one."""
    if name not in archive.namelist():
        return None
    try:
        with _refuse_on_failure(PACKAGE_DAMAGED):
            value = (find(_read_xml_part(archive, name)) or "").strip()
    except Refused:
        # The note is only a convenience; a broken one is no reason to turn the policy away.
        return None
    return int(value) if value.isdigit() and int(value) > 0 else None


def _docx_app_page_count(app: etree._Element) -> str | None:
    return app.findtext(_APP_PAGES)


def _odt_meta_page_count(meta: etree._Element) -> str | None:
    statistic = meta.find(f"{_OFFICE}meta/{_META}document-statistic")
    return None if statistic is None else statistic.get(f"{_META}page-count")


class _TextCollector:
    """Gathers paragraphs page by page, within the limit on how much text a policy may hold."""

    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self._pieces: list[str] = []
        self._characters = 0

    def add(self, text: str) -> None:
        self._pieces.append(text)

    def end_paragraph(self, *, within_cell: bool = False) -> None:
        if within_cell:
            # A table cell's paragraphs read as one paragraph: the cell.
            self._pieces.append(" ")
            return
        paragraph = " ".join(_UNSTORABLE.sub(" ", "".join(self._pieces)).split())
        self._pieces = []
        if not paragraph:
            return
        self._characters += len(paragraph)
        if self._characters > MAX_CHARACTERS:
            raise Refused(TOO_MUCH_TEXT)
        self.pages[-1].append(paragraph)

    def break_page(self, *, keep_empty: bool = False) -> None:
        self.end_paragraph()
        # Word marks a hard page break twice (the break, then where it rendered the new page),
        # so a break on a page that is still empty is the same break, not a blank page.
        if keep_empty or self.pages[-1]:
            self.pages.append([])

    def text_pages(self) -> list[list[str]]:
        """The pages that have text, for formats whose page breaks are only approximate."""
        self.end_paragraph()
        pages = [page for page in self.pages if page]
        if not pages:
            raise Refused(NO_TEXT)
        return pages


def _pdf_pages(reader: PdfReader) -> list[list[str]]:
    collector = _TextCollector()
    unreadable_pages = 0
    for index, page in enumerate(reader.pages):
        # Every page is kept, even an empty one, so page numbers match what reviewers see.
        if index:
            collector.break_page(keep_empty=True)
        paragraphs = _pdf_paragraphs(page)
        if paragraphs is None:
            unreadable_pages += 1
            continue
        for paragraph in paragraphs:
            collector.add(paragraph)
            collector.end_paragraph()
    if not any(collector.pages):
        raise Refused(PDF_DAMAGED if unreadable_pages == len(reader.pages) else PDF_NO_TEXT)
    return collector.pages


def _pdf_paragraphs(page: PageObject) -> list[str] | None:
    """A page's text, split into paragraphs where lines are further apart than usual.

    pypdf gives lines but no paragraph breaks, so the breaks are found from where each line sits.
    None when pypdf cannot read the page.
    """
    lines: list[tuple[float, list[str]]] = []
    line_ended = True

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, _size: Any) -> None:
        nonlocal line_ended
        if not text:
            return
        if line_ended:
            # The baseline of the text matrix in page space, from the PDF's matrix product.
            lines.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], []))
        lines[-1][1].append(text)
        line_ended = text.endswith("\n")

    try:
        page.extract_text(visitor_text=visit)
    except MemoryError:
        raise
    except Exception:
        # One page pypdf cannot read should not cost reviewers the rest of the policy.
        return None
    return _join_lines([(baseline, "".join(pieces)) for baseline, pieces in lines])


def _join_lines(lines: list[tuple[float, str]]) -> list[str]:
    if not lines:
        return []
    gaps = [above - below for (above, _), (below, _) in pairwise(lines)]
    # At least a quarter of the lines on a page of prose sit inside a paragraph, so the lower
    # quartile of the gaps is the page's ordinary line spacing.
    downward = sorted(gap for gap in gaps if gap > 0)
    usual = downward[len(downward) // 4] if downward else 0.0
    paragraphs = [[lines[0][1]]]
    for gap, (_, text) in zip(gaps, lines[1:], strict=True):
        # Text that moves up the page or jumps down further than usual starts afresh.
        if gap <= 0 or gap > usual * _PARAGRAPH_GAP_FACTOR:
            paragraphs.append([])
        paragraphs[-1].append(text)
    return [" ".join(paragraph) for paragraph in paragraphs]


def _docx_pages(document: WordDocument) -> list[list[str]]:
    """The body's text in document order; headers, footers, notes and comments live elsewhere."""
    collector = _TextCollector()
    cell_depth = 0
    walker = etree.iterwalk(document.element.body, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        if event == "start":
            if tag == f"{_W}t":
                collector.add(element.text or "")
            elif tag == f"{_W}lastRenderedPageBreak" or _is_docx_page_break(element):
                collector.break_page()
            elif tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
                collector.add(" ")
            elif tag == f"{_W}p" and _docx_starts_page(element):
                collector.break_page()
            elif tag == f"{_W}tc":
                cell_depth += 1
            elif tag == _MC_FALLBACK:
                # The fallback repeats the preferred content for older readers.
                walker.skip_subtree()
        elif tag == f"{_W}p":
            collector.end_paragraph(within_cell=cell_depth > 0)
        elif tag == f"{_W}tc":
            cell_depth -= 1
            collector.end_paragraph()
    return collector.text_pages()


def _is_docx_page_break(element: etree._Element) -> bool:
    return element.tag == f"{_W}br" and element.get(f"{_W}type") == "page"


def _docx_starts_page(paragraph: etree._Element) -> bool:
    flag = paragraph.find(f"{_W}pPr/{_W}pageBreakBefore")
    return flag is not None and flag.get(f"{_W}val", "true") not in ("false", "0", "off")


def _odt_pages(content: etree._Element) -> list[list[str]]:
    collector = _TextCollector()
    body = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise Refused(NO_TEXT)
    page_styles = _odt_page_break_styles(content)
    cell_depth = paragraph_depth = 0
    walker = etree.iterwalk(body, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        if event == "start":
            if tag in _ODT_SKIPPED:
                walker.skip_subtree()
            elif tag in _ODT_PARAGRAPHS:
                if element.get(f"{_TEXT}style-name") in page_styles:
                    collector.break_page()
                paragraph_depth += 1
                collector.add(element.text or "")
            elif tag == f"{_TEXT}soft-page-break":
                collector.break_page()
            elif tag == f"{_TABLE}table-cell":
                cell_depth += 1
            elif tag in _ODT_SPACES:
                collector.add(" ")
            elif paragraph_depth:
                collector.add(element.text or "")
        else:
            if tag in _ODT_PARAGRAPHS:
                paragraph_depth -= 1
                collector.end_paragraph(within_cell=cell_depth > 0)
            elif tag == f"{_TABLE}table-cell":
                cell_depth -= 1
                collector.end_paragraph()
            # Text after an element inside a paragraph, such as the rest of a sentence after a
            # link, still belongs to the paragraph.
            if paragraph_depth:
                collector.add(element.tail or "")
    return collector.text_pages()


def _odt_page_break_styles(content: etree._Element) -> set[str]:
    """Names of the document's paragraph styles that start a new page."""
    return {
        style.get(f"{_STYLE}name")
        for style in content.iterfind(f"{_OFFICE}automatic-styles/{_STYLE}style")
        if style.find(f"{_STYLE}paragraph-properties[@{_FO}break-before='page']") is not None
    }


_PAGE_READERS: dict[str, Callable[[Any], list[list[str]]]] = {
    "pdf": _pdf_pages,
    "docx": _docx_pages,
    "odt": _odt_pages,
}

_ACTIONS = {"inspect": inspect_file, "extract": extract_text}


def run_in_child(actions: dict[str, Callable[[str], dict]], argv: list[str] | None = None) -> int:
    """The child process's side of policies.sandbox: run one action on one file and print its
    verdict as JSON. Only running out of memory exits unsuccessfully."""
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=sorted(actions))
    parser.add_argument("path")
    arguments = parser.parse_args(argv)
    try:
        result = actions[arguments.action](arguments.path)
    except MemoryError:
        return OUT_OF_MEMORY_EXIT_STATUS
    except Exception:
        # The details are for the server's log on stderr; stdout carries only the verdict.
        traceback.print_exc()
        result = {"ok": False, "reason": UNREADABLE}
    sys.stdout.buffer.write(json.dumps(result, ensure_ascii=False).encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_in_child(_ACTIONS, argv)


if __name__ == "__main__":
    sys.exit(main())
