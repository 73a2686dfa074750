"""The finder on real published policies (../shared/evidence-devset), against the board's floors.

The set stays beside the repository; without it these tests skip. Full figures, including
leave-one-policy-out ones: `.venv/bin/python benchmarks/evidence_quality.py`.
"""

import pytest

from benchmarks import devset
from benchmarks.evidence_quality import cases_of, devset_cases, measure
from evidence.ranking import default_calibration
from evidence.structure import passages_of_file
from tests.samples import make_docx_from, make_odt_from, make_pdf

pytestmark = pytest.mark.skipif(not devset.available(), reason=devset.ABSENT)


@pytest.fixture(scope="module")
def overall() -> dict:
    cases = devset_cases(devset.framework_queries())
    return measure([c for found in cases.values() for c in found], default_calibration())


def test_silent_expectations_are_mostly_said_to_have_no_clear_passage(overall):
    assert overall["flagged"] >= 0.75


def test_likely_is_wrong_for_at_most_one_expectation_in_ten(overall):
    assert overall["likely_wrong"] <= 0.1


def test_the_finder_beats_plain_bm25_and_holds_the_recall_floor(overall):
    assert overall["recall"] > overall["bm25"]
    assert overall["recall"] >= 0.9


@pytest.mark.parametrize(
    ("kind", "make"),
    [
        ("pdf", lambda text: make_pdf(text, footer="Page {page}")),
        ("docx", make_docx_from),
        ("odt", make_odt_from),
    ],
)
def test_a_policy_read_from_a_file_is_ranked_as_its_text_is(tmp_path, kind, make):
    queries = devset.framework_queries()
    for policy in devset.policies():
        path = tmp_path / f"{policy.name}.{kind}"
        path.write_bytes(make(policy.markdown))
        result = passages_of_file(str(path), timeout_seconds=60, memory_mb=1024)
        assert result["ok"], result.get("reason")
        from_file = measure(
            cases_of(policy.name, result["passages"], policy.gold, queries), default_calibration()
        )
        from_text = measure(
            cases_of(policy.name, policy.passages(), policy.gold, queries), default_calibration()
        )
        assert from_file["recall"] == from_text["recall"], policy.name
