"""Ranks a policy's passages against each expectation of a framework. Plain Python, no Django.

Words are stemmed and the ideas in concepts.toml (children / CYP / pupils, images / photos / video,
...) become one term each, so a policy that says "pupils" answers an expectation about "children".

Each expectation is looked for through several views, each scored with BM25 over those terms:
its text; its "what good looks like" note; the concepts the board keeps for it in the framework's
data file (everyday wordings of what it asks); and the passages reviewers quoted for it before.
The views' rankings are fused by reciprocal rank, and a logistic model fitted on labelled real
policies (calibration.toml, written by benchmarks/evidence_quality.py --fit) turns a passage's
features into the probability that a reviewer would quote it. Passages above the model's
thresholds are labelled "Likely" or "Possible"; when none is, nothing clearly addresses it.
"""

import math
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import snowballstemmer

VOCABULARY_DIR = Path(__file__).resolve().parent / "vocabulary"
CALIBRATION_FILE = VOCABULARY_DIR / "calibration.toml"

# BM25's usual constants: how quickly repeating a term stops helping, and how much length counts.
K1 = 1.2
B = 0.75
# Reciprocal rank fusion's constant: how much a first place outweighs a tenth.
RRF_K = 10
# Passages each view puts forward for fusion.
VIEW_DEPTH = 20
# A passage covering this share of a view's weight is a full match for that view.
FULL_MATCH_SHARE = 0.35
# How many of the policy's rarest words a concept's words must weigh (by idf) for saying them all
# to count as a full match: a concept whose words every passage says ("safety tips for young
# people") is worth less.
CONCEPT_RARE_WORDS = 1.5
# Quotes accepted before that are considered per expectation, newest first.
ACCEPTED_KEPT = 40

LIKELY = "likely"
POSSIBLE = "possible"
LABELS = {LIKELY: "Likely", POSSIBLE: "Possible"}

_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")

_stemmer = snowballstemmer.stemmer("english")


@cache
def _stopwords() -> frozenset[str]:
    data = tomllib.loads((VOCABULARY_DIR / "concepts.toml").read_text(encoding="utf-8"))
    return frozenset(data["stopwords"].split())


@cache
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


@dataclass(frozen=True)
class Unit:
    """A term of a passage or query, and where it is in the text it came from."""

    term: str
    start: int
    end: int


def _tokens(text: str) -> list[tuple[str, int, int]]:
    lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    result = []
    for match in _TOKEN.finditer(lowered):
        word = match.group()
        if word.endswith("'s"):
            word = word[:-2]
        result.append((word, match.start(), match.end()))
    return result


class Vocabulary:
    """Turns text into terms: stems of words, and concepts for the phrases that name them."""

    def __init__(self, concepts: dict[str, Iterable[str]] | None = None) -> None:
        # Phrases as tuples of stems, longest first at each starting stem.
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for concept, phrases in (concepts or {}).items():
            for phrase in phrases:
                stems = tuple(_stem(word) for word, _, _ in _tokens(phrase))
                if stems:
                    self._phrases[stems[0]].append((stems, f"@{concept}"))
        for candidates in self._phrases.values():
            candidates.sort(key=lambda candidate: -len(candidate[0]))

    def units(self, text: str) -> list[Unit]:
        tokens = _tokens(text)
        stems = [_stem(word) for word, _, _ in tokens]
        units: list[Unit] = []
        stopwords = _stopwords()
        index = 0
        while index < len(tokens):
            concept = self._concept_at(stems, index)
            if concept is not None:
                term, length = concept
                units.append(Unit(term, tokens[index][1], tokens[index + length - 1][2]))
                index += length
                continue
            word, start, end = tokens[index]
            if word not in stopwords and len(word) > 1:
                units.append(Unit(stems[index], start, end))
            index += 1
        return units

    def terms(self, text: str) -> set[str]:
        return {unit.term for unit in self.units(text)}

    def _concept_at(self, stems: list[str], index: int) -> tuple[str, int] | None:
        for phrase, concept in self._phrases.get(stems[index], ()):
            if tuple(stems[index : index + len(phrase)]) == phrase:
                return concept, len(phrase)
        return None


@cache
def default_vocabulary() -> Vocabulary:
    data = tomllib.loads((VOCABULARY_DIR / "concepts.toml").read_text(encoding="utf-8"))
    return Vocabulary(data["concepts"])


@dataclass(frozen=True)
class Calibration:
    """A logistic model over a suggestion's features, and the probabilities that earn a label."""

    weights: tuple[float, ...]
    bias: float
    likely: float
    possible: float

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def label(self, probability: float) -> str:
        if probability >= self.likely:
            return LIKELY
        if probability >= self.possible:
            return POSSIBLE
        return ""


