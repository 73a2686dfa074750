"""Ranks a policy's passages against each expectation of a framework. Plain Python, no Django.

Words are stemmed and the ideas in concepts.toml (children / CYP / pupils, images / photos / video,
...) become one term each, so a policy that says "pupils" answers an expectation about "children".
Passages are scored with BM25 over those terms, with the expectation's text and its typical
evidence phrases as the query, plus a bonus for a passage that says most of one typical phrase.
A score between 0 and 1 says how much of what the expectation asks a passage covers.
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

# BM25's usual constants: how quickly repeating a term stops helping, and how much length counts.
K1 = 1.2
B = 0.75
# A passage covering this share of the query's weight is a full match: expectations ask several
# things at once, and one passage rarely says all of them.
FULL_MATCH_SHARE = 0.35
# Saying most of a typical evidence phrase counts as much as this share of the phrase's words again.
PHRASE_BONUS = 1.0
PHRASE_COVERAGE = 0.6
# Scores at or above STRONG clearly address the expectation; below SHOWN they are not suggested.
STRONG = 0.5
SHOWN = 0.2

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

    def _concept_at(self, stems: list[str], index: int) -> tuple[str, int] | None:
        for phrase, concept in self._phrases.get(stems[index], ()):
            if tuple(stems[index : index + len(phrase)]) == phrase:
                return concept, len(phrase)
        return None


@cache
def default_vocabulary() -> Vocabulary:
    data = tomllib.loads((VOCABULARY_DIR / "concepts.toml").read_text(encoding="utf-8"))
    return Vocabulary(data["concepts"])


def typical_evidence(framework_code: str) -> dict[str, list[str]]:
    """The typical evidence phrases per expectation code for a framework, if it has any."""
    for path in sorted(VOCABULARY_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if data.get("framework") == framework_code:
            return {
                code: list(entry.get("typical_evidence", []))
                for code, entry in data.get("expectations", {}).items()
            }
    return {}


@dataclass(frozen=True)
class Query:
    code: str
    text: str
    typical_evidence: Sequence[str] = ()


@dataclass
class Suggestion:
    passage: int  # index into the passages ranked
    score: float  # 0 to 1
    # Where the passage's matching words are, as (start, end) character offsets.
    matched: list[tuple[int, int]] = field(default_factory=list)

    @property
    def strong(self) -> bool:
        return self.score >= STRONG


class PassageIndex:
    """A policy's passages, analysed once and ranked against any number of expectations."""

    def __init__(self, passages: Sequence[str], vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary if vocabulary is not None else default_vocabulary()
        self.units = [self.vocabulary.units(text) for text in passages]
        self.counts = [Counter(unit.term for unit in units) for units in self.units]
        self.lengths = [len(units) for units in self.units]
        self.average_length = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        self.postings: dict[str, list[int]] = defaultdict(list)
        for index, counts in enumerate(self.counts):
            for term in counts:
                self.postings[term].append(index)

    def idf(self, term: str) -> float:
        found = len(self.postings.get(term, ()))
        total = len(self.counts)
        return math.log(1 + (total - found + 0.5) / (found + 0.5))

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

    def rank(self, query: Query, *, top: int = 3) -> list[Suggestion]:
        """The best passages for one expectation, strongest first, with the words that matched."""
        weights: Counter[str] = Counter()
        for unit in self.vocabulary.units(query.text):
            weights[unit.term] = 1.0
        phrases = []
        for phrase in query.typical_evidence:
            terms = {unit.term for unit in self.vocabulary.units(phrase)}
            phrases.append(terms)
            for term in terms:
                weights[term] = min(weights[term] + 0.5, 2.0)
        scores = self.bm25(weights)
        for index in scores:
            scores[index] += self._phrase_bonus(index, phrases)
        ideal = FULL_MATCH_SHARE * sum(weight * self.idf(term) for term, weight in weights.items())
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:top]
        return [
            Suggestion(
                passage=index,
                score=round(min(1.0, raw / ideal), 3) if ideal else 0.0,
                matched=[
                    (unit.start, unit.end) for unit in self.units[index] if unit.term in weights
                ],
            )
            for index, raw in best
            if raw > 0
        ]

    def _phrase_bonus(self, index: int, phrases: list[set[str]]) -> float:
        present = self.counts[index]
        best = 0.0
        for terms in phrases:
            if len(terms) < 2:
                continue
            found = [term for term in terms if term in present]
            coverage = len(found) / len(terms)
            if len(found) >= 2 and coverage >= PHRASE_COVERAGE:
                best = max(best, PHRASE_BONUS * coverage * sum(self.idf(term) for term in found))
        return best


def rank_passages(
    passages: Sequence[str], queries: Sequence[Query], *, top: int = 3
) -> dict[str, list[Suggestion]]:
    """For each expectation code, its best passages."""
    index = PassageIndex(passages)
    return {query.code: index.rank(query, top=top) for query in queries}


def rank_plain_bm25(
    passages: Sequence[str], queries: Sequence[Query], *, top: int = 3
) -> dict[str, list[Suggestion]]:
    """Plain BM25 on stemmed words of the expectation's text: the baseline the finder must beat."""
    index = PassageIndex(passages, Vocabulary())
    plain = [Query(query.code, query.text) for query in queries]
    return {query.code: index.rank(query, top=top) for query in plain}
