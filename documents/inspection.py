"""Upload checks: what a file is by its content, and whether it is safe and readable.

Runs only in a sandboxed child (documents.sandbox). Files are judged by their content; a file's
name is never consulted. No Django here.
"""

import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import magic
import pypdfium2 as pdfium
from lxml import etree

from .refusals import (
    DOCX_DAMAGED,
    EMPTY,
    LOCKED,
    LOOKS_LIKE,
    MACROS,
    NOT_A_POLICY_TYPE,
    ODT_NOT_TEXT,
    ODT_UNREADABLE,
    OLD_WORD,
    PACKAGE_DAMAGED,
    PDF_DAMAGED,
    PDF_LOCKED,
    RICH_TEXT,
    SUSPICIOUS_COMPRESSION,
    TOO_LARGE_UNPACKED,
    TOO_MANY_PARTS,
    UNREADABLE,
    UNSAFE_NAMES,
    Refused,
    refuse_on_failure,
)

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
# A page count a document declares beyond this is not believed (a policy is not that long).
MAX_DECLARED_PAGES = 100_000
# PDF viewers accept a header anywhere in the first kilobyte, after junk a mail gateway added.
PDF_HEADER_WITHIN = 1024

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
_PDF_SIGNATURE = b"%PDF-"
_OPENDOCUMENT = "application/vnd.oasis.opendocument."
_WORD_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# Other Office Open XML packages, named by a fragment of their main part's content type.
_OTHER_OFFICE_PACKAGES = {
    "wordprocessingml.template": "a Word template",
    "spreadsheetml": "an Excel spreadsheet",
    "presentationml": "a PowerPoint presentation",
}

_APP_PAGES = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Pages"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_SCRIPT = "{urn:oasis:names:tc:opendocument:xmlns:script:1.0}"


@dataclass
class Opened:
    kind: str
    page_count: int | None
    # The parsed document: a PdfDocument, a python-docx Document, or the root of an ODT's content.
    document: Any


def inspect_file(path: str) -> dict[str, Any]:
    """Say whether the file is an acceptable policy document, and what kind."""
    try:
        with refuse_on_failure(UNREADABLE):
            opened = open_document(path)
    except Refused as refusal:
        return refusal.result()
    return {
        "ok": True,
        "kind": opened.kind,
        "media_type": MEDIA_TYPES[opened.kind],
        "page_count": opened.page_count,
    }


def open_document(path: str) -> Opened:
    """Open a PDF, DOCX or ODT by its content after the upload checks; Refused if it fails one."""
    if os.path.getsize(path) == 0:
        raise Refused(EMPTY)
    media_type = magic.from_file(path, mime=True)
    with open(path, "rb") as file:
        start = file.read(PDF_HEADER_WITHIN)
    # Word and OpenDocument files are ZIP packages that libmagic names by what it happens to find
    # first inside, so the package's own contents decide what it is.
    if start.startswith(_ZIP_SIGNATURE) or media_type == "application/zip":
        return _open_package(path)
    if media_type == "application/pdf" or _PDF_SIGNATURE in start:
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


def _open_pdf(path: str) -> Opened:
    # PDFium opens a file encrypted only against printing or copying (an empty user password),
    # and one whose attachments alone are encrypted, as viewers do; any other password is one
    # reviewers do not have.
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        if error.err_code == pdfium.raw.FPDF_ERR_PASSWORD:
            raise Refused(PDF_LOCKED) from error
        raise Refused(PDF_DAMAGED) from error
    with refuse_on_failure(PDF_DAMAGED):
        page_count = len(document)
    if not 0 < page_count <= MAX_DECLARED_PAGES:
        raise Refused(PDF_DAMAGED)
    return Opened("pdf", page_count, document)


def _open_package(path: str) -> Opened:
    with refuse_on_failure(PACKAGE_DAMAGED), zipfile.ZipFile(path) as archive:
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
        if is_unsafe_name(entry.filename):
            raise Refused(UNSAFE_NAMES)
        if entry.flag_bits & 0x1:  # the ZIP "encrypted" flag
            raise Refused(LOCKED)


