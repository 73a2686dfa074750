"""Every file of the shared corpus of real, often hostile PDFs is accepted or plainly refused."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from policies.sandbox import run_inspection

# Kept beside the repository, never inside it; a user's machine will not have it.
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def extract(path: Path) -> dict:
    return run_inspection("extract", str(path), timeout_seconds=30, memory_mb=1024)


def test_every_corpus_file_is_accepted_with_text_or_refused_with_a_plain_reason():
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    paths = sorted(path for path in CORPUS.rglob("*") if path.is_file())

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(paths, pool.map(extract, paths), strict=True))

    for path, result in results.items():
        assert isinstance(result, dict), path
        if result["ok"]:
            assert result["pages"], path
        else:
            reason = result["reason"]
            assert reason and "Traceback" not in reason and 'File "' not in reason, path
    accepted = sum(1 for result in results.values() if result["ok"])
    print(f"corpus: {accepted} accepted, {len(results) - accepted} refused, of {len(results)}")
