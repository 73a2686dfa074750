"""The embedding benchmark's own arithmetic: fusing two rankings and finding the first hit."""

import pytest

from benchmarks import devset
from benchmarks.evidence_embeddings import first_hit, fuse, main


def test_fusion_puts_a_passage_both_rankings_like_first():
    finder = [4, 1, 2, 3]
    model = [1, 9, 4, 8]
    fused = fuse(finder, model)
    assert fused[:2] == [1, 4]
    assert set(fused) == {1, 2, 3, 4, 8, 9}


def test_first_hit_is_the_rank_of_the_first_gold_passage():
    assert first_hit([7, 3, 5], {5, 3}) == 2
    assert first_hit([7, 3, 5], {6}) is None


@pytest.mark.skipif(not devset.available(), reason=devset.ABSENT)
def test_without_a_model_installed_it_says_so_and_fails(capsys):
    assert main() == 1
    assert "not installed, skipped" in capsys.readouterr().out