@cache
def default_calibration() -> Calibration:
    data = tomllib.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    return Calibration(
        weights=tuple(float(w) for w in data["weights"]),
        bias=float(data["bias"]),
        likely=float(data["likely"]),
        possible=float(data["possible"]),
    )


@dataclass(frozen=True)
class Query:
    """One expectation and every way of saying what evidence for it looks like."""

    code: str
    text: str
    what_good_looks_like: str = ""
    # The board's everyday wordings of what the expectation asks (the framework's `concepts`).
    concepts: Sequence[str] = ()
    # Passages reviewers quoted as evidence for it in earlier reviews.
    accepted: Sequence[str] = ()


# The features the calibration weighs, in order.
FEATURES = (
    "fused",  # reciprocal-rank fusion of the views, as a share of a first place in all of them
    "best_view",  # the best view's BM25 as a share of a full match
    "concept",  # the largest share of one concept's words the passage says
    "text_cover",  # the share of the expectation text's weight the passage says
    "accepted",  # how closely it says what a reviewer quoted before
)


@dataclass
class Suggestion:
    passage: int  # index into the passages ranked
    score: float  # the calibrated probability that a reviewer would quote it, 0 to 1
    label: str = ""  # LIKELY, POSSIBLE or "" (shown only as a closest passage)
    # Where the passage's matching words are, as (start, end) character offsets.
    matched: list[tuple[int, int]] = field(default_factory=list)
    features: tuple[float, ...] = ()


@dataclass
class _View:
    weights: dict[str, float]
    scores: dict[int, float]
    ideal: float


