"""Reading and rewriting the parts of a zip package (Word and OpenDocument files) within limits.

No Django here.
"""

import zipfile

from lxml import etree

# The upload checks' limits on what a package may unpack to, applied again from its directory
# before anything is read, so the disarming is safe whatever it is given.
from .inspection import (
    COMPRESSION_RATIO_APPLIES_FROM_BYTES,
    MAX_COMPRESSION_RATIO,
    MAX_UNPACKED_BYTES,
)

MAX_XML_PART_BYTES = 64 * 1024 * 1024


def remove_keeping_tail(element: etree._Element, parent: etree._Element) -> None:
    """Remove an element but not the text that follows it, which belongs to the paragraph."""
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def checked_entries(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The package's members, refused as a whole if the directory promises a zip bomb."""
    entries = archive.infolist()
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise ValueError("The package unpacks to too much.")
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > COMPRESSION_RATIO_APPLIES_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise ValueError("A member of the package is compressed suspiciously well.")
    return entries


def read_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """A whole XML part, never more than the cap however it is compressed."""
    if entry.file_size > MAX_XML_PART_BYTES:
        raise ValueError(f"{entry.filename} is too large to read.")
    with archive.open(entry) as part:
        data = part.read(MAX_XML_PART_BYTES + 1)
    if len(data) > MAX_XML_PART_BYTES:
        raise ValueError(f"{entry.filename} is too large to read.")
    return data


def starts_with(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, signature: bytes) -> bool:
    with archive.open(entry) as part:
        return part.read(len(signature)) == signature


def write_package(
    archive: zipfile.ZipFile,
    entries: list[zipfile.ZipInfo],
    dropped: set[str],
    rewritten: dict[str, bytes],
    path_out: str,
) -> None:
    """Copy the kept members in their order, streaming each within its declared size."""
    total = 0
    with zipfile.ZipFile(path_out, "w") as out:
        for entry in entries:
            if entry.filename in dropped or entry.is_dir():
                continue
            info = zipfile.ZipInfo(entry.filename, date_time=entry.date_time)
            # An OpenDocument's mimetype is stored first and uncompressed, as the format requires.
            stored = entry.filename == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            if entry.filename in rewritten:
                out.writestr(info, rewritten[entry.filename])
                continue
            with archive.open(entry) as source, out.open(info, "w") as target:
                copied = 0
                while chunk := source.read(1024 * 1024):
                    copied += len(chunk)
                    total += len(chunk)
                    if copied > entry.file_size or total > MAX_UNPACKED_BYTES:
                        raise ValueError("The package unpacks to more than it declares.")
                    target.write(chunk)


def serialize(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)
