"""A signing certificate made for the tests in a temporary folder, and signed-off reviews."""

import pytest

from outcomes.signing import certificate_create
from reviews.services import (
    RecommendationInput,
    review_save_findings,
    review_save_outcome,
    review_sign_off,
    review_submit,
    suggested_outcome,
)

from ..factories import complete_answers, make_review

PASSPHRASE = "test-only-passphrase"
BOARD = "Wexcombe Safeguarding Children Partnership"


@pytest.fixture(scope="session")
def board_p12(tmp_path_factory):
    path = tmp_path_factory.mktemp("signing") / "board.p12"
    certificate_create(path=path, passphrase=PASSPHRASE, board_name=BOARD)
    return path


@pytest.fixture(scope="session")
def stranger_p12(tmp_path_factory):
    path = tmp_path_factory.mktemp("stranger") / "stranger.p12"
    certificate_create(path=path, passphrase="stranger", board_name="Someone Else Entirely")
    return path


@pytest.fixture(autouse=True)
def _signing(settings, board_p12):
    settings.OUTCOME_SIGNING_PKCS12 = board_p12
    settings.OUTCOME_SIGNING_PASSPHRASE = PASSPHRASE
    settings.OUTCOME_TIMESTAMP_URL = ""
    settings.BOARD_NAME = BOARD
    return board_p12


def sign_off(review, *, reviewer, moderator, ratings=None, recommendations=()):
    """Answer, submit and sign off a review; every expectation met unless `ratings` says."""
    answers = complete_answers(review)
    for finding in review.findings.select_related("expectation"):
        rating = (ratings or {}).get(finding.expectation.code)
        if rating:
            answers[finding.pk]["rating"] = rating
            if rating == "not_met":
                answers[finding.pk]["comment"] = f"Nothing on {finding.expectation.code}."
            if rating == "not_applicable":
                answers[finding.pk]["not_applicable_reason"] = "The agency has no such staff."
    review = review_save_findings(
        review=review, by=reviewer, lock_version=review.lock_version, answers=answers
    )
    review = review_save_outcome(
        review=review,
        by=reviewer,
        lock_version=review.lock_version,
        overall_outcome=suggested_outcome(a["rating"] for a in answers.values()),
        override_reason="",
        summary="A clear policy that staff can follow.",
        recommendations=[RecommendationInput(text=text) for text in recommendations],
    )
    review = review_submit(review=review, by=reviewer, lock_version=review.lock_version)
    return review_sign_off(review=review, by=moderator, attest=True)


@pytest.fixture
def signed_off(northgate, rita, mo, charlie):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    return sign_off(
        review,
        reviewer=rita,
        moderator=mo,
        ratings={"2.3": "partially_met", "3.4": "not_met", "1.5": "not_applicable"},
        recommendations=["Say who approves images of children before they are posted."],
    )
