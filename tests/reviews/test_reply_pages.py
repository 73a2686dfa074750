"""The right of reply in the browser's terms: the agency replies on the review's page, the
reviewer answers and the moderator decides on the replies page, board admins read it."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from reviews.models import Finding, Reply, Review

from .reply_helpers import finding, fresh, review_in_reply

pytestmark = pytest.mark.django_db

REPLY = "Section 4.2 of our policy covers contact with pupils outside school."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def in_reply(northgate, alice, rita, mo, charlie):
    return review_in_reply(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)


def post_reply(client, review, code, text=REPLY, lock_version=None):
    gap = finding(review, code)
    return client.post(
        f"/reviews/{review.pk}/findings/{gap.pk}/reply/",
        {
            f"finding-{gap.pk}-text": text,
            "lock_version": fresh(review).lock_version if lock_version is None else lock_version,
        },
    )


@pytest.fixture
def replied(in_reply, alice):
    post_reply(client_for(alice), in_reply, "1.2")
    return Reply.objects.get()


# The agency


def test_the_agency_sees_the_draft_findings_with_a_reply_form_for_each(in_reply, alice):
    page = text_of(client_for(alice).get(f"/reviews/{in_reply.pk}/"))
    closes = fresh(in_reply).reply_closes_on
    assert "Reply to the draft findings on" in page
    assert f"until {closes.day} {closes:%B %Y}" in page
    assert "Nothing on contact with pupils outside school." in page
    assert "Your reply on the accuracy of finding 1.2" in page
    assert page.count("Save your reply on ") == in_reply.findings.count()


def test_each_reply_form_has_its_own_ids(in_reply, alice):
    html = client_for(alice).get(f"/reviews/{in_reply.pk}/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_the_agency_saves_a_reply_and_sees_it(in_reply, alice):
    client = client_for(alice)
    response = post_reply(client, in_reply, "1.2")
    assert response.status_code == 302
    page = text_of(client.get(response["Location"]))
    assert "Your reply on finding 1.2 is saved." in page
    assert "Your reply " + REPLY in page
    assert "Not answered yet." in page


def test_an_empty_reply_is_shown_back_with_the_error(in_reply, alice):
    response = post_reply(client_for(alice), in_reply, "1.2", text="")
    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page
    assert "Say what is not accurate in finding 1.2" in page
    assert not Reply.objects.exists()


def test_a_reply_from_a_stale_page_is_refused_and_kept_on_the_page(in_reply, alice):
    stale = fresh(in_reply).lock_version
    post_reply(client_for(alice), in_reply, "1.1")
    response = post_reply(client_for(alice), in_reply, "1.2", lock_version=stale)
    assert response.status_code == 409
    page = text_of(response)
    assert "Alice Archer saved this review on" in page
    assert REPLY in page
    assert not Reply.objects.filter(finding__expectation__code="1.2").exists()


def test_a_reply_after_the_reply_ended_is_refused_with_the_reason(in_reply, alice):
    Review.objects.filter(pk=in_reply.pk).update(state=Review.State.SIGNED_OFF)
    client = client_for(alice)
    response = post_reply(client, in_reply, "1.2")
    assert response.status_code == 302
    page = text_of(client.get(response["Location"]))
    assert "This review is signed off, so it cannot be changed." in page
    assert not Reply.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.TRANSITION_REFUSED, actor=alice
    ).exists()


def test_after_its_last_day_the_page_takes_no_more_replies(in_reply, alice):
    last_day = timezone.localdate() - datetime.timedelta(days=1)
    Review.objects.filter(pk=in_reply.pk).update(reply_closes_on=last_day)
    page = text_of(client_for(alice).get(f"/reviews/{in_reply.pk}/"))
    assert f"The reply closed on {last_day.day} {last_day:%B %Y}." in page
    assert "Save your reply on" not in page


def test_another_agency_cannot_see_or_reply(in_reply, bob):
    client = client_for(bob)
    assert client.get(f"/reviews/{in_reply.pk}/").status_code == 404
    assert post_reply(client, in_reply, "1.2").status_code == 404
    assert not Reply.objects.exists()
    refusals = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED, actor=bob)
    assert refusals.count() == 2


def test_the_reviewer_cannot_reply_for_the_agency(in_reply, rita):
    assert post_reply(client_for(rita), in_reply, "1.2").status_code == 403
    assert not Reply.objects.exists()


def test_the_agency_lists_its_review_as_open_for_reply(in_reply, alice):
    page = text_of(client_for(alice).get("/reviews/"))
    assert "draft findings open for your reply until" in page


# The reviewer


def test_the_reviewer_finds_the_replies_from_their_reviews(replied, rita):
    page = client_for(rita).get("/reviews/").content.decode()
    assert f'href="/reviews/{replied.finding.review_id}/replies/"' in page
    assert "Answer the agency’s replies" in page


def test_the_reviewer_keeps_a_finding_with_a_reason(replied, rita):
    review = replied.finding.review
    client = client_for(rita)
    page = text_of(client.get(f"/reviews/{review.pk}/replies/"))
    assert REPLY in page
    assert "Save your answer on 1.2" in page

    response = client.post(
        f"/reviews/{review.pk}/replies/{replied.pk}/answer/",
        {
            f"reply-{replied.pk}-answer": "keep",
            f"reply-{replied.pk}-reason": "Section 4.2 is about staff only.",
            "lock_version": fresh(review).lock_version,
        },
    )

    assert response.status_code == 302
    page = text_of(client.get(response["Location"]))
    assert "The reviewer kept the finding: Section 4.2 is about staff only." in page
    assert fresh(review).state == Review.State.SIGNED_OFF


def test_an_answer_without_a_reason_is_shown_back_with_the_error(replied, rita):
    review = replied.finding.review
    response = client_for(rita).post(
        f"/reviews/{review.pk}/replies/{replied.pk}/answer/",
        {f"reply-{replied.pk}-answer": "keep", "lock_version": fresh(review).lock_version},
    )
    assert response.status_code == 400
    assert "Give the reason for your answer" in text_of(response)


# The moderator


@pytest.fixture
def amended(replied, rita):
    review = replied.finding.review
    client_for(rita).post(
        f"/reviews/{review.pk}/replies/{replied.pk}/answer/",
        {
            f"reply-{replied.pk}-answer": "amend",
            f"reply-{replied.pk}-reason": "Page 4 covers it.",
            f"reply-{replied.pk}-proposed_rating": "met",
            f"reply-{replied.pk}-proposed_comment": "Covered on page 4.",
            "lock_version": fresh(review).lock_version,
        },
    )
    replied.refresh_from_db()
    assert replied.answer == "amend"
    return replied


def test_the_moderator_confirms_an_amendment(amended, mo):
    review = amended.finding.review
    client = client_for(mo)
    page = text_of(client.get(f"/reviews/{review.pk}/replies/"))
    assert "the moderator has still to confirm it" in page
    assert "Rating: Met" in page

    response = client.post(
        f"/reviews/{review.pk}/replies/{amended.pk}/decide/",
        {f"decision-{amended.pk}-decision": "confirm", "lock_version": fresh(review).lock_version},
    )

    assert response.status_code == 302
    assert "You confirmed the amendment" in text_of(client.get(response["Location"]))
    assert finding(review, "1.2").rating == Finding.Rating.MET


def test_the_moderator_sends_an_amendment_back_with_a_note_the_reviewer_reads(amended, mo, rita):
    review = amended.finding.review
    response = client_for(mo).post(
        f"/reviews/{review.pk}/replies/{amended.pk}/decide/",
        {
            f"decision-{amended.pk}-decision": "reject",
            f"decision-{amended.pk}-note": "Messaging apps are not covered on page 4.",
            "lock_version": fresh(review).lock_version,
        },
    )
    assert response.status_code == 302
    page = text_of(client_for(rita).get(f"/reviews/{review.pk}/replies/"))
    assert "Sent back by the moderator on" in page
    assert "Messaging apps are not covered on page 4." in page
    assert "Save your answer on 1.2" in page


def test_sending_back_without_a_note_is_shown_back_with_the_error(amended, mo):
    review = amended.finding.review
    response = client_for(mo).post(
        f"/reviews/{review.pk}/replies/{amended.pk}/decide/",
        {f"decision-{amended.pk}-decision": "reject", "lock_version": fresh(review).lock_version},
    )
    assert response.status_code == 400
    assert "Say why the amendment goes back to the reviewer" in text_of(response)


def test_the_reviewer_cannot_confirm_their_own_amendment(amended, rita):
    review = amended.finding.review
    response = client_for(rita).post(
        f"/reviews/{review.pk}/replies/{amended.pk}/decide/",
        {f"decision-{amended.pk}-decision": "confirm", "lock_version": fresh(review).lock_version},
    )
    assert response.status_code == 403
    assert finding(review, "1.2").rating == Finding.Rating.PARTIALLY_MET


# Board admins and the agency on the replies page


def test_a_board_admin_reads_the_replies_without_forms(amended, charlie):
    page = text_of(client_for(charlie).get(f"/reviews/{amended.finding.review_id}/replies/"))
    assert REPLY in page
    assert "Save your" not in page


def test_the_agency_is_refused_the_boards_replies_page(replied, alice):
    response = client_for(alice).get(f"/reviews/{replied.finding.review_id}/replies/")
    assert response.status_code == 403
