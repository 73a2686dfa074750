"""The right of reply in the browser's terms: the agency replies on the review's page, the
reviewer answers and the moderator decides on the replies page, board admins read it."""

import datetime
import html
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
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def in_reply(northgate, alice, rita, mo, charlie):
    return review_in_reply(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)


def version_of(review, code) -> int:
    """The reply's version as the page shows it now: 0 where there is no reply yet."""
    reply = Reply.objects.filter(finding=finding(review, code)).first()
    return reply.lock_version if reply else 0


def post_reply(client, review, code, text=REPLY, lock_version=None):
    gap = finding(review, code)
    return client.post(
        f"/reviews/{review.pk}/findings/{gap.pk}/reply/",
        {
            f"finding-{gap.pk}-text": text,
            "lock_version": version_of(review, code) if lock_version is None else lock_version,
        },
    )


def current(reply) -> int:
    return Reply.objects.get(pk=reply.pk).lock_version


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


def test_the_agency_finishes_replying_and_its_replies_then_stand_as_sent(replied, alice, rita):
    review = replied.finding.review
    client = client_for(alice)
    page = text_of(client.get(f"/reviews/{review.pk}/"))
    assert "Finish replying" in page
    assert "once the board has settled your reply." in page

    response = finish(client, review)

    assert response.status_code == 302
    page = text_of(client.get(response["Location"]))
    assert "You have finished replying. The outcome will be prepared once the board" in page
    assert "that it had finished replying. The outcome will be issued once the board has" in page
    assert "Save your reply on" not in page
    assert "We have finished replying" not in page
    assert fresh(review).reply_closed_at is None
    today = timezone.localdate()
    listing = text_of(client.get("/reviews/"))
    assert f"you finished replying {today.day} {today:%B %Y}, waiting for the board" in listing
    board_view = text_of(client_for(rita).get(f"/reviews/{review.pk}/"))
    assert f"said on {today.day} {today:%B %Y} that it had finished replying." in board_view


def test_an_agency_that_accepts_the_findings_ends_the_reply_at_once(in_reply, alice):
    client = client_for(alice)
    page = text_of(client.get(f"/reviews/{in_reply.pk}/"))
    assert "the outcome will be issued straight away" in page

    response = finish(client, in_reply)

    page = text_of(client.get(response["Location"]))
    assert "You have finished replying. The findings are final" in page
    assert "The findings are final and the outcome is being prepared with your replies." in page
    assert fresh(in_reply).reply_closed_at is not None


def test_the_reviewer_cannot_finish_the_agencys_reply(in_reply, rita):
    response = finish(client_for(rita), in_reply)
    assert response.status_code == 403
    assert fresh(in_reply).reply_finished_at is None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).exists()


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


def test_replies_to_different_findings_from_pages_read_at_once_are_both_saved(in_reply, alice):
    assert post_reply(client_for(alice), in_reply, "1.1", lock_version=0).status_code == 302
    assert post_reply(client_for(alice), in_reply, "1.2", lock_version=0).status_code == 302
    assert Reply.objects.count() == 2


def test_a_reply_changed_from_a_stale_page_is_refused_and_kept_on_the_page(in_reply, alice):
    post_reply(client_for(alice), in_reply, "1.2", text="First version.")
    stale = version_of(in_reply, "1.2")
    post_reply(client_for(alice), in_reply, "1.2", text="Second version.")
    response = post_reply(client_for(alice), in_reply, "1.2", lock_version=stale)
    assert response.status_code == 409
    page = text_of(response)
    assert "Alice Archer changed the reply on finding 1.2 on" in page
    assert REPLY in page
    assert Reply.objects.get().text == "Second version."
    # The page now carries the version just read: saving again from it works.
    versions = re.findall(r'name="lock_version"\s+value="(\d+)"', response.content.decode())
    assert str(version_of(in_reply, "1.2")) in versions


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