def is_unsafe_name(name: str) -> bool:
    """A package entry name that could reach outside the folder it is unpacked into."""
    return (
        "\\" in name
        or name.startswith("/")
        or re.match(r"[A-Za-z]:", name) is not None
        or ".." in name.split("/")
    )


def _open_docx(path: str, archive: zipfile.ZipFile) -> Opened:
    content_types = _read_xml_part(archive, "[Content_Types].xml")
    declared = {element.get("ContentType") or "" for element in content_types}
    has_macros = any("macroenabled" in content_type.lower() for content_type in declared) or any(
        name.lower().endswith("vbaproject.bin") for name in archive.namelist()
    )
    if has_macros:
        raise Refused(MACROS)
    if _WORD_DOCUMENT not in declared:
        raise Refused(LOOKS_LIKE.format(_describe_office_package(declared)))
    # python-docx takes half the child's start-up time, so only children reading Word load it.
    import docx

    with refuse_on_failure(DOCX_DAMAGED):
        document = docx.Document(path)
    pages = _declared_page_count(archive, "docProps/app.xml", _docx_app_page_count)
    return Opened("docx", pages, document)


def _describe_office_package(content_types: set[str]) -> str:
    for fragment, description in _OTHER_OFFICE_PACKAGES.items():
        if any(fragment in content_type for content_type in content_types):
            return description
    return "a ZIP archive"


def _open_odt(archive: zipfile.ZipFile) -> Opened:
    declared_type = _read_part(archive, "mimetype").decode("ascii", errors="replace").strip()
    if declared_type.startswith(_OPENDOCUMENT) and declared_type != MEDIA_TYPES["odt"]:
        raise Refused(ODT_NOT_TEXT)
    if declared_type != MEDIA_TYPES["odt"]:
        raise Refused(LOOKS_LIKE.format("a ZIP archive"))
    if any(name.lower().startswith(("basic/", "scripts/")) for name in archive.namelist()):
        raise Refused(MACROS)
    with refuse_on_failure(ODT_UNREADABLE):
        content = parse_xml(archive.read("content.xml"))
    # An empty <office:scripts/> is normal; event listeners and embedded scripts run code.
    if next(content.iter(f"{_SCRIPT}event-listener", f"{OFFICE}script"), None) is not None:
        raise Refused(MACROS)
    pages = _declared_page_count(archive, "meta.xml", _odt_meta_page_count)
    return Opened("odt", pages, content)


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A small part of a package, such as its content types or metadata."""
    with refuse_on_failure(PACKAGE_DAMAGED), archive.open(name) as part:
        data = part.read(MAX_SMALL_PART_BYTES + 1)
    if len(data) > MAX_SMALL_PART_BYTES:
        raise Refused(PACKAGE_DAMAGED)
    return data


def _read_xml_part(archive: zipfile.ZipFile, name: str) -> etree._Element:
    data = _read_part(archive, name)
    with refuse_on_failure(PACKAGE_DAMAGED):
        return parse_xml(data)


def parse_xml(data: bytes) -> etree._Element:
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
        with refuse_on_failure(PACKAGE_DAMAGED):
            value = (find(_read_xml_part(archive, name)) or "").strip()
    except Refused:
        # The note is only a convenience; a broken one is no reason to turn the policy away.
        return None
    # Checked as text first: a long run of digits is no page count, and int() of one is slow.
    if not (value.isascii() and value.isdigit()) or len(value) > 6:
        return None
    count = int(value)
    return count if 0 < count <= MAX_DECLARED_PAGES else None


def _docx_app_page_count(app: etree._Element) -> str | None:
    return app.findtext(_APP_PAGES)


def _odt_meta_page_count(meta: etree._Element) -> str | None:
    statistic = meta.find(f"{OFFICE}meta/{_META}document-statistic")
    return None if statistic is None else statistic.get(f"{_META}page-count")
