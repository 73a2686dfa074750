"""Render and sign outcomes of 15 and of 60 expectations, beside a bare WeasyPrint render of the
same HTML.

After one warm-up, ours and bare run in turn seven times in the same process; the best run of
each is compared (the median is shown beside it), so that a busy machine slows both alike. Peak
memory (maximum resident set) is taken for each in a fresh process. "Ours" is the whole outcome:
the template rendered, a tagged PDF/UA-1 written, and the PAdES signature. "Bare" is
`HTML(string=...).write_pdf()` of the same HTML with WeasyPrint's defaults. Floor on this
machine: ours at most 1.5 times bare, and at most 2 s for 15 expectations.

    .venv/bin/python benchmarks/outcome_render.py
"""

import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUNS = 7
# A throwaway key made for the run in a temporary folder.
PASSPHRASE = "benchmark-only"  # noqa: S105
QUOTE = (
    "Staff must keep personal social media separate from any professional use and must not "
    "befriend children or young people they work with, on any platform, at any time."
)
RATINGS = [("met", "Met"), ("partially_met", "Partially met"), ("not_met", "Not met")]


def content(expectations: int) -> dict:
    sections = []
    per_section = 5
    for s in range(0, expectations, per_section):
        number = s // per_section + 1
        findings = []
        for n in range(1, min(per_section, expectations - s) + 1):
            rating, label = RATINGS[(s + n) % 3]
            findings.append(
                {
                    "code": f"{number}.{n}",
                    "text": "The policy says how staff use social media with children. " * 2,
                    "rating": rating,
                    "rating_label": label,
                    "evidence_quote": QUOTE,
                    "evidence_page": n,
                    "evidence_section": f"{number}.{n}",
                    "comment": "Clear, but says nothing of messaging apps." if n % 2 else "",
                    "not_applicable_reason": "",
                }
            )
        sections.append({"number": number, "title": f"Section {number}", "findings": findings})
    return {
        "reference": "PR-2026-00042",
        "board_name": "Wexcombe Safeguarding Children Partnership",
        "agency": "Wexcombe Borough Council",
        "cycle": "2026 social media policy review",
        "policy": {
            "title": "Social media policy",
            "version_label": "3.1",
            "version_number": 3,
            "file_name": "social-media-policy.pdf",
            "sha256": "ab" * 32,
            "owner": "Head of Safeguarding",
            "document_date": "2026-01-05",
        },
        "framework": {"name": "LSCB expectations", "version": 1, "publisher": "LSCB"},
        "sections": sections,
        "overall_outcome": "meets_with_recommendations",
        "overall_outcome_label": "Meets expectations with recommendations",
        "override_reason": "",
        "summary": "A clear policy.",
        "recommendations": [{"text": "Cover messaging apps.", "answers": ["1.2"]}],
        "sign_offs": [
            {
                "role": role,
                "name": name,
                "signed_at": "",
                "signed_at_display": "3 March 2026 at 10:15",
                "attestation": "I have checked this review.",
            }
            for role, name in (("Reviewer", "Priya Natarajan"), ("Moderator", "Helen Achterberg"))
        ],
        "signed_off_at": "",
    }


def _cases(expectations: int, p12: str):
    """The whole outcome ("ours") and a bare render of the same HTML, ready to run."""
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import HTML

    from outcomes.rendering import pdf_render
    from outcomes.signing import board_certificate, pdf_sign

    certificate = board_certificate(path=Path(p12), passphrase=PASSPHRASE)
    context = {
        "outcome": content(expectations),
        "issued_at": timezone.now(),
        "certificate": certificate,
    }
    html = render_to_string("outcomes/outcome_pdf.html", context)

    def ours() -> bytes:
        pdf = pdf_render("outcomes/outcome_pdf.html", context)
        return pdf_sign(
            pdf, path=Path(p12), passphrase=PASSPHRASE, reason="Outcome", location="Board"
        )

    def bare() -> bytes:
        return HTML(string=html).write_pdf()

    return {"ours": ours, "bare": bare}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)


def time_both(expectations: int, p12: str) -> dict:
    """Ours and bare taken in turn, so that a busy machine slows both alike."""
    cases = _cases(expectations, p12)
    for work in cases.values():
        work()  # warm-up: fonts, imports, the key
    seconds: dict[str, list[float]] = {name: [] for name in cases}
    sizes = {}
    for _ in range(RUNS):
        for name, work in cases.items():
            started = time.perf_counter()
            sizes[name] = len(work())
            seconds[name].append(time.perf_counter() - started)
    return {
        name: {
            "best": min(runs),
            "median": statistics.median(runs),
            "bytes": sizes[name],
        }
        for name, runs in seconds.items()
    }


def peak_one(kind: str, expectations: int, p12: str) -> None:
    """Run in a fresh process so that peak memory belongs to this case alone."""
    _setup()
    _cases(expectations, p12)[kind]()
    print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def peak_mb(kind: str, expectations: int, p12: str) -> float:
    result = subprocess.run(
        [sys.executable, __file__, "--peak", kind, str(expectations), p12],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])["peak_mb"]


def main() -> None:
    _setup()
    from outcomes.signing import certificate_create

    with tempfile.TemporaryDirectory() as folder:
        p12 = str(Path(folder) / "board.p12")
        certificate_create(path=Path(p12), passphrase=PASSPHRASE, board_name="Benchmark Board")
        print(
            f"{'expectations':>12} {'ours s':>7} {'(median)':>8} {'bare s':>7} {'(median)':>8} "
            f"{'ratio':>6} {'ours MB':>8} {'bare MB':>8} {'PDF kB':>7}  floor"
        )
        for expectations in (15, 60):
            timed = time_both(expectations, p12)
            ours, bare = timed["ours"], timed["bare"]
            ratio = ours["best"] / bare["best"]
            within = ratio <= 1.5 and (expectations != 15 or ours["best"] <= 2)
            print(
                f"{expectations:>12} {ours['best']:>7.3f} {ours['median']:>8.3f} "
                f"{bare['best']:>7.3f} {bare['median']:>8.3f} {ratio:>6.2f} "
                f"{peak_mb('ours', expectations, p12):>8.0f} "
                f"{peak_mb('bare', expectations, p12):>8.0f} "
                f"{ours['bytes'] / 1024:>7.0f}  {'met' if within else 'NOT MET'}"
            )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--peak":
        peak_one(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
