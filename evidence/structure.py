"""A policy split into quotable passages for the evidence finder, each with its place.

The file is read into blocks by the one document reader (documents.reader) in its sandbox; this
module only asks for the passages. A passage is a sentence to a short paragraph (at most
MAX_PASSAGE_CHARACTERS): a paragraph, a list item or numbered clause, or a table cell, with its
heading as its section. Running headers, footers and page numbers are left out. Word documents
have no pages, so their passages have none.
"""

from collections.abc import Iterable

from documents.child import run_document_action
from documents.passages import (
    MAX_PASSAGE_CHARACTERS,
    blocks_from_page_text,
    passages_of,
    split_passage,
)

__all__ = ["MAX_PASSAGE_CHARACTERS", "passages_of_file", "passages_of_pages", "split_passage"]


def passages_of_file(path: str, *, timeout_seconds: float, memory_mb: int) -> dict:
    """The file's passages in reading order, or a refusal with a reason a person can act on."""
    return run_document_action(
        "passages", path, timeout_seconds=timeout_seconds, memory_mb=memory_mb
    )


def passages_of_pages(pages: Iterable[tuple[int, str]]) -> list[dict]:
    """Passages of text already read and stored page by page, as a scan's text is."""
    return list(passages_of(blocks_from_page_text(pages)))
