"""Why a document is not accepted, in words the person who uploaded it can act on."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

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
SCAN_NO_TEXT = (
    "This PDF looks like a scan, and no text could be read from it. Upload a clearer scan or a "
    "version with selectable text."
)
SCAN_TOO_LONG = (
    "This PDF looks like a scan of {count} pages, more than can be read automatically "
    "(the limit is {limit}). Upload a version with selectable text."
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

# When the sandbox itself stops the work.
TOO_SLOW = "The file took too long to check, so it was not accepted."
TOO_BIG = "The file needs too much memory to check safely, so it was not accepted."
UNSAFE = "The file could not be read safely, so it was not accepted. It may be damaged."


class Refused(Exception):
    """The file is not accepted, for a reason the person who uploaded it can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def result(self) -> dict[str, Any]:
        return {"ok": False, "reason": self.reason}


@contextmanager
def refuse_on_failure(reason: str) -> Iterator[None]:
    """Turn a parser's failure into a refusal: hostile files break parsers in endless ways."""
    try:
        yield
    except (Refused, MemoryError):
        # Running out of memory is the sandbox's to report; it is not a judgement on the file.
        raise
    except Exception as error:
        raise Refused(reason) from error
