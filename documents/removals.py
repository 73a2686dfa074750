"""What disarming removed, in words, and the rules every format's disarming shares. No Django."""

import re

# How many objects of one kind are named in what was removed; beyond it they are counted.
MAX_NAMED = 5
# Bookmarks, name trees and action chains are followed this far and no further.
MAX_WALK = 10_000
# A link a reader clicks may go to a web page or an email address; other schemes (file:, a
# network share, javascript:) are not links to keep.
SAFE_URI = re.compile(rb"(?i)^(https?|mailto):")


class Removals:
    """What was removed, in words, with names of like things gathered into one line."""

    def __init__(self) -> None:
        self._found: dict[str, list[str]] = {}

    def add(self, what: str, name: str = "") -> None:
        names = self._found.setdefault(what, [])
        if name and name not in names:
            names.append(name)

    def __bool__(self) -> bool:
        return bool(self._found)

    def lines(self) -> list[str]:
        lines = []
        for what, names in self._found.items():
            if not names:
                lines.append(what)
                continue
            shown = ", ".join(_printable(name) for name in names[:MAX_NAMED])
            more = len(names) - MAX_NAMED
            lines.append(f"{what} ({shown}{f' and {more} more' if more > 0 else ''})")
        return lines


def _printable(name: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", "", name)[:80]
