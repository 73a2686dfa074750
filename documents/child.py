"""Every action on an uploaded document, run in a sandboxed child process.

The parent calls ``run_document_action(action, path, ...)``; the child is
``python -m documents.child ACTION PATH [ARGUMENT]``. Each action's answer is a dict with "ok";
a refusal carries a "reason" a person can act on, as does the sandbox stopping the work.
"""

import sys
from collections.abc import Sequence
from typing import Any

from .inspection import inspect_file
from .ocr import ocr_text
from .passages import passages_result
from .reader import extract_text, read
from .refusals import TOO_BIG, TOO_SLOW, UNREADABLE, UNSAFE, Refused
from .sandbox import Failure, child_main, run_in_child

# OCR writes the read copy of the scan and Tesseract's working files.
OCR_FILE_LIMIT_MB = 1024

_REASONS = {Failure.TOO_SLOW: TOO_SLOW, Failure.TOO_BIG: TOO_BIG, Failure.CRASHED: UNSAFE}


def passages_of_file(path: str) -> dict[str, Any]:
    try:
        document = read(path)
    except Refused as refusal:
        return refusal.result()
    return passages_result(document)


ACTIONS = {
    "inspect": inspect_file,
    "extract": extract_text,
    "passages": passages_of_file,
    "ocr": ocr_text,
}


def run_document_action(
    action: str,
    path: str,
    *arguments: str,
    timeout_seconds: float,
    memory_mb: int,
) -> dict[str, Any]:
    """Inspect, extract, split into passages or OCR the file at path in a sandboxed process.

    The result is never an error: it is the child's verdict, or a refusal when the work itself
    took too long, needed too much memory or failed.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown document action: {action!r}")
    result = run_in_child(
        "documents.child",
        [action, str(path), *arguments],
        timeout_seconds=timeout_seconds,
        memory_mb=memory_mb,
        max_file_mb=OCR_FILE_LIMIT_MB if action == "ocr" else 0,
    )
    if result.failure is not None:
        return {"ok": False, "reason": _REASONS[result.failure]}
    verdict = result.json()
    well_formed = isinstance(verdict, dict) and (
        verdict.get("ok") is True
        or (verdict.get("ok") is False and isinstance(verdict.get("reason"), str))
    )
    return verdict if well_formed else {"ok": False, "reason": UNSAFE}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    return child_main(ACTIONS, on_error=lambda: {"ok": False, "reason": UNREADABLE}, argv=arguments)


if __name__ == "__main__":
    sys.exit(main())
