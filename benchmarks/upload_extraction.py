"""Upload check plus text extraction of a generated 50 MB PDF and a 1,000-page PDF.

Prints seconds and peak memory for each (the sandboxed child processes that parse the file).
Floor on a 2-core machine: the 50 MB file in at most 3 s and 300 MB.

    .venv/bin/python benchmarks/upload_extraction.py
"""

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo.documents import make_pdf  # noqa: E402
from documents.child import run_document_action  # noqa: E402

PARAGRAPH = (
    "Staff must keep personal social media separate from any professional use and must not "
    "befriend children or young people they work with. Images of children are taken only on "
    "equipment supplied by the organisation, with consent, and stored securely."
)


def measure_one(path: str) -> None:
    """Run in a fresh process so that peak memory belongs to this file alone."""
    started = time.perf_counter()
    inspected = run_document_action("inspect", path, timeout_seconds=60, memory_mb=1024)
    extracted = run_document_action("extract", path, timeout_seconds=300, memory_mb=1024)
    seconds = time.perf_counter() - started
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": children_kb / 1024,
                "ok": bool(inspected.get("ok") and extracted.get("ok")),
                "pages": len(extracted.get("pages", [])),
                "reason": extracted.get("reason") or inspected.get("reason"),
            }
        )
    )


def main() -> None:
    cases = {
        "50 MB PDF (40 pages of text, large images)": make_pdf(
            [[PARAGRAPH] * 6 for _ in range(40)], title="Large policy", pad_bytes=50 * 1024 * 1024
        ),
        "1,000-page PDF": make_pdf([[f"Page {n}.", PARAGRAPH, PARAGRAPH] for n in range(1000)]),
    }
    print(f"{'file':<45} {'size':>9} {'pages':>6} {'seconds':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for name, content in cases.items():
            path = Path(folder) / "policy.pdf"
            path.write_bytes(content)
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(path)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            figures = json.loads(out)
            status = "" if figures["ok"] else f"  REFUSED: {figures['reason']}"
            print(
                f"{name:<45} {len(content) / 1e6:>7.1f}MB {figures['pages']:>6} "
                f"{figures['seconds']:>8.2f} {figures['peak_mb']:>8.0f}{status}"
            )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        measure_one(sys.argv[2])
    else:
        main()