def finish(client, review):
    return client.post(f"/reviews/{review.pk}/reply/finished/")


def test_the_reviewer_keeps_a_finding_with_a_reason(replied, alice, rita):
    review = replied.finding.review
    client = client_for(rita)
    page = text_of(client.get(f"/reviews/{review.pk}/replies/"))
    assert "Agency finished replying Not yet: it may still reply" in page
    finish(client_for(alice), review)
    page = text_of(client.get(f"/reviews/{review.pk}/replies/"))
    today = timezone.localdate()
    assert f"Agency finished replying {today.day} {today:%B %Y}" in page
    assert REPLY in page
    assert "Save your answer on 1.2" in page

    response = client.post(
        f"/reviews/{review.pk}/replies/{replied.pk}/answer/",
        {
            f"reply-{replied.pk}-answer": "keep",
            f"reply-{replied.pk}-reason": "Section 4.2 is about staff only.",
            "lock_version": current(replied),
        },
    )

    assert response.status_code == 302
    page = text_of(client.get(response["Location"]))
    assert "The reviewer kept the finding: Section 4.2 is about staff only." in page
    assert "Reply closed, outcome being prepared" in page
    assert "The findings are final and the outcome is being prepared." in page
    assert "Save your" not in page
    assert fresh(review).state == Review.State.IN_REPLY


def test_an_answer_without_a_reason_is_shown_back_with_the_error(replied, rita):
    review = replied.finding.review
    response = client_for(rita).post(
        f"/reviews/{review.pk}/replies/{replied.pk}/answer/",
        {f"reply-{replied.pk}-answer": "keep", "lock_version": current(replied)},
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
            "lock_version": current(replied),
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
        {f"decision-{amended.pk}-decision": "confirm", "lock_version": current(amended)},
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
            "lock_version": current(amended),
        },
    )
    assert response.status_code == 302
    page = text_of(client_for(rita).get(f"/reviews/{review.pk}/replies/"))
    assert "Sent back by the moderator: Messaging apps are not covered on page 4." in page
    assert "Messaging apps are not covered on page 4." in page
    assert "Save your answer on 1.2" in page


def test_sending_back_without_a_note_is_shown_back_with_the_error(amended, mo):
    review = amended.finding.review
    response = client_for(mo).post(
        f"/reviews/{review.pk}/replies/{amended.pk}/decide/",
        {f"decision-{amended.pk}-decision": "reject", "lock_version": current(amended)},
    )
    assert response.status_code == 400
    assert "Say why the amendment goes back to the reviewer" in text_of(response)


