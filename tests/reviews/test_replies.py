"""The agency's right of reply at the service level: the window opens at sign-off, the agency
replies, the reviewer answers, the moderator confirms or sends back, and the reply ends when the
agency has finished and every reply is settled, or the window's last day has passed, and the
outcome is then prepared."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

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
    reply_finish,
    reply_save,
    reply_windows_close_due,
    review_issue_outcome,
)
from reviews.services.lifecycle import working_days_after
from reviews.services.reply_window import reply_window_notify
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


def version_of(review, code) -> int:
    """The reply's version as a page would show it now: 0 where there is no reply yet."""
    reply = Reply.objects.filter(finding=finding(review, code)).first()
    return reply.lock_version if reply else 0


def reply_to(review, code, *, by, text=REPLY) -> Reply:
    return reply_save(
        review=review,
        finding_id=finding(review, code).pk,
        by=by,
        text=text,
        lock_version=version_of(review, code),
    )


def finish(review, *, by) -> Review:
    return reply_finish(review=review, by=by)


def answer(review, reply, *, by, kind, reason="The policy says so on page 4.", **proposed):
    return reply_answer(
        review=review,
        reply_id=reply.pk,
        by=by,
        answer=kind,
        reason=reason,
        lock_version=Reply.objects.get(pk=reply.pk).lock_version,
        **proposed,
    )


def assert_reply_closed(review) -> Review:
    """The reply has ended: still in reply, closed, with the outcome being prepared."""
    review = fresh(review)
    assert review.state == State.IN_REPLY
    assert review.reply_closed_at is not None
    assert Outcome.objects.filter(review=review).exists()
    return review


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


@pytest.mark.parametrize(
    ("nation", "start", "days", "closes_on"),
    [
        # Good Friday and Easter Monday.
        ("ENG", datetime.date(2026, 4, 2), 1, datetime.date(2026, 4, 7)),
        # Christmas Day, then Boxing Day on a Saturday, taken on Monday 28 December.
        ("ENG", datetime.date(2026, 12, 24), 2, datetime.date(2026, 12, 30)),
        # 2 January is a bank holiday in Scotland only; St Andrew's Day likewise.
        ("ENG", datetime.date(2025, 12, 31), 1, datetime.date(2026, 1, 2)),
        ("SCT", datetime.date(2025, 12, 31), 1, datetime.date(2026, 1, 5)),
        ("SCT", datetime.date(2026, 11, 27), 1, datetime.date(2026, 12, 1)),
        # St Patrick's Day in Northern Ireland.
        ("NIR", datetime.date(2026, 3, 16), 1, datetime.date(2026, 3, 18)),
        # No nation: every weekday counts.
        ("", datetime.date(2026, 4, 2), 1, datetime.date(2026, 4, 3)),
    ],
)
def test_the_boards_bank_holidays_are_not_working_days(nation, start, days, closes_on):
    assert working_days_after(start, days, nation=nation) == closes_on


def test_the_window_follows_the_nation_the_board_is_set_to(settings):
    settings.BANK_HOLIDAYS = "SCT"
    assert working_days_after(datetime.date(2025, 12, 31), 1) == datetime.date(2026, 1, 5)


def test_an_unknown_nation_stops_the_service_starting_with_a_clear_message():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            **os.environ,
            "BANK_HOLIDAYS": "Wessex",
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
        },
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "BANK_HOLIDAYS is 'WESSEX': use ENG, WLS, SCT, NIR or leave it empty." in result.stderr


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
    assert "say so on the review's page" in message.body
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


def test_two_members_replying_to_different_findings_at_once_both_succeed(
    in_reply, alice, northgate
):
    nell = UserFactory(email="nell@northgate.test", full_name="Nell North", agency=northgate)
    nell_read, alice_read = version_of(in_reply, "1.1"), version_of(in_reply, "1.2")
    for who, code, read_at in ((nell, "1.1", nell_read), (alice, "1.2", alice_read)):
        reply_save(
            review=in_reply,
            finding_id=finding(in_reply, code).pk,
            by=who,
            text=f"Our policy covers {code}.",
            lock_version=read_at,
        )
    replies = Reply.objects.order_by("finding__expectation__order")
    assert [(r.finding.expectation.code, r.replied_by) for r in replies] == [
        ("1.1", nell),
        ("1.2", alice),
    ]
    assert not events(in_reply, AuditEvent.Action.EDIT_CONFLICT).exists()


