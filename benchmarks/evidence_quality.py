"""How well and how fast the evidence finder suggests passages, on policies written for the purpose.

Each policy in benchmarks/evidence_policies/ (markdown) is made into a PDF and a DOCX, split into
passages in the sandbox exactly as an upload is, and ranked against the board's 15 expectations.
Its .toml file labels, by a stable part of their text, the passages a careful reviewer would accept
as evidence for each expectation. recall@3 is the share of expectations having evidence for which
a labelled passage is among the top 3, for the finder and for plain BM25 over the same passages.
"No passage clearly addresses this" is right when the expectation has no evidence, and wrong when
it has. Then the speed: a 10-page and a 300-page policy, split and ranked.

Floors: recall@3 at least 0.9 on every policy and above BM25 on each; ranking 15 expectations
under 1 s on 10 pages and under 10 s on 300.

    .venv/bin/python benchmarks/evidence_quality.py
"""

import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evidence.ranking import Query, rank_passages, rank_plain_bm25, typical_evidence  # noqa: E402
from evidence.samples import make_docx_from, make_pdf, paginate  # noqa: E402
from policies.generate import make_pdf as make_pages_pdf  # noqa: E402
from policies.sandbox import run_inspection  # noqa: E402

POLICIES = Path(__file__).resolve().parent / "evidence_policies"
FRAMEWORK = ROOT / "reviews" / "frameworks" / "lscb-social-media-2015.toml"
TOP = 3


def framework_queries() -> list[Query]:
    data = tomllib.loads(FRAMEWORK.read_text(encoding="utf-8"))
    phrases = typical_evidence(data["code"])
    return [
        Query(expectation["code"], expectation["text"], tuple(phrases.get(expectation["code"], ())))
        for section in data["sections"]
        for expectation in section["expectations"]
    ]


def split(path: Path) -> tuple[list[dict], float]:
    started = time.perf_counter()
    result = run_inspection("passages", str(path), timeout_seconds=300, memory_mb=1024)
    seconds = time.perf_counter() - started
    if not result.get("ok"):
        raise SystemExit(f"{path.name}: {result.get('reason')}")
    return result["passages"], seconds


def _normal(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split()).lower()


def evidence_indexes(passages: list[dict], labels: list[str], where: str) -> set[int]:
    found = set()
    for label in labels:
        hits = {i for i, p in enumerate(passages) if _normal(label) in _normal(p["text"])}
        if not hits:
            print(f"  ! {where}: no passage contains the label {label!r}")
        found |= hits
    return found


def evaluate(passages: list[dict], labels: dict[str, list[str]], queries, where: str) -> dict:
    texts = [p["text"] for p in passages]
    started = time.perf_counter()
    finder = rank_passages(texts, queries, top=TOP)
    rank_seconds = time.perf_counter() - started
    plain = rank_plain_bm25(texts, queries, top=TOP)
    with_evidence = finder_hits = plain_hits = 0
    gaps = gaps_said = evidence_strong = 0
    misses = []
    for query in queries:
        evidence = evidence_indexes(passages, labels.get(query.code, []), f"{where} {query.code}")
        strong = any(s.strong for s in finder[query.code])
        if not evidence:
            gaps += 1
            gaps_said += not strong
            continue
        with_evidence += 1
        evidence_strong += strong
        hit = any(s.passage in evidence for s in finder[query.code])
        finder_hits += hit
        plain_hits += any(s.passage in evidence for s in plain[query.code])
        if not hit:
            misses.append(query.code)
    return {
        "passages": len(passages),
        "with_evidence": with_evidence,
        "finder": finder_hits / with_evidence if with_evidence else 1.0,
        "bm25": plain_hits / with_evidence if with_evidence else 1.0,
        "gaps": gaps,
        "gaps_said": gaps_said,
        "evidence_strong": evidence_strong,
        "misses": misses,
        "rank_seconds": rank_seconds,
    }


