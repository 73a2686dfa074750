"""The demo board: made once, with last year's signed-off cycle and the agencies' actions."""

from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from demo.seed import demo_seed
from demo.story import CURRENT_CYCLE, PREVIOUS_CYCLE
from outcomes.models import Outcome
from outcomes.signing import certificate_create
from policies.models import Agency, PolicyVersion
from reviews.models import Review, ReviewCycle
from reviews.services import frameworks_load_all
from summaries.figures import cycle_summary
from summaries.models import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    # No signing certificate: the outcomes stay queued for the worker.
    settings.OUTCOME_SIGNING_PKCS12 = tmp_path / "missing.p12"
    frameworks_load_all()
    assert demo_seed() is True


@pytest.fixture
def seeded_and_issued(settings, tmp_path):
    """Seeded where the board's certificate is there, as scripts/run.sh makes it first."""
    settings.OUTCOME_SIGNING_PKCS12 = tmp_path / "board.p12"
    settings.OUTCOME_SIGNING_PASSPHRASE = "demo-test-passphrase"
    settings.OUTCOME_TIMESTAMP_URL = ""
    certificate_create(
        path=settings.OUTCOME_SIGNING_PKCS12,
        passphrase=settings.OUTCOME_SIGNING_PASSPHRASE,
        board_name=settings.BOARD_NAME,
    )
    frameworks_load_all()
    assert demo_seed() is True


def _year(moment: datetime) -> int:
    return timezone.localtime(moment).year


def _review_events(review):
    return AuditEvent.objects.filter(object_type="reviews.Review", object_id=str(review.pk))


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
    # Three last year; this year the police's and the youth trust's (after its reply).
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REVIEW_SIGNED_OFF).count() == 5


def test_the_current_cycle_has_a_signed_off_review_against_a_newer_policy(seeded):
    current = ReviewCycle.objects.get(name=CURRENT_CYCLE)
    signed_off = current.reviews.get(state=Review.State.SIGNED_OFF, reply_closes_on=None)
    assert signed_off.policy_version.version_label == "2.0"
    assert Outcome.objects.filter(review=signed_off).exists()
    assert current.reviews.filter(state=Review.State.ASSIGNED).count() == 1


def test_the_dashboard_shows_ratings_and_gaps_and_withholds_a_change_of_one_agency(seeded):
    previous = cycle_summary(ReviewCycle.objects.get(name=PREVIOUS_CYCLE))
    assert previous.coverage.signed_off == 3
    assert len(previous.heat_map.rows) == 3
    assert {"met", "partially_met", "not_met", "not_applicable"} <= {
        rating for _, ratings in previous.heat_map.rows for rating in ratings.values()
    }
    assert previous.gaps
    current = cycle_summary(ReviewCycle.objects.get(name=CURRENT_CYCLE))
    # Only the police and the youth trust are counted in both cycles: too few to describe the
    # board.
    assert current.change.agencies == 2
    assert not current.change.shown


def test_agencies_have_planned_and_in_progress_actions_one_overdue(seeded):
    open_actions = Action.objects.exclude(status=Action.Status.DONE)
    assert {a.status for a in open_actions} == {
        Action.Status.PLANNED,
        Action.Status.IN_PROGRESS,
    }
    assert {a.finding.rating for a in open_actions} <= {"partially_met", "not_met"}
    assert open_actions.filter(due_on__lt=timezone.localdate()).count() == 1


def test_the_previous_cycle_was_reviewed_and_signed_off_in_2025(seeded):
    cycle = ReviewCycle.objects.get(name=PREVIOUS_CYCLE)
    assert _year(cycle.created_at) == 2025
    for review in cycle.reviews.all():
        assert review.reference.startswith("PR-2025-")
        assert review.assigned_at < review.submitted_at < review.signed_off_at
        assert {_year(review.assigned_at), _year(review.signed_off_at)} == {2025}
        assert review.signed_off_at.date() <= review.due_on
        assert {_year(s.signed_at) for s in review.sign_offs.all()} == {2025}
        outcome = Outcome.objects.get(review=review)
        assert outcome.reference.startswith("PR-2025-")
        assert outcome.content["signed_off_at"].startswith("2025-12-")
        assert [s["signed_at"][:4] for s in outcome.content["sign_offs"]] == ["2025", "2025"]
        events = _review_events(review)
        assert {e.action for e in events} >= {
            AuditEvent.Action.REVIEW_ASSIGNED,
            AuditEvent.Action.REVIEW_STARTED,
            AuditEvent.Action.REVIEW_SUBMITTED,
            AuditEvent.Action.REVIEW_SIGNED_OFF,
        }
        assert {_year(e.at) for e in events} == {2025}
    opened = AuditEvent.objects.get(action=AuditEvent.Action.CYCLE_OPENED, object_id=str(cycle.pk))
    assert _year(opened.at) == 2025


def test_the_current_cycles_signed_off_review_is_dated_in_2026_before_today(seeded):
    review = ReviewCycle.objects.get(name=CURRENT_CYCLE).reviews.get(
        state=Review.State.SIGNED_OFF, reply_closes_on=None
    )
    assert review.reference.startswith("PR-2026-")
    assert review.assigned_at < review.submitted_at < review.signed_off_at
    assert _year(review.assigned_at) == _year(review.signed_off_at) == 2026
    assert review.signed_off_at.date() < timezone.localdate()
    assert {_year(e.at) for e in _review_events(review)} == {2026}


def test_the_demo_audit_trail_reads_in_the_order_it_happened_and_none_of_it_today(seeded):
    story = list(
        AuditEvent.objects.exclude(action=AuditEvent.Action.FRAMEWORK_LOADED).order_by("pk")
    )
    assert len(story) > 30
    assert [e.at for e in story] == sorted(e.at for e in story)
    assert timezone.localdate(story[-1].at) < timezone.localdate()
    # Policies were uploaded, and people joined, before the 2025 cycle opened.
    assert {_year(v.uploaded_at) for v in PolicyVersion.objects.filter(version_label="1.0")} == {
        2025
    }
    assert _year(PolicyVersion.objects.get(version_label="2.0").uploaded_at) == 2026


def test_the_agencies_actions_were_recorded_after_last_years_sign_off(seeded):
    last_sign_off = max(
        ReviewCycle.objects.get(name=PREVIOUS_CYCLE).reviews.values_list("signed_off_at", flat=True)
    )
    for action in Action.objects.all():
        assert last_sign_off < action.created_at < timezone.now()


def test_outcomes_are_issued_the_day_each_review_was_signed_off(seeded_and_issued):
    # A review that went to the agency for its reply is issued the day the reply ended.
    reviews = Review.objects.filter(state=Review.State.OUTCOME_ISSUED, reply_closes_on=None)
    assert reviews.count() == 4
    for review in reviews:
        outcome = Outcome.objects.get(review=review)
        assert outcome.is_ready
        assert timezone.localdate(outcome.rendered_at) == timezone.localdate(review.signed_off_at)
        issued = _review_events(review).get(action=AuditEvent.Action.OUTCOME_ISSUED)
        assert timezone.localdate(issued.at) == timezone.localdate(review.signed_off_at)
