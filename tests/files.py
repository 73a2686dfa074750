"""Hostile and odd files for upload tests, each as bytes. Good files come from demo.documents."""

import io
import random
import struct
import zipfile
import zlib

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from demo.documents import make_docx, make_odt

POLICY = [("heading", 1, "Social media policy"), ("para", "Staff must not befriend children.")]
ODT_CONTENT_START = b"<office:automatic-styles>"
WORD_DOCUMENT = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_WORD_DOCUMENT = b"application/vnd.ms-word.document.macroEnabled.main+xml"


def with_entries(package: bytes, entries: dict[str, bytes]) -> bytes:
    """A copy of a ZIP package with entries added or replaced, keeping the order of the rest."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            content = entries.get(entry.filename, source.read(entry))
            target.writestr(entry, content, compress_type=entry.compress_type)
        for name, content in entries.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return output.getvalue()


def empty() -> bytes:
    return b""


def text_file() -> bytes:
    return b"Social media policy\n\nStaff must not befriend children on personal accounts.\n"


def exe_renamed() -> bytes:
    """The start of a Windows program: a DOS header pointing at a PE header for a 386."""
    dos_header = bytearray(64)
    dos_header[0:2] = b"MZ"
    struct.pack_into("<I", dos_header, 0x3C, len(dos_header))
    optional_header_size = 0xE0
    coff_header = struct.pack("<HHIIIHH", 0x14C, 0, 0, 0, 0, optional_header_size, 0x0102)
    return bytes(dos_header) + b"PE\0\0" + coff_header + bytes(optional_header_size)


def png() -> bytes:
    """A one-pixel grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def old_doc() -> bytes:
    """The signature of an OLE2 compound file, the container of Word 97-2003 documents."""
    return bytes.fromhex("D0CF11E0A1B11AE1") + bytes(1024)


def plain_zip() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes.txt", "Not a policy.")
    return output.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="board-only", owner_password="owner-only", algorithm="AES-128")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def malformed_pdf() -> bytes:
    """A PDF header, the start of an object, then noise and no cross-reference table."""
    noise = random.Random(1).randbytes(4096)
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\n" + noise


def content_bomb_pdf() -> bytes:
    """A page whose 100 KB of compressed drawing instructions unpack to 70 MB."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    helvetica = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): helvetica})}
    )
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 72 700 Td " + b"(a) Tj " * 10_000_000 + b"ET")
    page.replace_contents(stream.flate_encode(level=9))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def zip_bomb_docx() -> bytes:
    """A real DOCX that also holds 300 MB of zeros, compressed to a few hundred kilobytes."""
    output = io.BytesIO(make_docx(POLICY))
    zeros = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(output, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/media/padding.bin", "w", force_zip64=True) as padding,
    ):
        for _ in range(300):
            padding.write(zeros)
    return output.getvalue()


def dense_docx() -> bytes:
    """A DOCX with 20 MB of zeros: under the size limit, but compressed a thousandfold."""
    return with_entries(make_docx(POLICY), {"word/media/padding.bin": bytes(20 * 1024 * 1024)})


def many_entries_docx() -> bytes:
    parts = {f"customXml/item{number}.xml": b"<item/>" for number in range(2_001)}
    return with_entries(make_docx(POLICY), parts)


def traversal_docx(name: str = "../../evil.txt") -> bytes:
    return with_entries(make_docx(POLICY), {name: b"escaped"})


def macro_docm() -> bytes:
    """A DOCX turned macro-enabled, as Word saves a .docm: its content type and a VBA project."""
    docx = make_docx(POLICY)
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        content_types = archive.read("[Content_Types].xml")
    return with_entries(
        docx,
        {
            "[Content_Types].xml": content_types.replace(WORD_DOCUMENT, MACRO_WORD_DOCUMENT),
            "word/vbaProject.bin": bytes.fromhex("D0CF11E0A1B11AE1") + bytes(512),
        },
    )


def macro_odt() -> bytes:
    module = (
        b'<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"/>'
    )
    return with_entries(make_odt(POLICY), {"Basic/Standard/Module1.xml": module})


def scripted_odt() -> bytes:
    """An ODT whose content runs a macro when it is opened."""
    odt = make_odt(POLICY)
    with zipfile.ZipFile(io.BytesIO(odt)) as archive:
        content = archive.read("content.xml")
    scripts = (
        b'<office:scripts xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
        b'xmlns:xlink="http://www.w3.org/1999/xlink"><office:event-listeners>'
        b'<script:event-listener script:language="ooo:script" script:event-name="dom:load" '
        b'xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/>'
        b"</office:event-listeners></office:scripts>"
    )
    return with_entries(
        odt, {"content.xml": content.replace(ODT_CONTENT_START, scripts + ODT_CONTENT_START, 1)}
    )


def spreadsheet_odt() -> bytes:
    """A text document whose mimetype entry claims it is a spreadsheet."""
    return with_entries(
        make_odt(POLICY), {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}
    )