def test_the_reviewer_cannot_confirm_their_own_amendment(amended, rita):
    review = amended.finding.review
    response = client_for(rita).post(
        f"/reviews/{review.pk}/replies/{amended.pk}/decide/",
        {f"decision-{amended.pk}-decision": "confirm", "lock_version": current(amended)},
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


# Amendments that move the overall outcome, and amendments with evidence


def test_the_moderator_is_warned_when_an_amendment_changes_the_suggested_overall_outcome(
    amended, mo
):
    page = text_of(client_for(mo).get(f"/reviews/{amended.finding.review_id}/replies/"))
    assert (
        "With this amendment the ratings suggest “Meets expectations” overall, but the review "
        "was signed off as “Meets expectations with recommendations”." in page
    )
    assert "the overall outcome stays as signed off" in page


def test_no_warning_when_the_amendment_leaves_the_suggested_outcome_as_it_is(replied, rita, mo):
    review = replied.finding.review
    client_for(rita).post(
        f"/reviews/{review.pk}/replies/{replied.pk}/answer/",
        {
            f"reply-{replied.pk}-answer": "amend",
            f"reply-{replied.pk}-reason": "The comment was unclear.",
            f"reply-{replied.pk}-proposed_comment": "Contact outside school is not covered.",
            "lock_version": current(replied),
        },
    )
    page = text_of(client_for(mo).get(f"/reviews/{review.pk}/replies/"))
    assert "Save your decision on 1.2" in page
    assert "With this amendment the ratings suggest" not in page


def test_an_amendment_to_met_without_evidence_is_shown_back_against_the_evidence_fields(
    in_reply, alice, rita
):
    in_reply.findings.filter(expectation__code="1.3").update(
        rating=Finding.Rating.NOT_MET,
        comment="Nothing here.",
        evidence_quote="",
        evidence_page=None,
    )
    post_reply(client_for(alice), in_reply, "1.3")
    reply = Reply.objects.get()
    response = client_for(rita).post(
        f"/reviews/{in_reply.pk}/replies/{reply.pk}/answer/",
        {
            f"reply-{reply.pk}-answer": "amend",
            f"reply-{reply.pk}-reason": "Page 7 covers it.",
            f"reply-{reply.pk}-proposed_rating": "met",
            "lock_version": current(reply),
        },
    )
    assert response.status_code == 400
    markup = response.content.decode()
    assert f'href="#id_reply-{reply.pk}-proposed_evidence_quote"' in markup
    page = text_of(response)
    assert "Quote the policy's evidence for 1.3" in page
    assert "Give the page or section of the evidence for 1.3" in page
    assert Reply.objects.get().answer == ""


def test_an_amendment_to_met_with_evidence_is_shown_to_the_moderator(in_reply, alice, rita, mo):
    post_reply(client_for(alice), in_reply, "1.2")
    reply = Reply.objects.get()
    response = client_for(rita).post(
        f"/reviews/{in_reply.pk}/replies/{reply.pk}/answer/",
        {
            f"reply-{reply.pk}-answer": "amend",
            f"reply-{reply.pk}-reason": "Page 7 covers it.",
            f"reply-{reply.pk}-proposed_rating": "met",
            f"reply-{reply.pk}-proposed_evidence_quote": "Staff never meet pupils alone.",
            f"reply-{reply.pk}-proposed_evidence_page": "7",
            "lock_version": current(reply),
        },
    )
    assert response.status_code == 302
    page = text_of(client_for(mo).get(f"/reviews/{in_reply.pk}/replies/"))
    assert "Evidence: “Staff never meet pupils alone.”, page 7" in page


def test_an_answer_from_a_stale_page_is_refused_and_kept_on_the_page(replied, alice, rita):
    review = replied.finding.review
    stale = current(replied)
    post_reply(client_for(alice), review, "1.2", text="Page 4, section 4.2.")
    response = client_for(rita).post(
        f"/reviews/{review.pk}/replies/{replied.pk}/answer/",
        {
            f"reply-{replied.pk}-answer": "keep",
            f"reply-{replied.pk}-reason": "Section 4.2 is about staff only.",
            "lock_version": stale,
        },
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Alice Archer changed the reply on finding 1.2 on" in page
    assert "Section 4.2 is about staff only." in page
    assert "Page 4, section 4.2." in page
    assert Reply.objects.get().answer == ""


# Once the reply has closed


def test_the_agency_sees_its_reply_closed_and_the_outcome_being_prepared(replied, alice, rita):
    review = replied.finding.review
    finish(client_for(alice), review)
    client_for(rita).post(
        f"/reviews/{review.pk}/replies/{replied.pk}/answer/",
        {
            f"reply-{replied.pk}-answer": "keep",
            f"reply-{replied.pk}-reason": "Section 4.2 is about staff only.",
            "lock_version": current(replied),
        },
    )
    closed = fresh(review).reply_closed_at
    client = client_for(alice)
    page = text_of(client.get(f"/reviews/{review.pk}/"))
    assert f"The reply closed on {closed.day} {closed:%B %Y}." in page
    assert "The findings are final and the outcome is being prepared with your replies." in page
    assert "Save your reply on" not in page
    listing = text_of(client.get("/reviews/"))
    assert f"reply closed {closed.day} {closed:%B %Y}, outcome being prepared" in listing
