"""How well and how fast the evidence finder suggests passages.

Quality is measured on the development set: four real published policies beside the repository
(../shared/evidence-devset), each with the phrases a reviewer would quote as evidence for each of
the board's 15 expectations. Per policy and overall it prints:

- recall@3: the share of expectations with evidence for which a top-3 suggestion holds it;
- MRR: the mean reciprocal rank of the first suggestion holding evidence;
- silent flagged: of the expectations the policy says nothing on, the share for which the finder
  says "No passage clearly addresses this" (no suggestion reaches "Possible");
- Likely without gold: the share of all expectations with a "Likely" suggestion that is not
  evidence.

Figures are given in-sample (the shipped calibration, fitted on all four policies) and by
leave-one-policy-out cross-validation (fitted on three, measured on the fourth): the second is
closer to what to expect on a policy the finder has not seen, though the framework's concepts were
written with these policies read, so a line without them shows how much of the recall they carry.
Plain BM25 on the expectation's text is the baseline. Then the policies written for the purpose
(benchmarks/evidence_policies/) made into PDF and DOCX, and the speed on 10 and 300 pages.

Floors: recall@3 at least 0.9; silent flagged at least 0.75; Likely without gold at most 0.1;
a 10-page policy split and ranked within 1 s, 300 pages within 10 s.

    .venv/bin/python benchmarks/evidence_quality.py           # figures
    .venv/bin/python benchmarks/evidence_quality.py --fit     # refit calibration.toml, then figures
    .venv/bin/python benchmarks/evidence_quality.py --files   # also the dev set as PDF and DOCX
"""

import argparse
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import devset  # noqa: E402
from demo.documents import make_pdf as make_pages_pdf  # noqa: E402
from evidence.calibration import calibration_of  # noqa: E402
from evidence.ranking import (  # noqa: E402
    CALIBRATION_FILE,
    FEATURES,
    LIKELY,
    Calibration,
    PassageIndex,
    Query,
    default_calibration,
    rank_passages,
    rank_plain_bm25,
)
from evidence.structure import passages_of_file  # noqa: E402
from tests.samples import make_docx_from, make_pdf, paginate  # noqa: E402

POLICIES = Path(__file__).resolve().parent / "evidence_policies"
TOP = 3
# Candidates per expectation kept for fitting and for the reciprocal rank.
DEPTH = 10
FLOORS = {"recall": 0.9, "flagged": 0.75, "likely_wrong": 0.1}


@dataclass
class Case:
    """One expectation of one policy: its candidate passages with their features, and the gold."""

    policy: str
    code: str
    candidates: list[int]  # passage indexes, fused order
    features: list[tuple[float, ...]]
    gold: set[int]
    baseline: list[int]


def cases_of(name: str, passages: list[dict], gold: dict, queries: list[Query]) -> list[Case]:
    texts = [p["text"] for p in passages]
    index = PassageIndex(texts)
    plain = rank_plain_bm25(texts, queries, top=TOP)
    cases = []
    found_all = index.candidates(queries)
    for query in queries:
        ordered, features, _ = found_all[query.code]
        ordered = ordered[:DEPTH]
        found = devset.gold_indexes(passages, gold.get(query.code, []))
        if gold.get(query.code) and not found:
            print(f"  ! {name} {query.code}: no passage holds a gold phrase")
        cases.append(
            Case(
                name, query.code, ordered, [features[i] for i in ordered], found, plain[query.code]
            )
        )
    return cases


def fit(cases: list[Case]) -> Calibration:
    rows, labels, grouped = [], [], []
    for case in cases:
        start = len(rows)
        rows += case.features
        labels += [index in case.gold for index in case.candidates]
        grouped.append(range(start, len(rows)))
    return calibration_of(rows, labels, grouped)


