"""`manage.py suggest_evidence FILE --json` for a policy file that is not in the database."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from evidence.structure import MAX_PASSAGE_CHARACTERS

from .. import files
from ..factories import lscb_framework
from .policies import FOOTER, HEADER, write

pytestmark = pytest.mark.django_db

CODES = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "2.4"]
CODES += ["3.1", "3.2", "3.3", "3.4", "3.5"]


def suggest(path, *options) -> list[dict]:
    out = StringIO()
    call_command("suggest_evidence", str(path), *options, "--json", stdout=out)
    return json.loads(out.getvalue())


def by_code(answer):
    return {entry["code"]: entry["suggestions"] for entry in answer}


def test_json_has_one_object_per_expectation_with_text_page_and_score(tmp_path):
    lscb_framework()
    answer = suggest(write(tmp_path, "pdf", header=HEADER, footer=FOOTER))
    assert [entry["code"] for entry in answer] == CODES
    suggestions = by_code(answer)
    [best, *_] = suggestions["1.1"]
    assert best["text"].startswith("Staff must not befriend pupils")
    assert best["page"] == 1
    assert 0 < best["score"] <= 1
    assert best["label"] == "likely"
    assert not any(s["label"] for s in suggestions["3.4"])
    for entry in answer:
        assert len(entry["suggestions"]) <= 3
        for suggestion in entry["suggestions"]:
            assert {"text", "page", "score", "label"} <= set(suggestion)
            assert suggestion["label"] in ("likely", "possible", "")
            assert len(suggestion["text"]) <= MAX_PASSAGE_CHARACTERS


def test_top_chooses_how_many_suggestions(tmp_path):
    lscb_framework()
    answer = suggest(write(tmp_path, "docx"), "--top", "1", "--framework", "lscb-social-media")
    assert all(len(entry["suggestions"]) <= 1 for entry in answer)
    assert any(entry["suggestions"] for entry in answer)


def test_docx_table_cells_are_suggested_without_a_page(tmp_path):
    lscb_framework()
    suggestions = by_code(suggest(write(tmp_path, "docx")))
    texts = [s["text"] for s in suggestions["2.4"]]
    assert (
        "We reply to messages within two school days; the page is not monitored at weekends."
        in (texts)
    )
    assert all(s["page"] is None for s in suggestions["2.4"])
    assert "table cell" in suggestions["2.4"][0]["location"]


def test_the_framework_file_is_used_when_no_framework_is_loaded(tmp_path):
    answer = suggest(write(tmp_path, "odt"))
    assert [entry["code"] for entry in answer] == CODES


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        call_command("suggest_evidence", str(tmp_path / "nope.pdf"), "--json")


def test_a_file_that_is_no_policy_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "policy.pdf"
    path.write_bytes(files.exe_renamed())
    with pytest.raises(CommandError, match="Windows program"):
        call_command("suggest_evidence", str(path), "--json")


def test_an_unknown_framework_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no framework with the code 'nope'"):
        call_command("suggest_evidence", str(write(tmp_path, "pdf")), "--framework", "nope")


def test_without_json_it_says_when_no_passage_clearly_addresses_an_expectation(tmp_path):
    lscb_framework()
    out = StringIO()
    call_command("suggest_evidence", str(write(tmp_path, "pdf")), stdout=out)
    text = out.getvalue()
    assert "No passage clearly addresses this." in text
    assert "Staff must not befriend pupils" in text
