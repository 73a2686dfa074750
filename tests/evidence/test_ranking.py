"""Ranking passages against an expectation: ideas said in other words, and saying when none fits."""

import tomllib

from evidence.calibration import Expectation, calibration_of, choose_thresholds, fit_logistic
from evidence.ranking import (
    FEATURES,
    LIKELY,
    POSSIBLE,
    Calibration,
    PassageIndex,
    Query,
    rank_passages,
    rank_plain_bm25,
)
from reviews.services import FRAMEWORKS_DIR

# A fixed calibration, so these tests say what the ranking does whatever the shipped fit is.
FIXED = Calibration(weights=(1.0, 1.0, 2.0, 0.5, 4.0), bias=-2.0, likely=0.55, possible=0.4)

IMAGES = Query(
    code="1.6",
    text="Do not use personal equipment to take images of children and young people for "
    "professional use. Only use equipment supplied by your organisation.",
    what_good_looks_like="The policy bans personal phones and cameras for photographing "
    "children and requires organisation-owned devices.",
    concepts=(
        "do not use personal phones or cameras to take photos of children",
        "only use devices supplied by the organisation",
    ),
)
PASSAGES = [
    "Our office is open from nine until five on weekdays.",
    "Employees must never photograph pupils on their own handsets; school tablets are provided.",
    "The governing board approves this policy every year.",
    "Visitors sign in at reception and wear a badge.",
]


def test_an_expectation_finds_a_passage_that_says_it_in_other_words():
    [best, *_] = rank_passages(PASSAGES, [IMAGES], calibration=FIXED)["1.6"]
    assert best.passage == 1
    assert best.label == LIKELY


def test_plain_bm25_misses_what_is_said_in_other_words():
    assert 1 not in rank_plain_bm25(PASSAGES, [IMAGES])["1.6"]


def test_a_concept_the_board_keeps_finds_wording_the_expectation_text_does_not_share():
    passages = [
        "We publish our newsletter every month.",
        "Club posts go out only from the account in the club's name, never a coach's own page.",
        "Parking is available behind the hall.",
    ]
    separate = Query(
        code="1.2",
        text="Keep personal SM usage entirely separate from any professional use.",
        concepts=("use only the organisation's official account for work",),
    )
    without = Query(code="1.2", text=separate.text)
    assert rank_passages(passages, [separate], calibration=FIXED)["1.2"][0].passage == 1
    assert all(s.label == "" for s in rank_passages(passages, [without], calibration=FIXED)["1.2"])


def test_a_concept_in_words_every_passage_says_is_not_a_full_match():
    passages = [
        f"Children and young people use social media at our club, session {n}." for n in range(8)
    ] + ["Children are taught how to stay safe on social media and how to report worries."]
    index = PassageIndex(passages)
    generic = Query(code="2.2", text="Keep records.", concepts=("children using social media",))
    specific = Query(
        code="2.2", text="Keep records.", concepts=("teach children to report worries online",)
    )
    concept = FEATURES.index("concept")
    _, generic_features, _ = index.features(generic)
    _, specific_features, _ = index.features(specific)
    # Saying every word of a concept that every passage says counts for little.
    assert generic_features[0][concept] < 0.5
    # Saying the words of a concept only one passage says is a full match.
    assert specific_features[8][concept] == 1.0
    assert max(specific_features[n][concept] for n in range(8)) < 0.5


def test_the_matching_words_are_marked():
    [best, *_] = rank_passages(PASSAGES, [IMAGES], calibration=FIXED)["1.6"]
    text = PASSAGES[best.passage]
    marked = {text[start:end] for start, end in best.matched}
    assert {"Employees", "photograph", "pupils", "handsets", "tablets"} <= marked
    assert "never" not in marked


def test_no_passage_is_labelled_when_the_policy_does_not_address_the_expectation():
    unrelated = [PASSAGES[0], PASSAGES[2], PASSAGES[3]]
    found = rank_passages(unrelated, [IMAGES], calibration=FIXED)["1.6"]
    assert all(suggestion.label == "" for suggestion in found)


def test_scores_are_probabilities_and_most_likely_first():
    found = rank_passages(PASSAGES * 3, [IMAGES], top=5, calibration=FIXED)["1.6"]
    scores = [suggestion.score for suggestion in found]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score < 1 for score in scores)
    assert all(len(suggestion.features) == len(FEATURES) for suggestion in found)


def test_a_quote_accepted_last_year_finds_the_same_passage_in_this_years_words():
    passages = [
        "Coaches reply to messages from players within two days.",
        "Our volunteers look after the kit store.",
        "Nobody on the committee may take pictures of members on their own mobiles.",
    ]
    accepted = ("No committee member may take pictures of members on their own mobile phones.",)
    with_quote = Query(code="1.6", text="Keep records of meetings.", accepted=accepted)
    [best, *_] = rank_passages(passages, [with_quote], calibration=FIXED)["1.6"]
    assert best.passage == 2 and best.label == LIKELY


def test_the_calibration_labels_by_its_thresholds():
    assert FIXED.label(0.7) == LIKELY
    assert FIXED.label(0.45) == POSSIBLE
    assert FIXED.label(0.3) == ""
    assert FIXED.probability((1, 1, 1, 1, 1)) > FIXED.probability((0, 0, 0, 0, 0))


def test_fitting_learns_which_feature_tells_evidence_apart():
    rows = [(x / 10, 0.5) for x in range(10)] * 3
    labels = [x >= 6 for x in range(10)] * 3
    weights, bias = fit_logistic(rows, labels)
    assert weights[0] > 1 and abs(weights[1]) < weights[0]
    model = Calibration(weights=weights, bias=bias, likely=0.5, possible=0.5)
    assert model.probability((0.9, 0.5)) > 0.5 > model.probability((0.1, 0.5))


def test_thresholds_keep_silent_expectations_flagged_and_likely_seldom_wrong():
    expectations = [
        Expectation([0.9, 0.4], [True, False]),
        Expectation([0.8, 0.7], [True, False]),
        Expectation([0.6, 0.2], [False, False]),
        Expectation([0.3, 0.1], [False, False]),
        Expectation([0.2, 0.1], [False, False]),
        Expectation([0.1, 0.05], [False, False]),
    ]
    likely, possible = choose_thresholds(expectations, silent_flagged=0.75, likely_wrong=0.0)
    assert possible == 0.4  # the lowest at which three of four silent ones have nothing above
    assert likely == 0.8  # the lowest at which no "Likely" suggestion is wrong


def test_a_feature_the_labelled_policies_never_show_keeps_its_prior_weight():
    rows = [(x / 10, 0, 0, 0, 0) for x in range(10)]
    labels = [x >= 5 for x in range(10)]
    calibration = calibration_of(rows, labels, [range(0, 5), range(5, 10)])
    assert calibration.weights[FEATURES.index("accepted")] == 4.0


def test_every_expectation_of_the_board_checklist_has_concepts_in_the_framework_file():
    data = tomllib.loads((FRAMEWORKS_DIR / "lscb-social-media-2015.toml").read_text())
    expectations = [e for section in data["sections"] for e in section["expectations"]]
    assert len(expectations) == 15
    assert all(len(e["concepts"]) >= 5 for e in expectations)