def measure(cases: list[Case], calibration: Calibration) -> dict:
    with_gold = silent = hits = baseline = flagged = likely_wrong = shown_hits = 0
    reciprocal = 0.0
    misses = []
    for case in cases:
        scored = sorted(
            zip(case.candidates, case.features, strict=True),
            key=lambda item: -calibration.probability(item[1]),
        )
        top = scored[:TOP]
        labels = [calibration.label(calibration.probability(f)) for _, f in top]
        if any(
            label == LIKELY and i not in case.gold
            for (i, _), label in zip(top, labels, strict=True)
        ):
            likely_wrong += 1
        if not case.gold:
            silent += 1
            flagged += not any(labels)
            continue
        with_gold += 1
        hit = any(i in case.gold for i, _ in top)
        hits += hit
        shown_hits += any(
            i in case.gold and label for (i, _), label in zip(top, labels, strict=True)
        )
        baseline += any(i in case.gold for i in case.baseline)
        rank = next((n for n, (i, _) in enumerate(scored, start=1) if i in case.gold), None)
        reciprocal += 1 / rank if rank else 0.0
        if not hit:
            misses.append(case.code)
    return {
        "expectations": len(cases),
        "with_gold": with_gold,
        "recall": hits / with_gold if with_gold else 1.0,
        "shown": shown_hits / with_gold if with_gold else 1.0,
        "bm25": baseline / with_gold if with_gold else 1.0,
        "mrr": reciprocal / with_gold if with_gold else 1.0,
        "silent": silent,
        "flagged": flagged / silent if silent else 1.0,
        "likely_wrong": likely_wrong / len(cases) if cases else 0.0,
        "misses": misses,
    }


def _row(name: str, result: dict) -> str:
    return (
        f"{name:<38} {result['with_gold']:>4} {result['recall']:>6.2f} {result['bm25']:>6.2f} "
        f"{result['mrr']:>5.2f} {result['shown']:>6.2f} {result['silent']:>6} "
        f"{result['flagged']:>7.2f} {result['likely_wrong']:>7.2f}  "
        f"{' '.join(result['misses']) or '-'}"
    )


HEADER = (
    f"{'policy':<38} {'gold':>4} {'R@3':>6} {'BM25':>6} {'MRR':>5} {'shown':>6} {'silent':>6} "
    f"{'flagged':>7} {'L.wrong':>7}  missed"
)


def below_floors(result: dict) -> list[str]:
    problems = []
    if result["recall"] < FLOORS["recall"]:
        problems.append(f"recall@3 {result['recall']:.2f} < {FLOORS['recall']}")
    if result["flagged"] < FLOORS["flagged"]:
        problems.append(f"silent flagged {result['flagged']:.2f} < {FLOORS['flagged']}")
    if result["likely_wrong"] > FLOORS["likely_wrong"]:
        problems.append(f"Likely without gold {result['likely_wrong']:.2f} > 0.1")
    return problems


def devset_cases(queries: list[Query], *, accepted: bool = False) -> dict[str, list[Case]]:
    """Each policy's cases. With `accepted`, the passages reviewers quoted in the other policies
    stand in for the board's accepted evidence from earlier reviews (never the policy's own)."""
    policies = devset.policies()
    quoted = {
        policy.name: {
            code: [passages[i]["text"] for i in sorted(devset.gold_indexes(passages, phrases))]
            for code, phrases in policy.gold.items()
        }
        for policy in policies
        for passages in [policy.passages()]
    }
    found = {}
    for policy in policies:
        others: dict[str, list[str]] = {}
        if accepted:
            for name, by_code in quoted.items():
                if name != policy.name:
                    for code, texts in by_code.items():
                        others.setdefault(code, []).extend(texts)
        with_accepted = [
            replace(query, accepted=tuple(others.get(query.code, ()))) for query in queries
        ]
        found[policy.name] = cases_of(policy.name, policy.passages(), policy.gold, with_accepted)
    return found


