"""Fitting the evidence finder's calibration on labelled policies. Plain Python, no Django.

A logistic model turns a suggestion's features into the probability that a reviewer would quote
it; the thresholds for "Likely" and "Possible" are then chosen so that, on the labelled policies,
expectations a policy is silent on are mostly flagged as such and "Likely" is seldom wrong.
benchmarks/evidence_quality.py --fit runs this on the development set and writes calibration.toml.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .ranking import FEATURES, Calibration

# A feature the labelled policies cannot teach keeps this weight. Passages like the quotes that
# reviewers accepted from an earlier version of the same policy: the development set has no
# earlier versions, so a near-verbatim match to last year's quote (feature near 1) is given enough
# weight on its own to be "Likely".
PRIOR_WEIGHTS = {"accepted": 4.0}

# Ridge penalty: the development set is small, so weights are kept modest.
L2 = 0.05
STEPS = 1500
LEARNING_RATE = 1.0


def fit_logistic(
    rows: Sequence[Sequence[float]], labels: Sequence[bool]
) -> tuple[tuple[float, ...], float]:
    """Weights and bias of a logistic model, by gradient descent on the mean log-loss."""
    if not rows:
        raise ValueError("Nothing to fit on.")
    width = len(rows[0])
    positives = sum(labels) or 1
    negatives = (len(labels) - sum(labels)) or 1
    # Positives are rare; weigh the two classes equally so the model does not learn "never".
    class_weight = {True: len(labels) / (2 * positives), False: len(labels) / (2 * negatives)}
    weights = [0.0] * width
    bias = 0.0
    count = len(rows)
    for _ in range(STEPS):
        gradient = [0.0] * width
        gradient_bias = 0.0
        for row, label in zip(rows, labels, strict=True):
            z = bias + sum(w * x for w, x in zip(weights, row, strict=True))
            error = (1 / (1 + math.exp(-max(-30.0, min(30.0, z)))) - float(label)) * class_weight[
                bool(label)
            ]
            for j, x in enumerate(row):
                gradient[j] += error * x
            gradient_bias += error
        for j in range(width):
            weights[j] -= LEARNING_RATE * (gradient[j] / count + L2 * weights[j])
        bias -= LEARNING_RATE * gradient_bias / count
    return tuple(round(w, 4) for w in weights), round(bias, 4)


@dataclass(frozen=True)
class Expectation:
    """One expectation of one labelled policy: its candidates' probabilities, and which are gold."""

    probabilities: Sequence[float]  # best first
    gold: Sequence[bool]

    @property
    def silent(self) -> bool:
        return not any(self.gold)


def choose_thresholds(
    expectations: Sequence[Expectation],
    *,
    silent_flagged: float = 0.8,
    likely_wrong: float = 0.05,
    top: int = 3,
) -> tuple[float, float]:
    """(likely, possible): the lowest thresholds that keep both targets on these expectations.

    The targets are stricter than the board's floors (0.75 flagged, 0.1 wrong) so that they still
    hold on a policy the thresholds were not chosen on.

    "Possible" is as low as it can be while at least `silent_flagged` of the silent expectations
    have no suggestion above it, so that as much evidence as possible is still labelled. "Likely"
    is as low as it can be while at most `likely_wrong` of all expectations have a "Likely"
    suggestion that is not evidence.
    """
    candidates = sorted({round(p, 3) for e in expectations for p in e.probabilities[:top]} | {1.0})
    silent = [e for e in expectations if e.silent]

    def flagged(threshold: float) -> float:
        if not silent:
            return 1.0
        return sum(all(p < threshold for p in e.probabilities[:top]) for e in silent) / len(silent)

    def wrong(threshold: float) -> float:
        bad = sum(
            any(
                p >= threshold and not g
                for p, g in zip(e.probabilities[:top], e.gold[:top], strict=True)
            )
            for e in expectations
        )
        return bad / len(expectations)

    possible = next((t for t in candidates if flagged(t) >= silent_flagged), 1.0)
    likely = next((t for t in candidates if t >= possible and wrong(t) <= likely_wrong), 1.0)
    return likely, possible


def calibration_of(
    rows: Sequence[Sequence[float]],
    labels: Sequence[bool],
    grouped: Sequence[Sequence[int]],
) -> Calibration:
    """Fit the model on candidate rows, then its thresholds on the expectations they belong to.

    grouped lists, per expectation, the indexes of its candidate rows.
    """
    weights, bias = fit_logistic(rows, labels)
    weights = tuple(
        PRIOR_WEIGHTS.get(name, weight) if not any(row[j] for row in rows) else weight
        for j, (name, weight) in enumerate(zip(FEATURES, weights, strict=True))
    )
    model = Calibration(weights=weights, bias=bias, likely=1.0, possible=1.0)
    expectations = []
    for indexes in grouped:
        scored = sorted(
            ((model.probability(rows[i]), labels[i]) for i in indexes), key=lambda item: -item[0]
        )
        expectations.append(Expectation([p for p, _ in scored], [g for _, g in scored]))
    likely, possible = choose_thresholds(expectations)
    return Calibration(weights=weights, bias=bias, likely=likely, possible=possible)
