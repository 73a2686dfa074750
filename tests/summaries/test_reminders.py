"""Reminders by email: who gets which, each sent once per trigger, even when runs repeat."""

import datetime
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from policies.models import PolicyVersion
from summaries.models import Action, SentReminder
from summaries.services.reminders import (
    digest_send,
    reminder_deliver,
    reminders_record,
    reminders_send_due,
    review_reminders,
)

from ..factories import AgencyFactory, UserFactory, lscb_framework, make_cycle
from ..worker import running_worker, wait_for
from .helpers import counted_review, ready_version

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def go(send=reminders_send_due, today=TODAY):
        with django_capture_on_commit_callbacks(execute=True):
            return send(today=today)

    return go


def review_due_in(days, *, cycle, rita, mo, state="in_progress"):
    return counted_review(
        agency=AgencyFactory(),
        cycle=cycle,
        reviewer=rita,
        moderator=mo,
        state=state,
        ratings="",
        due_on=TODAY + timedelta(days=days),
    )


@pytest.mark.django_db
def test_reviewers_are_reminded_14_7_and_1_days_before_and_when_overdue(run, cycle, rita, mo):
    review = review_due_in(14, cycle=cycle, rita=rita, mo=mo)
    for day, expected in [(0, 1), (1, 1), (7, 2), (8, 2), (13, 3), (14, 3), (15, 4), (20, 4)]:
        run(today=TODAY + timedelta(days=day))
        assert len(mail.outbox) == expected, day
    assert [m.to for m in mail.outbox] == [[rita.email]] * 4
    triggers = list(
        SentReminder.objects.filter(object_id=str(review.pk))
        .order_by("pk")
        .values_list("trigger", flat=True)
    )
    due = review.due_on
    assert triggers == [
        f"14 days before {due}",
        f"7 days before {due}",
        f"1 day before {due}",
        f"overdue since {due}",
    ]
    assert "Overdue" in mail.outbox[-1].subject


@pytest.mark.django_db
def test_a_submitted_or_signed_off_review_is_not_reminded(run, cycle, rita, mo):
    review_due_in(1, cycle=cycle, rita=rita, mo=mo, state="submitted")
    review_due_in(-3, cycle=cycle, rita=rita, mo=mo, state="signed_off")
    review_due_in(-3, cycle=cycle, rita=rita, mo=mo, state="withdrawn")
    assert run() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_running_again_sends_nothing_twice(run, cycle, rita, mo, alice, northgate_review):
    review_due_in(7, cycle=cycle, rita=rita, mo=mo)
    finding = northgate_review.findings.get(expectation__code="1.2")
    Action.objects.create(
        finding=finding,
        review=northgate_review,
        agency=northgate_review.agency,
        description="Rewrite section 2",
        owner="Lead",
        due_on=TODAY - timedelta(days=1),
    )
    first = run()
    assert first == 2 and len(mail.outbox) == 2
    assert run() == 0 and run() == 0
    assert len(mail.outbox) == 2
    assert SentReminder.objects.count() == 2


@pytest.mark.django_db
def test_a_second_worker_cannot_record_the_same_reminder(run, cycle, rita, mo):
    """As if two workers both read "not yet sent" before either inserted."""
    review_due_in(7, cycle=cycle, rita=rita, mo=mo)
    reminders = list(review_reminders(TODAY))
    run(send=lambda today: len(reminders_record(reminders)))
    # The second run skips the check that reads what was sent and goes straight to the insert.
    from summaries.services import reminders as module

    original = module._already_sent
    module._already_sent = lambda found: set()
    try:
        assert run(send=lambda today: len(reminders_record(reminders))) == 0
    finally:
        module._already_sent = original
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_reminder_is_delivered_once_however_often_delivery_runs(run, cycle, rita, mo):
    review_due_in(1, cycle=cycle, rita=rita, mo=mo)
    run()
    row = SentReminder.objects.get()
    assert reminder_deliver(reminder_id=row.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_send_is_tried_again_on_a_later_run(run, cycle, rita, mo, settings):
    review_due_in(1, cycle=cycle, rita=rita, mo=mo)
    settings.EMAIL_BACKEND = "tests.summaries.failing_email.Backend"
    run()
    row = SentReminder.objects.get()
    assert row.sent_at is None and "refused" in row.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    SentReminder.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(hours=1))
    run()
    assert len(mail.outbox) == 1
    assert SentReminder.objects.get().sent_at is not None