def test_the_same_reply_changed_from_a_stale_page_is_a_conflict(in_reply, alice, northgate):
    nell = UserFactory(email="nell@northgate.test", full_name="Nell North", agency=northgate)
    reply_to(in_reply, "1.2", by=alice)
    read_at = version_of(in_reply, "1.2")
    reply_to(in_reply, "1.2", by=nell, text="Nell's version.")
    with pytest.raises(EditConflict) as conflict:
        reply_save(
            review=in_reply,
            finding_id=finding(in_reply, "1.2").pk,
            by=alice,
            text="Alice's second version.",
            lock_version=read_at,
        )
    assert conflict.value.reason.startswith("Nell North changed the reply on finding 1.2 on ")
    assert Reply.objects.get().text == "Nell's version."
    assert events(in_reply, AuditEvent.Action.EDIT_CONFLICT).get().actor == alice


def test_a_first_reply_from_a_page_read_before_another_members_first_reply_is_a_conflict(
    in_reply, alice, northgate
):
    nell = UserFactory(email="nell@northgate.test", full_name="Nell North", agency=northgate)
    reply_to(in_reply, "1.2", by=nell, text="Nell's reply.")
    with pytest.raises(EditConflict):
        reply_save(
            review=in_reply,
            finding_id=finding(in_reply, "1.2").pk,
            by=alice,
            text=REPLY,
            lock_version=0,
        )
    assert Reply.objects.get().text == "Nell's reply."


def test_an_answer_from_a_page_read_before_the_agency_changed_its_reply_is_a_conflict(
    in_reply, alice, rita
):
    reply = reply_to(in_reply, "1.2", by=alice)
    read_at = reply.lock_version
    reply_to(in_reply, "1.2", by=alice, text="Page 4, section 4.2.")
    with pytest.raises(EditConflict):
        reply_answer(
            review=in_reply,
            reply_id=reply.pk,
            by=rita,
            answer=Reply.Answer.KEEP,
            reason="It is about staff.",
            lock_version=read_at,
        )
    assert Reply.objects.get().answer == ""


# The reviewer answers


def test_keeping_the_only_reply_once_the_agency_has_finished_ends_the_reply(in_reply, alice, rita):
    reply = reply_to(in_reply, "1.2", by=alice)
    finish(in_reply, by=alice)
    assert fresh(in_reply).reply_closed_at is None
    answer(in_reply, reply, by=rita, kind=Reply.Answer.KEEP, reason="4.2 is about staff only.")

    review = assert_reply_closed(in_reply)
    assert Reply.objects.get().answer_reason == "4.2 is about staff only."
    closed = events(review, AuditEvent.Action.REPLY_WINDOW_CLOSED).get()
    assert closed.detail == {
        "why": "the agency finished replying and every reply is settled",
        "replies": 1,
        "settled": 1,
    }
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
            "amended_evidence": "",
        }
    ]


def test_settling_every_reply_leaves_the_rest_of_the_window_to_the_agency(in_reply, alice, rita):
    """An agency that replied to one finding may still reply to others until it says it has
    finished or the window's last day passes."""
    reply = reply_to(in_reply, "1.2", by=alice)
    answer(in_reply, reply, by=rita, kind=Reply.Answer.KEEP)

    assert fresh(in_reply).reply_closed_at is None
    assert not Outcome.objects.filter(review=in_reply).exists()
    reply_to(in_reply, "1.1", by=alice)
    assert Reply.objects.count() == 2


def test_finishing_without_a_reply_ends_the_reply_at_once(in_reply, alice):
    """An agency that accepts the findings need not wait for the window to pass."""
    finish(in_reply, by=alice)

    review = assert_reply_closed(in_reply)
    finished = events(review, AuditEvent.Action.REPLY_FINISHED).get()
    assert (finished.actor, finished.detail) == (alice, {"replies": 0, "settled": 0})


