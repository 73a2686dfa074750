"""A board admin changes an open cycle's self-assessment deadline and reply window: audited,
checked against the cycle and what agencies have done, and a new reply window applies only to
reviews signed off afterwards."""

import datetime
import html

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from reviews.models import Review, ReviewCycle
from reviews.services import TransitionRefused
from reviews.services.cycles import cycle_settings_change
from reviews.services.self_assessments import self_assessment_open, self_assessment_save

from ..factories import make_cycle
from .reply_helpers import review_in_reply, signed_off_review

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def dated(cycle, *, due_in: int | None = 10, window: int | None = None) -> ReviewCycle:
    cycle.opens_on, cycle.closes_on = days(-30), days(60)
    cycle.self_assessment_due_on = days(due_in) if due_in is not None else None
    cycle.reply_window_days = window
    cycle.save()
    return cycle


@pytest.fixture
def cycle(northgate):
    return dated(make_cycle(agencies=[northgate]))


def post(client, cycle, *, due_on, window=""):
    data = {"reply_window_days": window}
    if due_on is not None:
        data.update(
            {
                "self_assessment_due_on_0": due_on.day,
                "self_assessment_due_on_1": due_on.month,
                "self_assessment_due_on_2": due_on.year,
            }
        )
    return client.post(f"/cycles/{cycle.pk}/settings/", data, follow=True)


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_admin_moves_the_deadline_and_sets_a_reply_window_and_it_is_audited(charlie_client, cycle):
    new_due = days(20)
    response = post(charlie_client, cycle, due_on=new_due, window="5")
    text = page(response)
    assert f"Agencies assess themselves by {new_due:%-d %B %Y}" in text
    assert "5 working days after sign-off" in text
    event = AuditEvent.objects.get(action=AuditEvent.Action.CYCLE_SETTINGS_CHANGED)
    assert event.actor_email == "charlie@board.test"
    assert event.detail == {
        "self_assessment_due_on": {"from": days(10).isoformat(), "to": new_due.isoformat()},
        "reply_window_days": {"from": None, "to": 5},
    }


def test_a_deadline_before_today_is_refused_with_the_reason_on_the_page(charlie_client, cycle):
    response = post(charlie_client, cycle, due_on=days(-1))
    assert response.status_code == 400
    text = page(response)
    reason = f"must be today ({TODAY:%-d %B %Y}) or later"
    # In the error summary, linked to the date's day, and beside the date.
    assert text.count(reason) == 2
    assert 'href="#id_self_assessment_due_on_0"' in text
    cycle.refresh_from_db()
    assert cycle.self_assessment_due_on == days(10)
    refused = AuditEvent.objects.get(action=AuditEvent.Action.TRANSITION_REFUSED)
    assert refused.detail["service"] == "cycle_settings_change"


def test_a_deadline_after_the_cycle_closes_is_refused(charlie, cycle):
    with pytest.raises(TransitionRefused, match="within the cycle"):
        cycle_settings_change(
            cycle=cycle, by=charlie, self_assessment_due_on=days(61), reply_window_days=None
        )


def test_a_passed_deadline_can_be_extended_for_agencies_that_have_not_submitted(charlie):
    cycle = dated(make_cycle(agencies=[]), due_in=-2)
    assert cycle_settings_change(
        cycle=cycle, by=charlie, self_assessment_due_on=days(7), reply_window_days=None
    )
    cycle.refresh_from_db()
    assert cycle.self_assessment_due_on == days(7)


def test_the_deadline_cannot_be_removed_once_an_agency_has_started(
    charlie_client, cycle, northgate, alice
):
    assessment = self_assessment_open(cycle=cycle, agency=northgate, by=alice)
    rating = assessment.ratings.first()
    self_assessment_save(
        assessment=assessment,
        by=alice,
        lock_version=assessment.lock_version,
        answers={rating.pk: {"rating": "not_met"}},
    )
    response = post(charlie_client, cycle, due_on=None)
    assert response.status_code == 400
    assert "Agencies have started their self-assessments" in page(response)


def test_only_a_board_admin_changes_a_cycle(alice, cycle):
    with pytest.raises(TransitionRefused, match="Only a board admin"):
        cycle_settings_change(
            cycle=cycle, by=alice, self_assessment_due_on=days(5), reply_window_days=None
        )


def test_a_closed_cycle_offers_no_change(charlie_client, cycle):
    ReviewCycle.objects.filter(pk=cycle.pk).update(opens_on=days(-90), closes_on=days(-1))
    response = charlie_client.get(f"/cycles/{cycle.pk}/settings/")
    assert "so it can no longer change" in page(response)
    assert "Save the changes" not in page(response)


def test_a_change_made_meanwhile_by_another_admin_is_not_overwritten(charlie, cycle):
    read = ReviewCycle.objects.get(pk=cycle.pk)
    cycle_settings_change(
        cycle=cycle, by=charlie, self_assessment_due_on=days(15), reply_window_days=None
    )
    with pytest.raises(TransitionRefused, match="changed this cycle's settings meanwhile"):
        cycle_settings_change(
            cycle=read, by=charlie, self_assessment_due_on=days(12), reply_window_days=3
        )
    cycle.refresh_from_db()
    assert (cycle.self_assessment_due_on, cycle.reply_window_days) == (days(15), None)


def test_a_new_reply_window_applies_only_to_reviews_signed_off_afterwards(
    charlie, northgate, southport, rita, mo
):
    in_reply = review_in_reply(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    cycle = dated(in_reply.cycle, due_in=None, window=5)
    cycle.agencies.add(southport)
    closes_on = in_reply.reply_closes_on
    cycle_settings_change(
        cycle=cycle,
        by=charlie,
        self_assessment_due_on=None,
        reply_window_days=10,
    )
    in_reply.refresh_from_db()
    assert in_reply.reply_closes_on == closes_on
    later = signed_off_review(
        agency=southport, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle
    )
    assert later.state == Review.State.IN_REPLY
    assert later.reply_closes_on > closes_on