def quality(queries: list[Query], folder: Path) -> bool:
    print(
        f"{'policy':<24} {'sector':<14} {'format':<6} {'passages':>8} {'with ev.':>8} "
        f"{'finder R@3':>10} {'BM25 R@3':>9} {'gaps said':>9} {'ev. strong':>10} "
        f"{'split s':>7} {'rank s':>7}  missed"
    )
    passed = True
    for source in sorted(POLICIES.glob("*.md")):
        meta = tomllib.loads(source.with_suffix(".toml").read_text(encoding="utf-8"))
        markdown = source.read_text(encoding="utf-8")
        files = {
            "PDF": (
                "policy.pdf",
                make_pdf(markdown, header=meta["running_header"], footer=meta["running_footer"]),
            ),
            "DOCX": ("policy.docx", make_docx_from(markdown)),
        }
        for kind, (name, content) in files.items():
            path = folder / f"{source.stem}-{name}"
            path.write_bytes(content)
            passages, split_seconds = split(path)
            result = evaluate(passages, meta["labels"], queries, f"{source.stem} {kind}")
            ok = result["finder"] >= 0.9 and result["finder"] > result["bm25"]
            passed = passed and ok
            print(
                f"{source.stem:<24} {meta['sector']:<14} {kind:<6} {result['passages']:>8} "
                f"{result['with_evidence']:>8} {result['finder']:>10.2f} {result['bm25']:>9.2f} "
                f"{result['gaps_said']:>4}/{result['gaps']:<4} "
                f"{result['evidence_strong']:>5}/{result['with_evidence']:<4} "
                f"{split_seconds:>7.2f} {result['rank_seconds']:>7.3f}  "
                f"{' '.join(result['misses']) or '-'}{'' if ok else '  BELOW FLOOR'}"
            )
    print(
        "gaps said: expectations with no evidence for which the finder says no passage clearly "
        "addresses it; ev. strong: expectations with evidence whose best suggestion is strong."
    )
    return passed


def speed(queries: list[Query], folder: Path) -> bool:
    paragraphs = []
    for source in sorted(POLICIES.glob("*.md")):
        paragraphs += [
            line.strip().lstrip("#-| ").strip()
            for line in source.read_text(encoding="utf-8").splitlines()
            if len(line.strip()) > 40
        ]
    print(
        f"\n{'policy':<16} {'pages':>5} {'passages':>8} {'split s':>8} {'rank 15 s':>9} "
        f"{'total s':>8} {'floor (rank)':>12}"
    )
    passed = True
    for pages_wanted, floor in ((10, 1.0), (300, 10.0)):
        body: list[str] = []
        pages: list[list[str]] = []
        round_ = 0
        while len(pages) < pages_wanted:
            round_ += 1
            body += [f"{round_}.{n} {text}" for n, text in enumerate(paragraphs, start=1)]
            pages = paginate(body, header="Speed test policy", footer="Page {page}")
        path = folder / f"speed-{pages_wanted}.pdf"
        path.write_bytes(make_pages_pdf(pages[:pages_wanted]))
        passages, split_seconds = split(path)
        started = time.perf_counter()
        rank_passages([p["text"] for p in passages], queries, top=TOP)
        rank_seconds = time.perf_counter() - started
        ok = rank_seconds < floor
        passed = passed and ok
        print(
            f"{f'{pages_wanted}-page PDF':<16} {pages_wanted:>5} {len(passages):>8} "
            f"{split_seconds:>8.2f} {rank_seconds:>9.3f} {split_seconds + rank_seconds:>8.2f} "
            f"{f'< {floor:g} s':>12}{'' if ok else '  BELOW FLOOR'}"
        )
    return passed


def main() -> int:
    queries = framework_queries()
    with tempfile.TemporaryDirectory() as folder:
        good = quality(queries, Path(folder))
        fast = speed(queries, Path(folder))
    return 0 if good and fast else 1


if __name__ == "__main__":
    sys.exit(main())
