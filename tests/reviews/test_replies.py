"""The agency's right of reply at the service level: the window opens at sign-off, the agency
replies, the reviewer answers, the moderator confirms or sends back, and the reply ends when every
reply is settled or the window's last day has passed."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from outcomes.models import Outcome
from reviews.models import Finding, Reply, Review
from reviews.services import (
    EditConflict,
    TransitionRefused,
    reply_amendment_confirm,
    reply_amendment_reject,
    reply_answer,
    reply_save,
    reply_windows_close_due,
)
from reviews.services.lifecycle import working_days_after
from reviews.services.replies import reply_window_notify
from reviews.tasks import reply_window_notify_task, reply_windows_close

from ..factories import UserFactory
from .reply_helpers import (
    GAP_COMMENT,
    finding,
    fresh,
    review_in_reply,
    signed_off_review,
)

pytestmark = pytest.mark.django_db

State = Review.State
Rating = Finding.Rating
REPLY = "Section 4.2 of our policy covers contact with pupils outside school."


@pytest.fixture
def in_reply(northgate, alice, rita, mo, charlie):
    return review_in_reply(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)


def events(review, action):
    return AuditEvent.objects.filter(action=action, object_id=str(review.pk))


def reply_to(review, code, *, by, text=REPLY) -> Reply:
    return reply_save(
        review=review,
        finding_id=finding(review, code).pk,
        by=by,
        text=text,
        lock_version=fresh(review).lock_version,
    )


def answer(review, reply, *, by, kind, reason="The policy says so on page 4.", **proposed):
    return reply_answer(
        review=review,
        reply_id=reply.pk,
        by=by,
        answer=kind,
        reason=reason,
        lock_version=fresh(review).lock_version,
        **proposed,
    )


def amend(review, reply, *, by):
    return answer(
        review,
        reply,
        by=by,
        kind=Reply.Answer.AMEND,
        proposed_rating=Rating.MET,
        proposed_comment="Section 4.2 covers contact outside school.",
    )


# Working days


@pytest.mark.parametrize(
    ("start", "days", "closes_on"),
    [
        (datetime.date(2026, 3, 6), 5, datetime.date(2026, 3, 13)),  # Friday: next Friday
        (datetime.date(2026, 3, 4), 3, datetime.date(2026, 3, 9)),  # Wednesday: Monday
        (datetime.date(2026, 3, 7), 1, datetime.date(2026, 3, 9)),  # Saturday: Monday
    ],
)
def test_the_window_counts_working_days_monday_to_friday(start, days, closes_on):
    assert working_days_after(start, days) == closes_on


# Opening the window


def test_signing_off_with_a_reply_window_opens_it_instead_of_preparing_the_outcome(in_reply):
    review = fresh(in_reply)
    assert review.state == State.IN_REPLY
    assert review.get_state_display() == "Open for the agency's reply"
    assert review.reply_closes_on == working_days_after(timezone.localdate(), 5)
    assert not Outcome.objects.filter(review=review).exists()
    opened = events(review, AuditEvent.Action.REPLY_WINDOW_OPENED).get()
    assert opened.detail == {"working_days": 5, "closes_on": review.reply_closes_on.isoformat()}


def test_signing_off_without_a_reply_window_prepares_the_outcome(northgate, rita, mo, charlie):
    review = signed_off_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    assert fresh(review).state == State.SIGNED_OFF
    assert fresh(review).reply_closes_on is None
    assert Outcome.objects.get(review=review).status == Outcome.Status.PENDING


def test_the_agency_is_emailed_once_that_it_may_reply(in_reply, alice, northgate):
    UserFactory(email="second@northgate.test", full_name="Nell North", agency=northgate)

    assert reply_window_notify(review_id=in_reply.pk) == 2
    assert reply_window_notify(review_id=in_reply.pk) == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@northgate.test", "second@northgate.test"]
    assert "you may reply" in message.subject
    closes = fresh(in_reply).reply_closes_on
    assert f"until {closes.day} {closes:%B %Y}" in message.body
    assert f"/reviews/{in_reply.pk}/" in message.body
    assert events(in_reply, AuditEvent.Action.REPLY_WINDOW_NOTIFIED).count() == 1


# The agency replies


def test_a_member_of_the_agency_replies_to_a_finding(in_reply, alice):
    reply = reply_to(in_reply, "1.2", by=alice)

    assert (reply.text, reply.replied_by, reply.answer) == (REPLY, alice, "")
    saved = events(in_reply, AuditEvent.Action.REPLY_SAVED).get()
    assert saved.actor == alice
    assert saved.detail == {"finding": "1.2", "text": REPLY}
    assert fresh(in_reply).state == State.IN_REPLY


def test_the_agency_changes_its_reply_until_it_is_answered(in_reply, alice, rita):
    reply_to(in_reply, "1.2", by=alice)
    reply = reply_to(in_reply, "1.2", by=alice, text="Page 4, section 4.2.")
    assert reply.text == "Page 4, section 4.2."
    answer(in_reply, reply, by=rita, kind=Reply.Answer.KEEP)

    with pytest.raises(TransitionRefused) as refused:
        reply_to(in_reply, "1.2", by=alice, text="Changed after the answer.")
    assert "Only a member" not in refused.value.reason


def test_another_agency_cannot_reply(in_reply, bob):
    with pytest.raises(TransitionRefused) as refused:
        reply_to(in_reply, "1.2", by=bob)
    assert refused.value.reason == "Only a member of Northgate Council can reply to its findings."
    assert not Reply.objects.exists()
    assert events(in_reply, AuditEvent.Action.TRANSITION_REFUSED).get().actor == bob


def test_a_reply_after_the_last_day_is_refused(in_reply, alice):
    last_day = timezone.localdate() - datetime.timedelta(days=1)
    Review.objects.filter(pk=in_reply.pk).update(reply_closes_on=last_day)
    with pytest.raises(TransitionRefused) as refused:
        reply_to(fresh(in_reply), "1.2", by=alice)
    assert refused.value.reason.startswith(f"The reply closed on {last_day.day} ")
    assert not Reply.objects.exists()


def test_an_empty_reply_is_refused(in_reply, alice):
    with pytest.raises(TransitionRefused, match="Say what is not accurate in this finding"):
        reply_to(in_reply, "1.2", by=alice, text="   ")


def test_a_reply_from_a_page_read_before_another_save_is_a_conflict(in_reply, alice, northgate):
    nell = UserFactory(email="nell@northgate.test", full_name="Nell North", agency=northgate)
    read_at = fresh(in_reply).lock_version
    reply_to(in_reply, "1.1", by=nell)
    with pytest.raises(EditConflict) as conflict:
        reply_save(
            review=in_reply,
            finding_id=finding(in_reply, "1.2").pk,
            by=alice,
            text=REPLY,
            lock_version=read_at,
        )
    assert conflict.value.reason.startswith("Nell North saved this review on ")
    assert not Reply.objects.filter(finding__expectation__code="1.2").exists()
    assert events(in_reply, AuditEvent.Action.EDIT_CONFLICT).get().actor == alice


# The reviewer answers


def test_keeping_the_only_reply_ends_the_reply_and_prepares_the_outcome(in_reply, alice, rita):
    reply = reply_to(in_reply, "1.2", by=alice)
    answer(in_reply, reply, by=rita, kind=Reply.Answer.KEEP, reason="4.2 is about staff only.")

    review = fresh(in_reply)
    assert review.state == State.SIGNED_OFF
    assert Reply.objects.get().answer_reason == "4.2 is about staff only."
    closed = events(review, AuditEvent.Action.REPLY_WINDOW_CLOSED).get()
    assert closed.detail == {"why": "every reply settled", "replies": 1, "settled": 1}
    annex = Outcome.objects.get(review=review).content["replies"]
    assert annex == [
        {
            "code": "1.2",
            "text": REPLY,
            "replied_at_display": annex[0]["replied_at_display"],
            "outcome": "The finding was kept",
            "answer_reason": "4.2 is about staff only.",
            "amended_rating_label": "",
            "amended_comment": "",
        }
    ]


def test_keeping_a_finding_needs_a_reason(in_reply, alice, rita):
    reply = reply_to(in_reply, "1.2", by=alice)
    with pytest.raises(TransitionRefused, match="Give the reason for your answer"):
        answer(in_reply, reply, by=rita, kind=Reply.Answer.KEEP, reason=" ")
    assert Reply.objects.get().answer == ""


def test_an_amendment_that_would_leave_the_finding_incomplete_is_refused(in_reply, alice, rita):
    reply = reply_to(in_reply, "1.1", by=alice)
    with pytest.raises(TransitionRefused) as refused:
        answer(
            in_reply,
            reply,
            by=rita,
            kind=Reply.Answer.AMEND,
            proposed_rating=Rating.NOT_MET,
        )
    assert refused.value.reason == (
        "The amended finding is incomplete: Say what is missing from the policy for 1.1"
    )


def test_only_the_reviewer_answers(in_reply, alice, mo):
    reply = reply_to(in_reply, "1.2", by=alice)
    with pytest.raises(TransitionRefused, match="Only the review's reviewer"):
        answer(in_reply, reply, by=mo, kind=Reply.Answer.KEEP)


# The moderator decides on an amendment


def test_a_confirmed_amendment_changes_the_finding_and_ends_the_reply(in_reply, alice, rita, mo):
    reply = amend(in_reply, reply_to(in_reply, "1.2", by=alice), by=rita)
    assert fresh(in_reply).state == State.IN_REPLY
    assert finding(in_reply, "1.2").rating == Rating.PARTIALLY_MET

    reply_amendment_confirm(
        review=in_reply, reply_id=reply.pk, by=mo, lock_version=fresh(in_reply).lock_version
    )

    gap = finding(in_reply, "1.2")
    assert (gap.rating, gap.comment) == (Rating.MET, "Section 4.2 covers contact outside school.")
    confirmed = events(in_reply, AuditEvent.Action.REPLY_AMENDMENT_CONFIRMED).get()
    assert confirmed.detail["before"] == {"rating": "partially_met", "comment": GAP_COMMENT}
    assert confirmed.detail["after"]["rating"] == "met"
    review = fresh(in_reply)
    assert review.state == State.SIGNED_OFF
    content = Outcome.objects.get(review=review).content
    assert content["replies"][0]["outcome"] == "The finding was amended"
    assert content["replies"][0]["amended_rating_label"] == "Met"
    rated = {f["code"]: f["rating_label"] for s in content["sections"] for f in s["findings"]}
    assert rated["1.2"] == "Met"


def test_an_amendment_sent_back_returns_to_the_reviewer_with_the_note(in_reply, alice, rita, mo):
    reply = amend(in_reply, reply_to(in_reply, "1.2", by=alice), by=rita)

    reply_amendment_reject(
        review=in_reply,
        reply_id=reply.pk,
        by=mo,
        note="Messaging apps are covered in section 6.",
        lock_version=fresh(in_reply).lock_version,
    )

    reply.refresh_from_db()
    assert (reply.answer, reply.answered_at, reply.proposed_rating) == ("", None, "met")
    assert finding(in_reply, "1.2").rating == Rating.PARTIALLY_MET
    rejected = events(in_reply, AuditEvent.Action.REPLY_AMENDMENT_REJECTED).get()
    assert rejected.detail == {"finding": "1.2", "note": "Messaging apps are covered in section 6."}
    answer(in_reply, reply, by=rita, kind=Reply.Answer.KEEP, reason="Section 6 covers it.")
    assert fresh(in_reply).state == State.SIGNED_OFF


def test_sending_back_needs_a_note(in_reply, alice, rita, mo):
    reply = amend(in_reply, reply_to(in_reply, "1.2", by=alice), by=rita)
    with pytest.raises(TransitionRefused, match="Say why the amendment goes back"):
        reply_amendment_reject(review=in_reply, reply_id=reply.pk, by=mo, note="", lock_version=0)


def test_only_the_moderator_confirms(in_reply, alice, rita, charlie):
    reply = amend(in_reply, reply_to(in_reply, "1.2", by=alice), by=rita)
    for person in (rita, charlie, alice):
        with pytest.raises(TransitionRefused, match="Only the review's moderator"):
            reply_amendment_confirm(
                review=in_reply,
                reply_id=reply.pk,
                by=person,
                lock_version=fresh(in_reply).lock_version,
            )
    assert finding(in_reply, "1.2").rating == Rating.PARTIALLY_MET


# The window's last day passes


def test_the_window_closes_after_its_last_day_once_however_often_it_runs(in_reply, alice):
    reply_to(in_reply, "1.2", by=alice)
    last_day = fresh(in_reply).reply_closes_on

    assert reply_windows_close_due(today=last_day) == 0
    assert fresh(in_reply).state == State.IN_REPLY

    day_after = last_day + datetime.timedelta(days=1)
    assert reply_windows_close_due(today=day_after) == 1
    assert reply_windows_close_due(today=day_after) == 0

    review = fresh(in_reply)
    assert review.state == State.SIGNED_OFF
    closed = events(review, AuditEvent.Action.REPLY_WINDOW_CLOSED).get()
    assert closed.actor is None
    assert closed.detail == {"why": "the reply window closed", "replies": 1, "settled": 0}
    annex = Outcome.objects.get(review=review).content["replies"]
    assert [(r["code"], r["outcome"]) for r in annex] == [
        ("1.2", "Not answered before the reply ended")
    ]
    assert not events(review, AuditEvent.Action.TRANSITION_REFUSED).exists()


def test_signing_off_emails_the_agency_once_the_sign_off_commits(
    northgate, alice, rita, mo, charlie, monkeypatch, django_capture_on_commit_callbacks
):
    # The worker's part, run here as it would run there.
    monkeypatch.setattr(reply_window_notify_task, "delay", reply_window_notify_task)
    with django_capture_on_commit_callbacks(execute=True):
        review = review_in_reply(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)

    assert [m.to for m in mail.outbox] == [["alice@northgate.test"]]
    assert review.reference in mail.outbox[0].subject


def test_the_beat_task_ends_replies_past_their_last_day(in_reply):
    Review.objects.filter(pk=in_reply.pk).update(
        reply_closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert reply_windows_close() == 1
    assert reply_windows_close() == 0
    assert fresh(in_reply).state == State.SIGNED_OFF
    assert Outcome.objects.filter(review=in_reply).exists()
