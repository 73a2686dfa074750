"""What a paragraph of policy text is by how it reads: a list item, a heading or a paragraph.

No Django here.
"""

import re
from collections.abc import Iterable

from .blocks import Kind

# Bullet characters, including those of the Symbol and Wingdings fonts Word uses for lists.
BULLETS = (
    "\u2022\u25aa\u25a0\u25cf\u25e6\u25cb\u2023\u2043\u2219\u27a2\u2794"
    "\uf0b7\uf0a7\uf0a8\uf0d8\uf0fc\uf076"
)
BULLET = re.compile(rf"^[{BULLETS}]\s*")
# Dashes start an item only after a finished line; otherwise they may be a wrapped sentence's.
DASH = re.compile(r"^[-\u2013*]\s+")
CLAUSE = re.compile(
    r"^(\d{1,3}(\.\d{1,3})+\.?|\d{1,3}[.)]|\(\d{1,3}\)|\(?[a-z][.)]|\(?[ivx]{1,5}[.)])(?=\s)"
)
NUMBERED_HEADING = re.compile(r"^(section\s+|part\s+|appendix\s+)?\d{1,2}(\.\d{1,2})*\.?\s+\S")
_LINE_END_HYPHENS = ("\x02", "\u00ad")


def is_marker(text: str) -> bool:
    """A bullet or clause number set apart from its text by a tab, not a table cell."""
    text = text.strip()
    return bool(BULLET.fullmatch(text) or CLAUSE.fullmatch(text) or text in ("-", "\u2013"))


def joined(lines: Iterable[str]) -> str:
    """A paragraph's lines as one text; a word PDFium marks as hyphenated at a line's end (by
    "\x02", or a soft hyphen) is joined up again."""
    text = ""
    for line in lines:
        if text.endswith(_LINE_END_HYPHENS):
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text


def paragraph_kind(text: str) -> tuple[str, str]:
    """A list item (its bullet removed, a clause keeping its number) or a paragraph, by how the
    text starts; "3. Images" is a numbered heading, not a clause."""
    bullet = BULLET.match(text) or DASH.match(text)
    if bullet:
        return Kind.LIST_ITEM, text[bullet.end() :]
    if CLAUSE.match(text) and not (NUMBERED_HEADING.match(text) and looks_like_heading(text)):
        return Kind.LIST_ITEM, text
    return Kind.PARAGRAPH, text


def looks_like_heading(text: str) -> bool:
    """Short, unpunctuated lines that are numbered, in title case or very short head a section."""
    words = text.split()
    if not words or len(words) > 12 or len(text) > 100 or text.rstrip()[-1] in ".:;,!?":
        return False
    if NUMBERED_HEADING.match(text) or (len(words) <= 6 and text[0].isupper()):
        return True
    long_words = [word for word in words if len(word) > 3]
    capitalised = sum(word[0].isupper() for word in long_words)
    return bool(long_words) and capitalised >= 0.6 * len(long_words)