class PassageIndex:
    """A policy's passages, analysed once and ranked against any number of expectations."""

    def __init__(
        self, passages: Sequence[str], vocabulary: Vocabulary | None = None, *, plain: bool = True
    ) -> None:
        self.vocabulary = vocabulary if vocabulary is not None else default_vocabulary()
        # The same passages in plain stemmed words, for the view that does not merge synonyms:
        # merging "questions, issues or concerns" into one idea also loses how much was said.
        self.plain = PassageIndex(passages, Vocabulary(), plain=False) if plain else None
        self.units = [self.vocabulary.units(text) for text in passages]
        self.counts = [Counter(unit.term for unit in units) for units in self.units]
        self.lengths = [len(units) for units in self.units]
        self.average_length = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        self.postings: dict[str, list[int]] = defaultdict(list)
        for index, counts in enumerate(self.counts):
            for term in counts:
                self.postings[term].append(index)
        self._idf: dict[str, float] = {}
        # The idf of a word only one passage says.
        rarest = math.log(1 + (len(self.counts) - 0.5) / 1.5) if self.counts else 0.0
        self.concept_weight = CONCEPT_RARE_WORDS * rarest

    def idf(self, term: str) -> float:
        if term not in self._idf:
            found = len(self.postings.get(term, ()))
            total = len(self.counts)
            self._idf[term] = math.log(1 + (total - found + 0.5) / (found + 0.5))
        return self._idf[term]

    def _term_score(self, term: str, index: int) -> float:
        frequency = self.counts[index][term]
        norm = K1 * (1 - B + B * self.lengths[index] / (self.average_length or 1))
        return frequency * (K1 + 1) / (frequency + norm)

    def bm25(self, weights: dict[str, float]) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        for term, weight in weights.items():
            idf = self.idf(term)
            for index in self.postings.get(term, ()):
                scores[index] += weight * idf * self._term_score(term, index)
        return scores

    def _view(self, weights: dict[str, float]) -> _View:
        ideal = FULL_MATCH_SHARE * sum(w * self.idf(t) for t, w in weights.items())
        return _View(weights, self.bm25(weights), ideal)

    def _weights(self, texts: Iterable[str]) -> dict[str, float]:
        weights: Counter[str] = Counter()
        for text in texts:
            for term in self.vocabulary.terms(text):
                weights[term] = min(weights[term] + 1.0, 2.0)
        return dict(weights)

    def _cover(self, index: int, terms: set[str], *, least: float = 0.0) -> float:
        """The idf-weighted share of the terms that the passage says. `least` is the weight a set
        of terms must carry to count in full, so that words said everywhere do not make a match."""
        total = max(least, sum(self.idf(term) for term in terms))
        if not total:
            return 0.0
        present = self.counts[index]
        return sum(self.idf(term) for term in terms if term in present) / total

    def features(self, query: Query) -> tuple[list[int], dict[int, tuple[float, ...]], set[str]]:
        """Candidate passages for an expectation, fused best first, with their features."""
        text_terms = self.vocabulary.terms(query.text)
        concept_terms = [self.vocabulary.terms(concept) for concept in query.concepts]
        concept_terms = [terms for terms in concept_terms if len(terms) >= 2]
        views = [self._view(self._weights([query.text]))]
        if query.what_good_looks_like:
            views.append(self._view(self._weights([query.what_good_looks_like])))
        if query.concepts:
            views.append(self._view(self._weights(query.concepts)))
        accepted_terms = [self.vocabulary.terms(q) for q in query.accepted[:ACCEPTED_KEPT]]
        accepted_terms = [terms for terms in accepted_terms if terms]
        accepted = self._accepted_scores(accepted_terms)
        fused: dict[int, float] = defaultdict(float)
        rankings = [view.scores for view in views]
        if self.plain is not None:
            rankings.append(self.plain.bm25(self.plain._weights([query.text])))
        if accepted:
            rankings.append(accepted)
        for scores in rankings:
            ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:VIEW_DEPTH]
            for place, (index, score) in enumerate(ordered, start=1):
                if score > 0:
                    fused[index] += 1 / (RRF_K + place)
        # The views an expectation has, so a passage first in all of them scores 1.
        best_fused = len(rankings) / (RRF_K + 1)
        features = {}
        for index, value in fused.items():
            best_view = max(
                (
                    min(1.0, view.scores.get(index, 0.0) / view.ideal)
                    for view in views
                    if view.ideal
                ),
                default=0.0,
            )
            concept = max(
                (self._cover(index, terms, least=self.concept_weight) for terms in concept_terms),
                default=0.0,
            )
            features[index] = (
                round(value / best_fused, 4),
                round(best_view, 4),
                round(concept, 4),
                round(self._cover(index, text_terms), 4),
                round(accepted.get(index, 0.0), 4),
            )
        ordered = sorted(fused, key=lambda index: (-fused[index], index))
        # The note's wording is the board's prose ("the policy requires staff to ..."): marking
        # its words in a passage would mark noise, so only the text, concepts and quotes are.
        highlight = set().union(
            text_terms, *(self.vocabulary.terms(c) for c in query.concepts), *accepted_terms
        )
        return ordered, features, highlight

    def _accepted_scores(self, quotes: list[set[str]]) -> dict[int, float]:
        """How closely each passage says one of the quotes: the best share of a quote's words."""
        scores: dict[int, float] = {}
        for terms in quotes:
            candidates = {index for term in terms for index in self.postings.get(term, ())}
            for index in candidates:
                cover = self._cover(index, terms)
                # A long passage that happens to hold a short quote's words says less than a match.
                own = self.counts[index]
                back = sum(1 for term in own if term in terms) / (len(own) or 1)
                score = cover * (0.5 + 0.5 * back)
                if score > scores.get(index, 0.0):
                    scores[index] = score
        return scores

    def candidates(self, queries: Sequence[Query]) -> dict[str, tuple[list[int], dict, set[str]]]:
        """Every expectation's candidate passages, fused best first, with their features."""
        return {query.code: self.features(query) for query in queries}

    def rank_all(
        self, queries: Sequence[Query], *, top: int = 3, calibration: Calibration | None = None
    ) -> dict[str, list[Suggestion]]:
        """The best passages for each expectation, most likely first, with their matched words."""
        calibration = calibration or default_calibration()
        result = {}
        for code, (ordered, features, highlight) in self.candidates(queries).items():
            place = {index: n for n, index in enumerate(ordered)}
            scored = sorted(
                ((calibration.probability(features[index]), index) for index in ordered),
                key=lambda item: (-item[0], place[item[1]]),
            )
            result[code] = [
                Suggestion(
                    passage=index,
                    score=round(probability, 3),
                    label=calibration.label(probability),
                    matched=[
                        (unit.start, unit.end)
                        for unit in self.units[index]
                        if unit.term in highlight
                    ],
                    features=features[index],
                )
                for probability, index in scored[:top]
            ]
        return result


def rank_passages(
    passages: Sequence[str],
    queries: Sequence[Query],
    *,
    top: int = 3,
    calibration: Calibration | None = None,
) -> dict[str, list[Suggestion]]:
    """For each expectation code, its best passages."""
    return PassageIndex(passages).rank_all(queries, top=top, calibration=calibration)


def rank_plain_bm25(
    passages: Sequence[str], queries: Sequence[Query], *, top: int = 3
) -> dict[str, list[int]]:
    """Plain BM25 on stemmed words of the expectation's text: the baseline the finder must beat."""
    index = PassageIndex(passages, Vocabulary())
    result = {}
    for query in queries:
        scores = index.bm25(index._weights([query.text]))
        ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        result[query.code] = [i for i, score in ordered[:top] if score > 0]
    return result
