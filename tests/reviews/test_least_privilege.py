"""Reviewers and moderators read only the policy versions under their reviews; agencies read
their review's outcome, not what the moderator said to the reviewer."""

import pytest
from django.test import Client

from audit.models import AuditEvent
from reviews.services import (
    review_return,
    review_save_findings,
    review_save_outcome,
    review_sign_off,
    review_submit,
)

from ..factories import PolicyVersionFactory, complete_answers, make_review

pytestmark = pytest.mark.django_db

RETURN_COMMENT = "Quote the policy itself for 3.1, not the intranet page."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def version_url(version) -> str:
    return f"/policies/{version.document_id}/versions/{version.number}/"


@pytest.fixture
def review(northgate, rita, mo, charlie):
    return make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)


def refusals(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED, actor=user))


def test_a_reviewer_reads_the_version_under_review(rita_client, review):
    assert rita_client.get(version_url(review.policy_version)).status_code == 200


def test_a_reviewer_is_refused_another_version_of_the_same_policy(rita_client, rita, review):
    newer = PolicyVersionFactory(document=review.policy_version.document, number=2)
    assert rita_client.get(version_url(newer)).status_code == 404
    assert rita_client.get(version_url(newer) + "download/").status_code == 404
    events = refusals(rita)
    assert len(events) == 2 and events[0].object_id == str(newer.pk)


def test_a_reviewers_policy_page_lists_only_the_version_under_review(rita_client, review):
    document = review.policy_version.document
    newer = PolicyVersionFactory(document=document, number=2, version_label="9.9-unseen")
    page = rita_client.get(f"/policies/{document.pk}/").content.decode()
    assert version_url(review.policy_version) in page
    assert version_url(newer) not in page and "9.9-unseen" not in page


def test_a_reviewer_is_refused_a_policy_of_an_agency_they_do_not_review(
    rita_client, rita, review, southport
):
    theirs = PolicyVersionFactory(document__agency=southport, number=1)
    assert rita_client.get(version_url(theirs)).status_code == 404
    assert refusals(rita)[0].agency == southport


def test_a_moderator_reads_only_the_version_under_review(mo, review):
    newer = PolicyVersionFactory(document=review.policy_version.document, number=2)
    client = client_for(mo)
    assert client.get(version_url(review.policy_version)).status_code == 200
    assert client.get(version_url(newer)).status_code == 404


def test_agency_members_and_board_admins_read_every_version(alice_client, charlie_client, review):
    newer = PolicyVersionFactory(document=review.policy_version.document, number=2)
    for client in (alice_client, charlie_client):
        assert client.get(version_url(newer)).status_code == 200
        assert client.get(version_url(review.policy_version)).status_code == 200


@pytest.fixture
def published_after_a_return(review, rita, mo):
    def answer_and_submit(review):
        review = review_save_findings(
            review=review,
            by=rita,
            lock_version=review.lock_version,
            answers=complete_answers(review),
        )
        review = review_save_outcome(
            review=review,
            by=rita,
            lock_version=review.lock_version,
            overall_outcome="meets",
            override_reason="",
            summary="Clear policy.",
            recommendations=[],
        )
        return review_submit(review=review, by=rita, lock_version=review.lock_version)

    review = answer_and_submit(review)
    review = review_return(review=review, by=mo, comments=RETURN_COMMENT)
    review = answer_and_submit(review)
    return review_sign_off(review=review, by=mo, attest=True)


def test_an_agency_member_never_sees_the_moderators_return_comments(
    alice_client, published_after_a_return
):
    page = alice_client.get(f"/reviews/{published_after_a_return.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sign-offs" in html
    assert RETURN_COMMENT not in html and "Returned to the reviewer" not in html


def test_the_board_still_sees_the_return_comments(charlie_client, published_after_a_return):
    html = charlie_client.get(f"/reviews/{published_after_a_return.pk}/").content.decode()
    assert RETURN_COMMENT in html