def devset_quality(queries: list[Query], *, refit: bool, files: bool, folder: Path) -> bool:
    if not devset.available():
        print(f"{devset.ABSENT} Skipping the development set.")
        return True
    by_policy = devset_cases(queries)
    every = [case for cases in by_policy.values() for case in cases]
    if refit:
        write_calibration(fit(every))
        default_calibration.cache_clear()
    shipped = default_calibration()
    print(
        "Development set, in-sample (shipped calibration: likely >= "
        f"{shipped.likely:.3f}, possible >= {shipped.possible:.3f})"
    )
    print(HEADER)
    for name, cases in by_policy.items():
        print(_row(name, measure(cases, shipped)))
    overall = measure(every, shipped)
    print(_row("overall", overall))
    print("\nDevelopment set, leave one policy out (fitted on the other three)")
    print(HEADER)
    held_out: list[Case] = []
    for name, cases in by_policy.items():
        others = [case for other, c in by_policy.items() if other != name for case in c]
        calibration = fit(others)
        print(_row(name, measure(cases, calibration)))
        held_out += [(case, calibration) for case in cases]
    loo = _measure_each(held_out)
    print(_row("overall", loo))
    others = [c for cases in devset_cases(queries, accepted=True).values() for c in cases]
    print(_row("overall, other policies' quotes as accepted", measure(others, shipped)))
    # The concepts' wordings were written by people who had read these policies, which no
    # leave-one-out of the calibration can undo: this line shows how much of the recall they carry.
    bare = [replace(query, concepts=()) for query in queries]
    bare_cases = [c for cases in devset_cases(bare).values() for c in cases]
    print(_row("overall, without the concepts (refitted)", measure(bare_cases, fit(bare_cases))))
    print(
        "R@3: top-3 holds evidence; shown: a labelled suggestion holds it; flagged: silent "
        "expectations said to have no clear passage; L.wrong: expectations with a Likely "
        "suggestion that is not evidence."
    )
    if files:
        print("\nDevelopment set made into files and read by the document reader (in-sample)")
        print(HEADER)
        for policy in devset.policies():
            for kind, name, content in (
                ("PDF", "policy.pdf", make_pdf(policy.markdown, footer="Page {page}")),
                ("DOCX", "policy.docx", make_docx_from(policy.markdown)),
            ):
                path = folder / f"{policy.name}-{name}"
                path.write_bytes(content)
                passages, _ = split(path)
                cases = cases_of(f"{policy.name} {kind}", passages, policy.gold, queries)
                print(_row(f"{policy.name[:32]} {kind}", measure(cases, shipped)))
    print_floors(overall, loo)
    problems = below_floors(overall) + [f"held out: {p}" for p in below_floors(loo)]
    for problem in problems:
        print(f"BELOW FLOOR: {problem}")
    return not problems


def print_floors(overall: dict, held_out: dict) -> None:
    print(f"\n{'floor':<24} {'needed':>8} {'in-sample':>10} {'held out':>9}")
    for name, key, needed in (
        ("recall@3", "recall", f">= {FLOORS['recall']}"),
        ("silent flagged", "flagged", f">= {FLOORS['flagged']}"),
        ("Likely without gold", "likely_wrong", f"<= {FLOORS['likely_wrong']}"),
    ):
        print(f"{name:<24} {needed:>8} {overall[key]:>10.2f} {held_out[key]:>9.2f}")
    print(
        "Held out: the calibration fitted without the policy measured. The concepts were written "
        "with all four policies read, so neither column says what a new policy will get."
    )


def _measure_each(pairs: list[tuple[Case, Calibration]]) -> dict:
    """Overall figures where each case is scored by the calibration its policy was held out of."""
    parts = [measure([case], calibration) for case, calibration in pairs]
    with_gold = sum(p["with_gold"] for p in parts)
    silent = sum(p["silent"] for p in parts)
    return {
        "expectations": len(parts),
        "with_gold": with_gold,
        "recall": sum(p["recall"] * p["with_gold"] for p in parts) / (with_gold or 1),
        "shown": sum(p["shown"] * p["with_gold"] for p in parts) / (with_gold or 1),
        "bm25": sum(p["bm25"] * p["with_gold"] for p in parts) / (with_gold or 1),
        "mrr": sum(p["mrr"] * p["with_gold"] for p in parts) / (with_gold or 1),
        "silent": silent,
        "flagged": sum(p["flagged"] * p["silent"] for p in parts) / (silent or 1),
        "likely_wrong": sum(p["likely_wrong"] for p in parts) / (len(parts) or 1),
        "misses": [
            f"{case.policy[:4]}:{case.code}"
            for (case, _), p in zip(pairs, parts, strict=True)
            if p["misses"]
        ],
    }


