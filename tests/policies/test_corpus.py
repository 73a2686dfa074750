"""Every file of the shared corpus of real, often hostile PDFs is accepted or plainly refused."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from documents.child import run_document_action
from documents.sandbox import run_in_child

# Kept beside the repository, never inside it; a user's machine will not have it.
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
BATCH = 40


def extract(path: Path) -> dict:
    return run_document_action("extract", str(path), timeout_seconds=30, memory_mb=1024)


def extract_batch(paths: tuple[Path, ...]) -> list[dict]:
    """Read a batch in one sandboxed child; if it fails, each file in its own, as uploads are."""
    child = run_in_child(
        "tests.policies.corpus_child",
        ["extract", *map(str, paths)],
        timeout_seconds=60,
        memory_mb=1024,
    )
    results = (child.json() or {}).get("results") if child.ok else None
    if isinstance(results, list) and len(results) == len(paths):
        return results
    return [extract(path) for path in paths]


def test_every_corpus_file_is_accepted_with_text_or_refused_with_a_plain_reason():
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    paths = sorted(path for path in CORPUS.rglob("*") if path.is_file())

    with ThreadPoolExecutor(max_workers=2) as pool:
        batches = [tuple(paths[n : n + BATCH]) for n in range(0, len(paths), BATCH)]
        found = [result for batch in pool.map(extract_batch, batches) for result in batch]
    results = dict(zip(paths, found, strict=True))

    for path, result in results.items():
        assert isinstance(result, dict), path
        if result["ok"]:
            assert result["pages"], path
            assert any(page["paragraphs"] for page in result["pages"]) or result["scanned_pages"], (
                path
            )
        else:
            reason = result["reason"]
            assert reason and "Traceback" not in reason and 'File "' not in reason, path
    accepted = sum(1 for result in results.values() if result["ok"])
    print(f"corpus: {accepted} accepted, {len(results) - accepted} refused, of {len(results)}")
