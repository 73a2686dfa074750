"""An outcome whose task was lost is queued again by Celery beat; one still in hand is left."""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from outcomes.models import Outcome
from outcomes.services import outcome_retry
from outcomes.tasks import (
    STUCK_AFTER,
    outcome_notify_task,
    outcome_render_task,
    outcomes_requeue_stale,
)
from reviews.models import Review

from ..factories import make_cycle, make_review
from .conftest import sign_off

pytestmark = pytest.mark.django_db


def preparing_since(review, *, ago: timedelta, status=Outcome.Status.PENDING) -> Outcome:
    Outcome.objects.filter(review=review).update(
        status=status, status_changed_at=timezone.now() - ago
    )
    return Outcome.objects.get(review=review)


@pytest.fixture
def fresh(northgate, rita, mo, charlie):
    review = make_review(
        agency=northgate,
        reviewer=rita,
        moderator=mo,
        admin=charlie,
        cycle=make_cycle(agencies=[northgate], name="Next cycle"),
    )
    return sign_off(review, reviewer=rita, moderator=mo)


def test_the_beat_schedule_runs_the_requeue():
    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "outcomes.tasks.outcomes_requeue_stale" in tasks


def test_an_old_stuck_outcome_is_queued_again_and_a_fresh_one_left(
    signed_off, fresh, django_capture_on_commit_callbacks
):
    preparing_since(signed_off, ago=STUCK_AFTER + timedelta(minutes=1))
    preparing_since(fresh, ago=STUCK_AFTER - timedelta(minutes=1))
    with (
        mock.patch.object(outcome_render_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert outcomes_requeue_stale() == 1
    delay.assert_called_once_with(signed_off.pk)


def test_running_the_requeue_twice_queues_a_stuck_outcome_once(
    signed_off, django_capture_on_commit_callbacks
):
    preparing_since(
        signed_off, ago=STUCK_AFTER + timedelta(minutes=1), status=Outcome.Status.RENDERING
    )
    with (
        mock.patch.object(outcome_render_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert outcomes_requeue_stale() == 1
        assert outcomes_requeue_stale() == 0
    assert delay.call_count == 1
    assert Outcome.objects.get(review=signed_off).status == Outcome.Status.PENDING


def test_a_retried_outcome_of_an_old_review_is_not_queued_twice(
    signed_off, charlie, django_capture_on_commit_callbacks
):
    preparing_since(signed_off, ago=timedelta(days=2), status=Outcome.Status.FAILED)
    with (
        mock.patch.object(outcome_render_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        outcome_retry(review=signed_off, by=charlie)
        assert outcomes_requeue_stale() == 0
    delay.assert_called_once_with(signed_off.pk)


def test_ready_and_failed_outcomes_are_never_queued_again(
    signed_off, fresh, django_capture_on_commit_callbacks
):
    preparing_since(signed_off, ago=timedelta(days=2), status=Outcome.Status.FAILED)
    outcome_render_task.apply(args=[fresh.pk])
    preparing_since(fresh, ago=timedelta(days=2), status=Outcome.Status.READY)
    with (
        mock.patch.object(outcome_render_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert outcomes_requeue_stale() == 0
    delay.assert_not_called()


def test_a_stuck_outcome_queued_again_is_issued(signed_off, django_capture_on_commit_callbacks):
    preparing_since(
        signed_off, ago=STUCK_AFTER + timedelta(minutes=1), status=Outcome.Status.RENDERING
    )
    with (
        mock.patch.object(
            outcome_render_task,
            "delay",
            side_effect=lambda review_id: outcome_render_task.apply(args=[review_id]),
        ),
        mock.patch.object(outcome_notify_task, "delay") as notify,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert outcomes_requeue_stale() == 1
    outcome = Outcome.objects.get(review=signed_off)
    assert outcome.status == Outcome.Status.READY
    notify.assert_called_once_with(outcome.pk)
    signed_off.refresh_from_db()
    assert signed_off.state == Review.State.OUTCOME_ISSUED