@pytest.mark.django_db
def test_agency_members_are_reminded_of_actions_and_policies_past_review(
    run, alice, bob, northgate_review
):
    finding = northgate_review.findings.get(expectation__code="2.1")
    Action.objects.create(
        finding=finding,
        review=northgate_review,
        agency=northgate_review.agency,
        description="Train staff",
        owner="Lead",
        due_on=TODAY + timedelta(days=3),
    )
    PolicyVersion.objects.filter(document__agency=northgate_review.agency).update(
        next_review_date=TODAY - timedelta(days=10)
    )
    run()
    assert sorted(m.subject for m in mail.outbox) == [
        "Action on expectation 2.1 due on 4 June 2026",
        "Northgate Council social media policy is past its review date",
    ]
    assert all(m.to == [alice.email] for m in mail.outbox)
    assert not any("Southport" in m.body or "Southport" in m.subject for m in mail.outbox)


@pytest.mark.django_db
def test_board_admins_get_one_weekly_digest_of_everything_overdue(run, charlie, cycle, rita, mo):
    review_due_in(-2, cycle=cycle, rita=rita, mo=mo)
    assert run(send=digest_send) == 1
    assert run(send=digest_send, today=TODAY + timedelta(days=2)) == 0  # the same week
    assert run(send=digest_send, today=TODAY + timedelta(days=7)) == 1
    assert [m.to for m in mail.outbox] == [[charlie.email]] * 2
    assert "Reviews overdue: 1" in mail.outbox[0].body


@pytest.mark.django_db
def test_people_see_what_was_sent_to_them_and_nothing_else(run, cycle, rita, mo, rita_client):
    review_due_in(7, cycle=cycle, rita=rita, mo=mo)
    other = UserFactory(is_reviewer=True)
    counted_review(
        agency=AgencyFactory(name="Hidden Agency"),
        cycle=cycle,
        reviewer=other,
        moderator=mo,
        state="assigned",
        ratings="",
        due_on=TODAY + timedelta(days=7),
    )
    run()
    page = rita_client.get(reverse("summaries:messages")).content.decode()
    assert page.count('class="govuk-summary-card"') == 1
    assert "Hidden Agency" not in page


@pytest.mark.django_db(transaction=True)
def test_beat_messages_delivered_twice_to_a_real_worker_send_each_reminder_once():
    from summaries.tasks import reminders_send_due as task

    reviewer, moderator = UserFactory(is_reviewer=True), UserFactory(is_moderator=True)
    cycle = make_cycle(agencies=[], framework=lscb_framework())
    for days in (1, 5, 10):
        counted_review(
            agency=AgencyFactory(),
            cycle=cycle,
            reviewer=reviewer,
            moderator=moderator,
            state="assigned",
            ratings="",
            due_on=timezone.localdate() + timedelta(days=days),
        )
    ready_version(AgencyFactory())
    with running_worker():
        task.delay()
        task.delay()

        def three_sent():
            """three reminders to be sent"""
            connection.close()
            return SentReminder.objects.filter(sent_at__isnull=False).count() == 3

        wait_for(three_sent)
        # A later run sends only what is new.
        counted_review(
            agency=AgencyFactory(),
            cycle=cycle,
            reviewer=reviewer,
            moderator=moderator,
            state="assigned",
            ratings="",
            due_on=timezone.localdate() + timedelta(days=2),
        )
        task.delay()

        def four_sent():
            """the new review's reminder to be sent"""
            connection.close()
            return SentReminder.objects.filter(sent_at__isnull=False).count() == 4

        wait_for(four_sent)
    assert len(mail.outbox) == 4
    assert len({(m.subject) for m in mail.outbox}) == 4
    assert SentReminder.objects.count() == 4
