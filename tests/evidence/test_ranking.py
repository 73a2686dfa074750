"""Ranking passages against an expectation: ideas said in other words, and saying when none fits."""

from evidence.ranking import STRONG, Query, rank_passages, rank_plain_bm25, typical_evidence

IMAGES = Query(
    "1.6",
    "Do not use personal equipment to take images of children and young people for professional "
    "use. Only use equipment supplied by your organisation.",
    tuple(typical_evidence("lscb-social-media")["1.6"]),
)
PASSAGES = [
    "Our office is open from nine until five on weekdays.",
    "Employees must never photograph pupils on their own handsets; school tablets are provided.",
    "The governing board approves this policy every year.",
    "Visitors sign in at reception and wear a badge.",
]


def test_an_expectation_finds_a_passage_that_says_it_in_other_words():
    [best, *_] = rank_passages(PASSAGES, [IMAGES])["1.6"]
    assert best.passage == 1
    assert best.strong


def test_plain_bm25_misses_what_is_said_in_other_words():
    found = rank_plain_bm25(PASSAGES, [IMAGES])["1.6"]
    assert 1 not in [suggestion.passage for suggestion in found]


def test_the_matching_words_are_marked():
    [best, *_] = rank_passages(PASSAGES, [IMAGES])["1.6"]
    text = PASSAGES[best.passage]
    marked = {text[start:end] for start, end in best.matched}
    assert {"Employees", "photograph", "pupils", "handsets", "tablets"} <= marked
    assert "never" not in marked


def test_no_passage_is_strong_when_the_policy_does_not_address_the_expectation():
    unrelated = [PASSAGES[0], PASSAGES[2], PASSAGES[3]]
    found = rank_passages(unrelated, [IMAGES])["1.6"]
    assert all(suggestion.score < STRONG for suggestion in found)


def test_scores_are_between_0_and_1_and_strongest_first():
    found = rank_passages(PASSAGES * 3, [IMAGES], top=5)["1.6"]
    scores = [suggestion.score for suggestion in found]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 1 for score in scores)


def test_every_expectation_of_the_board_checklist_has_typical_evidence():
    phrases = typical_evidence("lscb-social-media")
    codes = [f"1.{n}" for n in range(1, 7)] + [f"2.{n}" for n in range(1, 5)]
    codes += [f"3.{n}" for n in range(1, 6)]
    assert sorted(phrases) == codes
    assert all(len(phrases[code]) >= 3 for code in codes)
    assert typical_evidence("no-such-framework") == {}
