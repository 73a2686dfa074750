"""Scanned pages read with OCRmyPDF and Tesseract, then read like any other PDF.

Runs only in a sandboxed child that may write files (documents.child, action "ocr"); OCRmyPDF
and everything it starts inherit the child's limits and end with it. No Django here.
"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .reader import read, text_result
from .refusals import SCAN_NO_TEXT, Refused

_PAGE_LIST = re.compile(r"^\d{1,6}(,\d{1,6})*$")


def ocr_text(path: str, pages: str, language: str = "eng") -> dict[str, Any]:
    """The text of the PDF with the listed pages ("1,3,4") read by OCR, marked as from a scan."""
    if not _PAGE_LIST.match(pages) or not re.fullmatch(r"[a-z_+]{3,40}", language):
        raise ValueError("pages must be page numbers separated by commas")
    with tempfile.TemporaryDirectory(prefix="policy-ocr-") as folder:
        output = Path(folder) / "read.pdf"
        completed = subprocess.run(
            [
                "ocrmypdf",
                "--force-ocr",
                "--pages",
                pages,
                "--language",
                language,
                "--output-type",
                "pdf",
                "--optimize",
                "0",
                "--jobs",
                "1",
                "--quiet",
                path,
                str(output),
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env={
                "PATH": "/usr/local/bin:/usr/bin:/bin",
                "LANG": "C.UTF-8",
                "TMPDIR": folder,
                # One core: the machine is shared with the web and other workers.
                "OMP_THREAD_LIMIT": "1",
            },
            check=False,
        )
        if completed.returncode != 0 or not output.exists():
            sys.stderr.buffer.write(completed.stderr[-8192:])
            return {"ok": False, "reason": SCAN_NO_TEXT}
        try:
            document = read(str(output))
        except Refused:
            return {"ok": False, "reason": SCAN_NO_TEXT}
    if not document.blocks:
        return {"ok": False, "reason": SCAN_NO_TEXT}
    return {**text_result(document), "scanned_pages": [], "from_scan": True}
