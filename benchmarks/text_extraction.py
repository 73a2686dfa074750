"""Text extraction of PDFs beside poppler's pdftotext, and OCR of a scan.

Reads every PDF in ../shared/corpus and a generated 5,000-page PDF with the document reader
(PDFium, blocks, running headers dropped) and with ``pdftotext``, in the same run, and prints
seconds, peak memory and characters (not counting white space) for each. The floor: the reader's
total time at most 1.5 times pdftotext's. Then OCR of a generated 10-page scan, in seconds a page.
Not a test: it prints figures.

    .venv/bin/python benchmarks/text_extraction.py
"""

import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo.documents import make_pdf  # noqa: E402
from documents.child import run_document_action  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
FLOOR = 1.5
# pdftotext hangs on some of the corpus's hostile files; the app gives one file this long.
PER_FILE_SECONDS = 30
PARAGRAPH = (
    "Staff must keep personal social media separate from any professional use and must not "
    "befriend children or young people they work with. Images of children are taken only on "
    "equipment supplied by the organisation, with consent, and stored securely."
)
SCAN_LINES = [
    "Safeguarding and social media policy",
    "",
    "1.1 Staff must not befriend pupils on personal accounts.",
    "1.2 Report every concern to the designated safeguarding lead.",
    "Only school cameras and tablets are used for photos of pupils.",
]


def read_files(paths: list[str]) -> None:
    """Worker: read each file with the reader, print characters read and seconds."""
    from documents.reader import read
    from documents.refusals import Refused

    characters = 0
    started = time.perf_counter()
    for path in paths:
        try:
            document = read(path)
        except Refused:
            continue
        characters += sum(len(block.text.replace(" ", "")) for block in document.blocks)
    print(json.dumps({"characters": characters, "seconds": time.perf_counter() - started}))


def with_reader(paths: list[Path]) -> dict:
    """All files in one child process, as a worker reads them one after another."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--read", *map(str, paths)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    out = process.stdout.read()
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": usage.ru_maxrss / 1024,
        **json.loads(out),
    }


def with_pdftotext(paths: list[Path]) -> dict:
    """Each file in its own pdftotext, stopped after the app's limit for reading one file."""
    characters = stopped = 0
    peak = 0.0
    started = time.perf_counter()
    for path in paths:
        process = subprocess.Popen(
            ["pdftotext", "-q", str(path), "-"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        timer = threading.Timer(PER_FILE_SECONDS, process.kill)
        timer.start()
        out = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = 0
        stopped += os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        peak = max(peak, usage.ru_maxrss / 1024)
        text = out.decode("utf-8", errors="replace")
        characters += sum(1 for character in text if not character.isspace())
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": peak,
        "characters": characters,
        "stopped": stopped,
    }


def scan(pages: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("DejaVuSans.ttf", 36)
    images = []
    for number in range(1, pages + 1):
        image = Image.new("L", (1654, 2339), 255)
        drawing = ImageDraw.Draw(image)
        for row, line in enumerate([*SCAN_LINES, f"Page {number} of {pages}"]):
            drawing.text((150, 200 + 70 * row), line, font=font, fill=0)
        images.append(image)
    output = io.BytesIO()
    images[0].save(output, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return output.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        long_pdf = Path(folder) / "5000-pages.pdf"
        long_pdf.write_bytes(
            make_pdf([[f"Section {n}.", PARAGRAPH, PARAGRAPH] for n in range(5000)])
        )
        corpus = sorted(CORPUS.rglob("*.pdf")) if CORPUS.is_dir() else []
        cases = {f"corpus ({len(corpus)} PDFs)": corpus, "generated 5,000-page PDF": [long_pdf]}
        print(f"{'files':<28} {'tool':<12} {'seconds':>8} {'peak MB':>8} {'characters':>11}")
        totals = {"reader": 0.0, "pdftotext": 0.0}
        for name, paths in cases.items():
            if not paths:
                print(f"{name:<28} skipped: ../shared/corpus is not present")
                continue
            for tool, measure in (("reader", with_reader), ("pdftotext", with_pdftotext)):
                figures = measure(paths)
                totals[tool] += figures["seconds"]
                stopped = figures.get("stopped")
                note = f"  ({stopped} stopped after {PER_FILE_SECONDS} s)" if stopped else ""
                print(
                    f"{name:<28} {tool:<12} {figures['seconds']:>8.2f} "
                    f"{figures['peak_mb']:>8.0f} {figures['characters']:>11,}{note}"
                )
        ratio = totals["reader"] / max(totals["pdftotext"], 1e-9)
        verdict = "within" if ratio <= FLOOR else "OVER"
        print(
            f"total: reader {totals['reader']:.2f} s, pdftotext {totals['pdftotext']:.2f} s, "
            f"ratio {ratio:.2f} ({verdict} the floor of {FLOOR})"
        )

        scanned = Path(folder) / "scan.pdf"
        scanned.write_bytes(scan(10))
        started = time.perf_counter()
        result = run_document_action(
            "ocr",
            str(scanned),
            ",".join(str(n) for n in range(1, 11)),
            timeout_seconds=900,
            memory_mb=1024,
        )
        seconds = time.perf_counter() - started
        words = sum(len(p.split()) for page in result.get("pages", []) for p in page["paragraphs"])
        status = f"{words} words" if result.get("ok") else f"REFUSED: {result.get('reason')}"
        print(f"OCR of a 10-page scan: {seconds:.1f} s, {seconds / 10:.2f} s a page, {status}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--read"]:
        read_files(sys.argv[2:])
    else:
        main()
