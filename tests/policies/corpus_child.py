"""A sandboxed child that reads a batch of corpus files, so the corpus test does not pay a
child's start-up for each of its hundreds of files. No Django here."""

import sys

from documents.reader import extract_text
from documents.refusals import UNREADABLE
from documents.sandbox import child_main


def extract_each(*paths: str) -> dict:
    return {"results": [extract_text(path) for path in paths]}


if __name__ == "__main__":
    sys.exit(
        child_main({"extract": extract_each}, on_error=lambda: {"ok": False, "reason": UNREADABLE})
    )
