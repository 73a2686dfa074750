"""The reviewer sees the agency's own rating beside each expectation and agrees or challenges
it; the moderator and the outcome show both."""

import html

import pytest
from django.template.loader import render_to_string
from django.test import Client

from outcomes.content import outcome_content
from reviews.models import Review
from reviews.selectors import review_with_history
from reviews.services import review_problems, review_save_findings, review_save_outcome

from ..factories import complete_answers, make_cycle, make_review, make_self_assessment
from .test_reviewing import step_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(northgate, alice, rita, mo, charlie):
    cycle = make_cycle(agencies=[northgate])
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)
    make_self_assessment(cycle=cycle, agency=northgate, member=alice, ratings={"1.1": "met"})
    return review


def first_code(review) -> str:
    return review.findings.order_by("expectation__order").first().expectation.code


def test_the_step_shows_the_agencys_rating_and_asks_whether_the_reviewer_agrees(
    review, rita_client
):
    page = rita_client.get(f"/reviews/{review.pk}/section/1/").content.decode()
    code = first_code(review)
    assert (
        f'The agency\'s own rating<span class="govuk-visually-hidden"> of {code}</span>: Met'
        in page
    )
    assert "“Staff must not befriend children on social media.” (page 1)" in page
    assert f"Do you agree with the agency's rating of {code}?" in page
    assert 'value="challenge"' in page


def test_without_a_submitted_self_assessment_nothing_is_asked(northgate, rita, mo, charlie, alice):
    cycle = make_cycle(agencies=[northgate])
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)
    make_self_assessment(cycle=cycle, agency=northgate, member=alice, submit=False)
    client = Client()
    client.force_login(rita)
    page = client.get(f"/reviews/{review.pk}/section/1/").content.decode()
    assert "The agency's own rating" not in page
    assert "Do you agree with the agency's rating" not in page


def test_a_challenge_needs_a_comment(review, rita_client):
    code = first_code(review).replace(".", "_")
    data = step_data(review, 1, **{code: {"self_assessment_view": "challenge"}})
    response = rita_client.post(f"/reviews/{review.pk}/section/1/", data)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert f"Say why you challenge the agency's rating of {first_code(review)}" in page
    finding = review.findings.get(expectation__code=first_code(review))
    assert finding.self_assessment_view == "challenge"  # kept, as typed


def test_a_challenge_with_its_comment_is_saved(review, rita_client):
    code = first_code(review).replace(".", "_")
    data = step_data(review, 1)
    total = data["findings-TOTAL_FORMS"]
    for index in range(total):
        data[f"findings-{index}-self_assessment_view"] = "agree"
    data["findings-0-self_assessment_view"] = "challenge"
    data["findings-0-self_assessment_comment"] = "The quote is about staff, not volunteers."
    response = rita_client.post(f"/reviews/{review.pk}/section/1/", data)
    assert response.status_code == 302, code
    finding = review.findings.get(expectation__code=first_code(review))
    assert finding.self_assessment_view == "challenge"
    assert finding.self_assessment_comment == "The quote is about staff, not volunteers."


def test_submission_waits_for_a_view_on_every_self_rating(review, rita):
    review = review_save_findings(
        review=review, by=rita, lock_version=review.lock_version, answers=complete_answers(review)
    )
    review = review_save_outcome(
        review=review,
        by=rita,
        lock_version=review.lock_version,
        overall_outcome=Review.Outcome.MEETS,
        override_reason="",
        summary="",
        recommendations=[],
    )
    problems = review_problems(review)
    assert f"Say whether you agree with the agency's rating of {first_code(review)}" in problems
    answers = {
        pk: {"self_assessment_view": "agree", "self_assessment_comment": ""}
        for pk in complete_answers(review)
    }
    review = review_save_findings(
        review=review, by=rita, lock_version=review.lock_version, answers=answers
    )
    assert review_problems(review) == []


def challenged(review, rita) -> Review:
    first = review.findings.order_by("expectation__order").first()
    answers = complete_answers(review)
    for values in answers.values():
        values["self_assessment_view"] = "agree"
    answers[first.pk].update(
        rating="partially_met",
        self_assessment_view="challenge",
        self_assessment_comment="Volunteers are not covered.",
    )
    return review_save_findings(
        review=review, by=rita, lock_version=review.lock_version, answers=answers
    )


def test_the_moderator_sees_both_ratings_and_the_challenge(review, rita, mo):
    challenged(review, rita)
    Review.objects.filter(pk=review.pk).update(state=Review.State.SUBMITTED)
    client = Client()
    client.force_login(mo)
    page = client.get(f"/reviews/{review.pk}/moderate/").content.decode()
    assert "The agency's own rating:</span> Met (the board: Partially met)" in page
    assert "Challenged</strong> Volunteers are not covered." in page
    assert "The reviewer agrees with the agency's rating." in page


def test_the_outcome_keeps_both_ratings_and_the_challenge(review, rita):
    challenged(review, rita)
    content = outcome_content(review_with_history(review))
    first = content["sections"][0]["findings"][0]
    assert first["rating_label"] == "Partially met"
    assert first["self_rating"]["rating_label"] == "Met"
    assert first["self_assessment_view"] == "Challenge"
    assert first["self_assessment_comment"] == "Volunteers are not covered."


def test_a_step_is_not_complete_until_each_self_rating_is_answered(review, rita, rita_client):
    review_save_findings(
        review=review, by=rita, lock_version=review.lock_version, answers=complete_answers(review)
    )
    page = rita_client.get(f"/reviews/{review.pk}/").content.decode()
    status = page.split('id="section-1-status">')[1].split("</div>")[0]
    assert "In progress" in status


def test_the_outcome_document_shows_the_agencys_rating_and_the_challenge(review, rita):
    challenged(review, rita)
    content = outcome_content(review_with_history(review))
    text = html.unescape(render_to_string("outcomes/outcome_pdf.html", {"outcome": content}))
    assert "The agency's own rating: Met" in text
    assert "The board challenges it: Volunteers are not covered." in text
