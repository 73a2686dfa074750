"""A document's blocks made into quotable passages for the evidence finder.

A passage is a sentence to a short paragraph (at most MAX_PASSAGE_CHARACTERS): a paragraph, a
list item or numbered clause, or a table cell, with the heading it sits under as its section.
Headings are not passages. No Django here.
"""

import re
from collections.abc import Iterable, Iterator
from typing import Any

from .blocks import MAX_HEADING_CHARACTERS, Block, BlockCollector, Document, Kind
from .paragraphs import looks_like_heading, paragraph_kind
from .refusals import NO_TEXT, PDF_NO_TEXT

MAX_PASSAGE_CHARACTERS = 600
# Passages are cut at sentence ends once they reach this length, so that one quote holds one idea.
_SOFT_PASSAGE_CHARACTERS = 350
_MIN_WORDS = 3
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u2022])")

# How the evidence finder names each kind of block.
_PASSAGE_KINDS = {Kind.PARAGRAPH: "paragraph", Kind.LIST_ITEM: "item", Kind.TABLE_CELL: "cell"}


def passages_result(document: Document) -> dict[str, Any]:
    """The child's answer: the document's passages, or a refusal when it has none."""
    # Evidence in a Word document is found by its heading and paragraph: its pages are only where
    # Word last rendered breaks. An ODT's recorded breaks are kept, as they always were.
    found = list(passages_of(document.blocks, with_pages=document.kind != "docx"))
    if not found:
        return {"ok": False, "reason": PDF_NO_TEXT if document.kind == "pdf" else NO_TEXT}
    return {"ok": True, "kind": document.kind, "passages": found}


def passages_of(blocks: Iterable[Block], *, with_pages: bool = True) -> Iterator[dict]:
    """Passages in reading order, each with its page (None where pages are unknown), section,
    paragraph number within the section and kind."""
    section = ""
    paragraph = 0
    for block in blocks:
        if block.kind == Kind.HEADING:
            section = block.text[:MAX_HEADING_CHARACTERS]
            paragraph = 0
            continue
        pieces = [piece for piece in split_passage(block.text) if len(piece.split()) >= _MIN_WORDS]
        if pieces:
            paragraph += 1
        for piece in pieces:
            yield {
                "text": piece,
                "page": block.page if with_pages else None,
                "section": section,
                "paragraph": paragraph,
                "kind": _PASSAGE_KINDS.get(block.kind, "paragraph"),
            }


def blocks_from_page_text(pages: Iterable[tuple[int, str]]) -> list[Block]:
    """Blocks again from stored page text (paragraphs separated by blank lines), for text that
    was read from a scan and has no file of its own to read."""
    collector = BlockCollector()
    for number, text in pages:
        for paragraph in text.split("\n\n"):
            kind, shown = paragraph_kind(paragraph.strip())
            if kind == Kind.PARAGRAPH and looks_like_heading(shown):
                kind = Kind.HEADING
            collector.add(shown, kind, page=number)
    return collector.blocks


def split_passage(text: str, limit: int = MAX_PASSAGE_CHARACTERS) -> list[str]:
    """Cut text into pieces of at most limit characters, at sentence ends where it can."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        for part in _cut_long(sentence, limit):
            if current and (
                len(current) + 1 + len(part) > limit or len(current) >= _SOFT_PASSAGE_CHARACTERS
            ):
                pieces.append(current)
                current = part
            else:
                current = f"{current} {part}" if current else part
    if current:
        pieces.append(current)
    return pieces


def _cut_long(sentence: str, limit: int) -> Iterator[str]:
    """A sentence longer than the limit is cut after a semicolon or comma, else between words."""
    while len(sentence) > limit:
        window = sentence[:limit]
        cut = max(window.rfind("; "), window.rfind(", "))
        cut = cut + 1 if cut > limit // 3 else window.rfind(" ")
        if cut <= 0:
            cut = limit
        yield sentence[:cut].strip()
        sentence = sentence[cut:].strip()
    if sentence:
        yield sentence
