"""One reader for every policy file: a PDF, DOCX or ODT read into blocks, after the upload checks.

Runs only in a sandboxed child (documents.sandbox), because it parses untrusted files; the
parent asks for it through documents.child. No Django here.
"""

from typing import Any

from .blocks import BlockCollector, Document
from .inspection import open_document
from .office import docx_blocks, odt_blocks
from .pdf import metadata, pdf_blocks
from .refusals import UNREADABLE, Refused, refuse_on_failure


def read(path: str, *, max_characters: int | None = None) -> Document:
    """The document's blocks in reading order, or Refused with a reason a person can act on."""
    with refuse_on_failure(UNREADABLE):
        opened = open_document(path)
        collector = BlockCollector(max_characters)
        if opened.kind == "pdf":
            try:
                reading = pdf_blocks(opened.document, collector)
                found = metadata(opened.document)
            finally:
                opened.document.close()
            return Document(
                kind="pdf",
                blocks=collector.blocks,
                page_count=opened.page_count,
                metadata=found,
                warnings=[f"Page {number} could not be read." for number in reading.damaged_pages],
                scanned_pages=reading.scanned_pages,
            )
        if opened.kind == "docx":
            docx_blocks(opened.document, collector)
        else:
            odt_blocks(opened.document, collector)
        return Document(
            kind=opened.kind,
            blocks=collector.blocks,
            page_count=collector.text_pages(),
        )


def extract_text(path: str) -> dict[str, Any]:
    """The document's text as paragraphs page by page, and which pages look scanned."""
    try:
        document = read(path)
    except Refused as refusal:
        return refusal.result()
    return text_result(document)


def text_result(document: Document) -> dict[str, Any]:
    return {
        "ok": True,
        "kind": document.kind,
        "page_count": document.page_count,
        "pages": [
            {"number": number, "paragraphs": paragraphs}
            for number, paragraphs in enumerate(document.pages, start=1)
        ],
        "scanned_pages": document.scanned_pages,
        "warnings": document.warnings,
    }
