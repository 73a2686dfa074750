"""What a document is read into: blocks of text in reading order, each with its place.

Page text for reading and search, and the evidence finder's passages, are both made from these.
No Django here.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from .refusals import NO_TEXT, TOO_MUCH_TEXT, Refused

MAX_CHARACTERS = 5_000_000


class Kind:
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_CELL = "table_cell"


# Characters a database text column cannot hold (NUL, lone surrogates) or that only disturb
# reading (other control characters).
_UNSTORABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean(text: str) -> str:
    """Text as stored: storable characters, runs of white space made one space."""
    return " ".join(_UNSTORABLE.sub(" ", text).split())


@dataclass(frozen=True)
class Block:
    text: str
    # The printed page (PDF), or the page by the breaks the writing program recorded (DOCX, ODT).
    page: int
    kind: str
    # The headings this block sits under, outermost first; a heading's own path excludes itself.
    heading_path: tuple[str, ...] = ()
    # A heading's level, 1 for the outermost; 0 for other blocks.
    level: int = 0


@dataclass
class Document:
    kind: str
    blocks: list[Block]
    page_count: int
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Pages with no readable text that hold an image or unreadable text: a scan to be read by OCR.
    scanned_pages: list[int] = field(default_factory=list)

    @property
    def pages(self) -> list[list[str]]:
        """Each page's paragraphs (blocks), every page kept so numbers match the file."""
        pages: list[list[str]] = [[] for _ in range(self.page_count)]
        for block in self.blocks:
            pages[block.page - 1].append(block.text)
        return pages


class BlockCollector:
    """Gathers blocks in reading order within the limit on how much text a policy may hold.

    Pages advance only where a page has text, for formats whose breaks are only approximate; a
    PDF sets each block's page itself. Heading paths are filled in as blocks are added.
    """

    def __init__(self, max_characters: int | None = None) -> None:
        self.blocks: list[Block] = []
        self.page = 1
        self._page_has_text = False
        self._characters = 0
        self._max = MAX_CHARACTERS if max_characters is None else max_characters
        self._headings: list[tuple[int, str]] = []

    def add(self, text: str, kind: str, *, level: int = 0, page: int | None = None) -> None:
        text = clean(text)
        if not text:
            return
        self._characters += len(text)
        if self._characters > self._max:
            raise Refused(TOO_MUCH_TEXT)
        if page is not None:
            self.page = page
        if kind == Kind.HEADING:
            level = max(level, 1)
            while self._headings and self._headings[-1][0] >= level:
                self._headings.pop()
        path = tuple(heading for _, heading in self._headings)
        self.blocks.append(Block(text, self.page, kind, path, level if kind == Kind.HEADING else 0))
        if kind == Kind.HEADING:
            self._headings.append((level, text[:MAX_HEADING_CHARACTERS]))
        self._page_has_text = True

    def break_page(self) -> None:
        # A break on a page with no text yet is the same break (Word marks one break twice).
        if self._page_has_text:
            self.page += 1
            self._page_has_text = False

    def text_pages(self) -> int:
        """The number of pages with text; refuses a document with none."""
        if not self.blocks:
            raise Refused(NO_TEXT)
        return self.blocks[-1].page


MAX_HEADING_CHARACTERS = 200