def write_calibration(calibration: Calibration) -> None:
    weights = ", ".join(f"{w:g}" for w in calibration.weights)
    CALIBRATION_FILE.write_text(
        "# Written by benchmarks/evidence_quality.py --fit on the development set: a logistic\n"
        "# model over a suggestion's features and the probabilities that earn each label.\n"
        f"# Features, in order: {', '.join(FEATURES)}.\n"
        f"weights = [{weights}]\n"
        f"bias = {calibration.bias:g}\n"
        f"likely = {calibration.likely:g}\n"
        f"possible = {calibration.possible:g}\n",
        encoding="utf-8",
    )
    print(f"Wrote {CALIBRATION_FILE.relative_to(ROOT)}.\n")


def split(path: Path) -> tuple[list[dict], float]:
    started = time.perf_counter()
    result = passages_of_file(str(path), timeout_seconds=300, memory_mb=1024)
    seconds = time.perf_counter() - started
    if not result.get("ok"):
        raise SystemExit(f"{path.name}: {result.get('reason')}")
    return result["passages"], seconds


def invented_quality(queries: list[Query], folder: Path) -> None:
    """The policies written for the purpose, as PDF and DOCX: a check that nothing regressed."""
    print("\nPolicies written for the purpose, as files (in-sample calibration)")
    print(HEADER)
    for source in sorted(POLICIES.glob("*.md")):
        meta = tomllib.loads(source.with_suffix(".toml").read_text(encoding="utf-8"))
        markdown = source.read_text(encoding="utf-8")
        for kind, name, content in (
            (
                "PDF",
                "policy.pdf",
                make_pdf(markdown, header=meta["running_header"], footer=meta["running_footer"]),
            ),
            ("DOCX", "policy.docx", make_docx_from(markdown)),
        ):
            path = folder / f"{source.stem}-{name}"
            path.write_bytes(content)
            passages, _ = split(path)
            cases = cases_of(f"{source.stem} {kind}", passages, meta["labels"], queries)
            print(_row(f"{source.stem} {kind}", measure(cases, default_calibration())))


def speed(queries: list[Query], folder: Path) -> bool:
    paragraphs = []
    for source in sorted(POLICIES.glob("*.md")):
        paragraphs += [
            line.strip().lstrip("#-| ").strip()
            for line in source.read_text(encoding="utf-8").splitlines()
            if len(line.strip()) > 40
        ]
    print(
        f"\n{'policy':<16} {'pages':>5} {'passages':>8} {'split s':>8} "
        f"{'rank 15 s':>9} {'total s':>8}"
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
        total = split_seconds + rank_seconds
        ok = total < floor
        passed = passed and ok
        print(
            f"{f'{pages_wanted}-page PDF':<16} {pages_wanted:>5} {len(passages):>8} "
            f"{split_seconds:>8.2f} {rank_seconds:>9.3f} {total:>8.2f}"
            f"{'' if ok else f'  BELOW FLOOR (< {floor:g} s)'}"
        )
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fit", action="store_true", help="refit calibration.toml first")
    parser.add_argument("--files", action="store_true", help="also read the dev set as files")
    parser.add_argument("--quality-only", action="store_true", help="skip the speed test")
    options = parser.parse_args(argv)
    queries = devset.framework_queries()
    with tempfile.TemporaryDirectory() as folder:
        good = devset_quality(queries, refit=options.fit, files=options.files, folder=Path(folder))
        if options.quality_only:
            return 0 if good else 1
        invented_quality(queries, Path(folder))
        fast = speed(queries, Path(folder))
    return 0 if good and fast else 1


if __name__ == "__main__":
    sys.exit(main())
