"""The demo board: made once, with last year's signed-off cycle and the agencies' actions."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from outcomes.models import Outcome
from policies.demo import demo_seed
from policies.demo_reviews import CURRENT_CYCLE, PREVIOUS_CYCLE
from policies.models import Agency, PolicyVersion
from reviews.models import Review, ReviewCycle
from reviews.services import frameworks_load_all
from summaries.figures import cycle_summary
from summaries.models import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    frameworks_load_all()
    assert demo_seed() is True


def _counts() -> dict:
    return {
        "cycles": ReviewCycle.objects.count(),
        "reviews": Review.objects.count(),
        "signed off": Review.objects.filter(state=Review.State.SIGNED_OFF).count(),
        "outcomes": Outcome.objects.count(),
        "actions": Action.objects.count(),
        "versions": PolicyVersion.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


def test_seeding_twice_makes_the_history_once(seeded, capsys):
    before = _counts()
    call_command("seed_demo")
    assert "already present" in capsys.readouterr().out
    assert _counts() == before
    assert before["cycles"] == 2
    assert before["actions"] == 4


def test_every_demo_agency_was_signed_off_in_the_previous_cycle(seeded):
    previous = ReviewCycle.objects.get(name=PREVIOUS_CYCLE)
    reviews = previous.reviews.all()
    assert sorted(r.agency.name for r in reviews) == sorted(
        Agency.objects.values_list("name", flat=True)
    )
    assert {r.state for r in reviews} == {Review.State.SIGNED_OFF}
    # Each sign-off took its outcome, to be rendered once the worker runs.
    assert Outcome.objects.filter(review__in=reviews).count() == 3
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REVIEW_SIGNED_OFF).count() == 4


def test_the_current_cycle_has_a_signed_off_review_against_a_newer_policy(seeded):
    current = ReviewCycle.objects.get(name=CURRENT_CYCLE)
    signed_off = current.reviews.get(state=Review.State.SIGNED_OFF)
    assert signed_off.policy_version.version_label == "2.0"
    assert Outcome.objects.filter(review=signed_off).exists()
    assert current.reviews.filter(state=Review.State.ASSIGNED).count() == 2


def test_the_dashboard_shows_ratings_gaps_and_change_since_the_previous_cycle(seeded):
    previous = cycle_summary(ReviewCycle.objects.get(name=PREVIOUS_CYCLE))
    assert previous.coverage.signed_off == 3
    assert len(previous.heat_map.rows) == 3
    assert {"met", "partially_met", "not_met", "not_applicable"} <= {
        rating for _, ratings in previous.heat_map.rows for rating in ratings.values()
    }
    assert previous.gaps
    current = cycle_summary(ReviewCycle.objects.get(name=CURRENT_CYCLE))
    changes = {c.label: c.difference for c in current.change_by_expectation}
    assert changes["1.4"] > 0


def test_agencies_have_planned_and_in_progress_actions_one_overdue(seeded):
    open_actions = Action.objects.exclude(status=Action.Status.DONE)
    assert {a.status for a in open_actions} == {
        Action.Status.PLANNED,
        Action.Status.IN_PROGRESS,
    }
    assert {a.finding.rating for a in open_actions} <= {"partially_met", "not_met"}
    assert open_actions.filter(due_on__lt=timezone.localdate()).count() == 1