def test_once_the_agency_has_finished_its_replies_stand_as_sent(in_reply, alice, rita):
    reply_to(in_reply, "1.2", by=alice)
    finish(in_reply, by=alice)

    with pytest.raises(TransitionRefused, match="said on .* that it had finished replying"):
        reply_to(in_reply, "1.1", by=alice)
    with pytest.raises(TransitionRefused, match="finished replying"):
        finish(in_reply, by=alice)
    assert Reply.objects.get().text == REPLY
    assert fresh(in_reply).reply_closed_at is None


def test_only_a_member_of_the_agency_finishes_its_reply(in_reply, rita, bob):
    for person in (rita, bob):
        with pytest.raises(TransitionRefused, match="Only a member of"):
            finish(in_reply, by=person)
    assert fresh(in_reply).reply_finished_at is None
    refused = events(in_reply, AuditEvent.Action.TRANSITION_REFUSED)
    assert {event.detail["service"] for event in refused} == {"reply_finish"}
    assert refused.count() == 2


def test_finishing_after_the_last_day_is_refused(in_reply, alice):
    Review.objects.filter(pk=in_reply.pk).update(
        reply_closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(TransitionRefused, match="The reply closed on"):
        finish(fresh(in_reply), by=alice)


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
    finish(in_reply, by=alice)
    assert fresh(in_reply).state == State.IN_REPLY
    assert finding(in_reply, "1.2").rating == Rating.PARTIALLY_MET

    reply_amendment_confirm(
        review=in_reply, reply_id=reply.pk, by=mo, lock_version=reply.lock_version
    )

    gap = finding(in_reply, "1.2")
    assert (gap.rating, gap.comment) == (Rating.MET, "Section 4.2 covers contact outside school.")
    confirmed = events(in_reply, AuditEvent.Action.REPLY_AMENDMENT_CONFIRMED).get()
    before = confirmed.detail["before"]
    assert (before["rating"], before["comment"]) == ("partially_met", GAP_COMMENT)
    assert confirmed.detail["after"]["rating"] == "met"
    review = assert_reply_closed(in_reply)
    content = Outcome.objects.get(review=review).content
    assert content["replies"][0]["outcome"] == "The finding was amended"
    assert content["replies"][0]["amended_rating_label"] == "Met"
    rated = {f["code"]: f["rating_label"] for s in content["sections"] for f in s["findings"]}
    assert rated["1.2"] == "Met"


def test_an_amendment_sent_back_returns_to_the_reviewer_with_the_note(in_reply, alice, rita, mo):
    reply = amend(in_reply, reply_to(in_reply, "1.2", by=alice), by=rita)
    finish(in_reply, by=alice)

    reply_amendment_reject(
        review=in_reply,
        reply_id=reply.pk,
        by=mo,
        note="Messaging apps are covered in section 6.",
        lock_version=reply.lock_version,
    )

    reply.refresh_from_db()
    assert (reply.answer, reply.answered_at, reply.proposed_rating) == ("", None, "met")
    assert reply.moderator_note == "Messaging apps are covered in section 6."
    assert finding(in_reply, "1.2").rating == Rating.PARTIALLY_MET
    rejected = events(in_reply, AuditEvent.Action.REPLY_AMENDMENT_REJECTED).get()
    assert rejected.detail == {"finding": "1.2", "note": "Messaging apps are covered in section 6."}
    answer(in_reply, reply, by=rita, kind=Reply.Answer.KEEP, reason="Section 6 covers it.")
    assert_reply_closed(in_reply)


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
                lock_version=reply.lock_version,
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

    review = assert_reply_closed(in_reply)
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
    assert_reply_closed(in_reply)


# Once the reply has closed


def test_nothing_changes_once_the_reply_has_closed(in_reply, alice, rita):
    reply = reply_to(in_reply, "1.2", by=alice)
    answer(in_reply, reply, by=rita, kind=Reply.Answer.KEEP)
    finish(in_reply, by=alice)
    assert_reply_closed(in_reply)

    with pytest.raises(TransitionRefused) as refused:
        reply_to(in_reply, "1.1", by=alice)
    assert refused.value.reason == "The agency's reply has closed, so it cannot be changed."
    assert Reply.objects.count() == 1


def test_the_outcome_is_issued_from_in_reply_only_once_the_reply_has_closed(in_reply, alice, rita):
    with pytest.raises(TransitionRefused) as refused:
        review_issue_outcome(review=in_reply, by=None, detail={})
    assert refused.value.reason == (
        "The agency's reply is still open, so the outcome cannot be issued."
    )
    reply = reply_to(in_reply, "1.2", by=alice)
    answer(in_reply, reply, by=rita, kind=Reply.Answer.KEEP)
    with pytest.raises(TransitionRefused):
        review_issue_outcome(review=in_reply, by=None, detail={})
    finish(in_reply, by=alice)

    review_issue_outcome(review=in_reply, by=None, detail={"reference": in_reply.reference})

    assert fresh(in_reply).state == State.OUTCOME_ISSUED


# Amending a Not met finding with evidence


@pytest.fixture
def not_met(in_reply):
    """1.3 rated Not met, with no evidence."""
    in_reply.findings.filter(expectation__code="1.3").update(
        rating=Rating.NOT_MET,
        comment="Nothing on online contact.",
        evidence_quote="",
        evidence_page=None,
        evidence_section="",
    )
    return in_reply


EVIDENCE = {
    "proposed_rating": Rating.MET,
    "proposed_evidence_quote": "Staff never contact pupils through personal accounts.",
    "proposed_evidence_page": 7,
}


def test_a_not_met_finding_is_amended_to_met_with_its_evidence_on_confirmation(
    not_met, alice, rita, mo
):
    reply = reply_to(not_met, "1.3", by=alice)
    finish(not_met, by=alice)
    reply = answer(not_met, reply, by=rita, kind=Reply.Answer.AMEND, **EVIDENCE)
    assert finding(not_met, "1.3").rating == Rating.NOT_MET

    reply_amendment_confirm(
        review=not_met, reply_id=reply.pk, by=mo, lock_version=reply.lock_version
    )

    amended = finding(not_met, "1.3")
    assert (amended.rating, amended.evidence_quote, amended.evidence_page) == (
        Rating.MET,
        "Staff never contact pupils through personal accounts.",
        7,
    )
    after = events(not_met, AuditEvent.Action.REPLY_AMENDMENT_CONFIRMED).get().detail["after"]
    assert after["evidence_page"] == 7
    annex = Outcome.objects.get(review=not_met).content["replies"][0]
    assert annex["amended_evidence"] == (
        "“Staff never contact pupils through personal accounts.” (page 7)"
    )


def test_amending_a_not_met_finding_to_met_without_evidence_is_refused(not_met, alice, rita):
    reply = reply_to(not_met, "1.3", by=alice)
    with pytest.raises(TransitionRefused) as refused:
        answer(not_met, reply, by=rita, kind=Reply.Answer.AMEND, proposed_rating=Rating.MET)
    assert refused.value.reason == (
        "The amended finding is incomplete: Quote the policy's evidence for 1.3; Give the page "
        "or section of the evidence for 1.3"
    )
    assert Reply.objects.get().answer == ""


# Two people deciding at once


def test_a_moderators_decision_from_a_stale_page_is_a_conflict(in_reply, alice, rita, mo):
    reply = amend(in_reply, reply_to(in_reply, "1.2", by=alice), by=rita)
    reply_amendment_reject(
        review=in_reply,
        reply_id=reply.pk,
        by=mo,
        note="Look at section 6.",
        lock_version=reply.lock_version,
    )
    reply = amend(in_reply, reply, by=rita)
    with pytest.raises(EditConflict):
        reply_amendment_confirm(
            review=in_reply, reply_id=reply.pk, by=mo, lock_version=reply.lock_version - 1
        )
    assert finding(in_reply, "1.2").rating == Rating.PARTIALLY_MET
