"""The moderator's page: a submitted review read on one page, signed off or returned."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from reviews.models import ReturnRound, Review, SignOff
from reviews.services import (
    MODERATOR_ATTESTATION,
    RecommendationInput,
    review_return,
    review_save_findings,
    review_save_outcome,
    review_sign_off,
    review_submit,
)

from ..factories import UserFactory, complete_answers, make_cycle, make_review

pytestmark = pytest.mark.django_db

QUOTE = "Staff must not befriend children or young people on social media."


def url(review) -> str:
    return f"/reviews/{review.pk}/moderate/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def mo_client(mo):
    return client_for(mo)


def answer(review, *, by, recommendations=()) -> Review:
    """Take the review to the point where it can be submitted."""
    review = review_save_findings(
        review=review, by=by, lock_version=review.lock_version, answers=complete_answers(review)
    )
    return review_save_outcome(
        review=review,
        by=by,
        lock_version=review.lock_version,
        overall_outcome="meets",
        override_reason="",
        summary="Clear policy.",
        recommendations=list(recommendations),
    )


def submit(review, *, by, recommendations=()) -> Review:
    review = answer(review, by=by, recommendations=recommendations)
    return review_submit(review=review, by=by, lock_version=review.lock_version)


@pytest.fixture
def submitted(northgate, rita, mo, charlie):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    return submit(review, by=rita)


def events(review, action):
    return AuditEvent.objects.filter(action=action, object_id=str(review.pk))


def test_moderate_page_shows_every_finding_with_its_evidence(mo_client, submitted):
    response = mo_client.get(url(submitted))
    assert response.status_code == 200
    page = response.content.decode()
    for code in ["1.1", "1.6", "2.4", "3.5"]:
        assert f'id="finding-{code.replace(".", "")}"' in page
    assert page.count('<blockquote class="govuk-inset-text') == 15
    assert QUOTE in page
    assert "Page 1" in page
    assert "Clear policy." in page


def test_moderate_page_offers_both_forms_while_submitted(mo_client, submitted):
    page = mo_client.get(url(submitted)).content.decode()
    assert MODERATOR_ATTESTATION in page
    assert re.search(r'name="action"\s+value="sign_off"', page)
    assert re.search(r'name="action"\s+value="return"', page)
    assert "Say what the reviewer needs to change" in page


def test_moderator_signs_off_through_the_page(mo_client, submitted, mo):
    response = mo_client.post(url(submitted), {"action": "sign_off", "attest": "on"})
    assert response.status_code == 302
    assert response.url == url(submitted)
    submitted.refresh_from_db()
    assert submitted.state == Review.State.SIGNED_OFF
    sign_off = SignOff.objects.get(review=submitted, role=SignOff.Role.MODERATOR)
    assert sign_off.signed_by == mo
    assert sign_off.signed_by_name == "Mo Moreau"
    assert sign_off.attestation == MODERATOR_ATTESTATION


def test_sign_off_is_audited(mo_client, submitted, mo):
    mo_client.post(url(submitted), {"action": "sign_off", "attest": "on"})
    event = events(submitted, AuditEvent.Action.REVIEW_SIGNED_OFF).get()
    assert event.actor == mo


def test_signed_off_page_shows_the_state_and_the_sign_offs_without_forms(mo_client, submitted):
    response = mo_client.post(url(submitted), {"action": "sign_off", "attest": "on"}, follow=True)
    page = response.content.decode()
    assert "You signed off the review." in page
    assert "Signed off</strong>" in page
    assert "Rita Reyes" in page and "Mo Moreau" in page
    assert 'name="action"' not in page


def test_sign_off_without_confirming_the_statement_is_refused(mo_client, submitted):
    response = mo_client.post(url(submitted), {"action": "sign_off"})
    assert response.status_code == 400
    assert "Confirm the statement to sign off the review" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == Review.State.SUBMITTED
    assert not SignOff.objects.filter(review=submitted, role=SignOff.Role.MODERATOR).exists()


def test_moderator_returns_the_review_with_comments(mo_client, submitted, mo):
    response = mo_client.post(
        url(submitted), {"action": "return", "comments": "Quote the policy for 3.1."}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == Review.State.RETURNED
    assert submitted.round == 2
    returned = ReturnRound.objects.get(review=submitted)
    assert (returned.round, returned.returned_by, returned.comments) == (
        1,
        mo,
        "Quote the policy for 3.1.",
    )


def test_returned_comments_are_listed_in_the_history(mo_client, submitted):
    mo_client.post(url(submitted), {"action": "return", "comments": "Quote the policy for 3.1."})
    page = mo_client.get(url(submitted)).content.decode()
    assert "Returned to the reviewer</caption>" in page
    assert "Quote the policy for 3.1." in page
    assert 'name="action"' not in page


def test_return_without_comments_is_refused(mo_client, submitted):
    response = mo_client.post(url(submitted), {"action": "return", "comments": "   "})
    assert response.status_code == 400
    assert "Say what the reviewer needs to change" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == Review.State.SUBMITTED
    assert not ReturnRound.objects.filter(review=submitted).exists()


def test_another_moderator_cannot_find_the_review(submitted):
    other = UserFactory(email="maya@board.test", is_moderator=True)
    response = client_for(other).post(url(submitted), {"action": "sign_off", "attest": "on"})
    assert response.status_code == 404
    assert events(submitted, AuditEvent.Action.ACCESS_REFUSED).get().actor == other
    submitted.refresh_from_db()
    assert submitted.state == Review.State.SUBMITTED


def test_reviewer_cannot_sign_off_their_own_review(rita_client, submitted, rita):
    response = rita_client.post(url(submitted), {"action": "sign_off", "attest": "on"})
    assert response.status_code == 403
    assert events(submitted, AuditEvent.Action.ACCESS_REFUSED).get().actor == rita
    submitted.refresh_from_db()
    assert submitted.state == Review.State.SUBMITTED


def test_board_admin_who_is_not_the_moderator_cannot_use_the_page(charlie_client, submitted):
    assert charlie_client.get(url(submitted)).status_code == 403
    assert events(submitted, AuditEvent.Action.ACCESS_REFUSED).exists()


def test_sign_off_of_a_review_in_progress_is_refused_and_changes_nothing(
    mo_client, northgate, rita, mo, charlie
):
    review = answer(
        make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie), by=rita
    )
    response = mo_client.post(url(review), {"action": "sign_off", "attest": "on"})
    assert response.status_code == 400
    assert "This review is in progress, not submitted." in response.content.decode()
    after = Review.objects.get(pk=review.pk)
    assert (after.state, after.lock_version) == (Review.State.IN_PROGRESS, review.lock_version)
    assert not SignOff.objects.filter(review=review).exists()


def test_moderate_page_shows_no_forms_while_the_reviewer_works(
    mo_client, northgate, rita, mo, charlie
):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    response = mo_client.get(url(review))
    assert response.status_code == 200
    assert "Assigned</strong>" in response.content.decode()
    assert 'name="action"' not in response.content.decode()


def test_an_unknown_action_changes_nothing(mo_client, submitted):
    response = mo_client.post(url(submitted), {"action": "withdraw", "attest": "on"})
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.state == Review.State.SUBMITTED


@pytest.mark.parametrize("state", ["assigned", "in_progress", "submitted"])
def test_agency_member_cannot_see_a_draft_review(
    alice_client, alice, state, northgate, rita, mo, charlie
):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    if state == "in_progress":
        review = answer(review, by=rita)
    elif state == "submitted":
        review = submit(review, by=rita)
    assert review.state == state
    assert alice_client.get(url(review)).status_code == 404
    assert events(review, AuditEvent.Action.ACCESS_REFUSED).get().actor == alice


def test_agency_member_reads_the_signed_off_review(alice_client, submitted, mo):
    review_sign_off(review=submitted, by=mo, attest=True)
    response = alice_client.get(f"/reviews/{submitted.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert QUOTE in page
    assert MODERATOR_ATTESTATION in page
    assert 'name="action"' not in page


def queries(client, review) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(review))
    assert response.status_code == 200
    return len(captured)


def recommend(review, count: int) -> list[RecommendationInput]:
    findings = list(review.findings.order_by("expectation__order").values_list("pk", flat=True))
    return [
        RecommendationInput(text=f"Recommendation {n}", finding_ids=tuple(findings[n : n + 3]))
        for n in range(count)
    ]


def returned_and_resubmitted(review, *, rita, mo, returns: int, recommendations: int) -> Review:
    for round_ in range(1, returns + 1):
        review = submit(review, by=rita, recommendations=recommend(review, recommendations))
        review = review_return(review=review, by=mo, comments=f"Round {round_}: check 1.2.")
    return submit(review, by=rita, recommendations=recommend(review, recommendations))


def test_moderate_page_queries_do_not_grow_with_recommendations_and_returns(
    mo_client, northgate, southport, rita, mo, charlie
):
    # Both have been returned at least once: with no return at all Django skips the query for
    # who returned it, which is one query fewer rather than growth.
    cycle = make_cycle(agencies=[northgate, southport])
    small = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)
    small = returned_and_resubmitted(small, rita=rita, mo=mo, returns=1, recommendations=2)
    large = make_review(agency=southport, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)
    large = returned_and_resubmitted(large, rita=rita, mo=mo, returns=3, recommendations=10)
    assert (large.state, large.returns.count(), large.recommendations.count()) == (
        Review.State.SUBMITTED,
        3,
        10,
    )

    assert queries(mo_client, small) == queries(mo_client, large)
