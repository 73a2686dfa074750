"""The demo's self-assessment: the current cycle asks for it; the youth trust rated itself higher
than its reviewer found, which the dashboard shows, and the council's waits to be challenged."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from demo.seed import demo_seed
from demo.story import CURRENT_CYCLE, YOUTH_TRUST
from outcomes.signing import certificate_create
from reviews.models import Review, ReviewCycle, SelfAssessment
from reviews.services import frameworks_load_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.OUTCOME_SIGNING_PKCS12 = tmp_path / "missing.p12"
    frameworks_load_all()
    assert demo_seed() is True


@pytest.fixture
def issued(settings, tmp_path):
    """Seeded with the board's certificate, so the youth trust's outcome is issued."""
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


def test_the_council_submitted_its_self_assessment_before_the_deadline(seeded):
    cycle = ReviewCycle.objects.get(name=CURRENT_CYCLE)
    assessment = SelfAssessment.objects.get(cycle=cycle, agency__name="Wexcombe Borough Council")
    assert assessment.state == SelfAssessment.State.SUBMITTED
    assert cycle.opens_on <= assessment.submitted_at.date() <= cycle.self_assessment_due_on
    own = dict(assessment.ratings.values_list("expectation__code", "rating"))
    assert own["1.5"] == "met" and own["2.1"] == "partially_met" and own["1.4"] == "not_met"


def test_the_councils_reviewer_sees_its_own_ratings_beside_the_step(seeded):
    review = Review.objects.get(cycle__name=CURRENT_CYCLE, agency__name="Wexcombe Borough Council")
    client = Client()
    client.force_login(review.reviewer)
    page = html.unescape(client.get(f"/reviews/{review.pk}/section/2/").content.decode())
    assert "The agency's own rating" in page
    assert "Do you agree with the agency's rating of 2.1?" in page


def test_the_self_assessment_is_in_the_audit_trail_in_time_order(seeded):
    events = AuditEvent.objects.exclude(action=AuditEvent.Action.FRAMEWORK_LOADED).order_by("pk")
    assert [e.at for e in events] == sorted(e.at for e in events)
    submitted = AuditEvent.objects.filter(action=AuditEvent.Action.SELF_ASSESSMENT_SUBMITTED)
    assert [e.actor_email for e in submitted.order_by("at")] == [
        "youthtrust@demo.example",
        "council@demo.example",
    ]


def test_seeding_again_adds_no_second_self_assessment(seeded):
    demo_seed()
    assert SelfAssessment.objects.count() == 2


def test_the_cycle_opened_asking_for_self_assessment_and_was_given_a_reply_window_later(seeded):
    cycle = ReviewCycle.objects.get(name=CURRENT_CYCLE)
    opened = AuditEvent.objects.get(action=AuditEvent.Action.CYCLE_OPENED, object_id=str(cycle.pk))
    assert opened.detail["self_assessment_due_on"] == "2026-12-11"
    assert opened.detail["reply_window_days"] is None
    changed = AuditEvent.objects.get(action=AuditEvent.Action.CYCLE_SETTINGS_CHANGED)
    assert changed.detail == {"reply_window_days": {"from": None, "to": 5}}
    assert changed.actor_email == "admin@demo.example"


def test_the_youth_trusts_reviewer_challenged_the_ratings_it_set_too_high(seeded):
    review = Review.objects.get(cycle__name=CURRENT_CYCLE, agency__name=YOUTH_TRUST)
    assessment = SelfAssessment.objects.get(cycle=review.cycle, agency=review.agency)
    assert assessment.submitted_at < review.submitted_at
    views = {
        f.expectation.code: f.self_assessment_view
        for f in review.findings.select_related("expectation")
    }
    assert {code for code, view in views.items() if view == "challenge"} == {"1.4", "2.2", "3.3"}
    assert set(views.values()) == {"agree", "challenge"}


def test_the_dashboard_shows_the_youth_trust_rated_itself_higher_than_the_board(issued):
    client = Client()
    client.force_login(get_user_model().objects.get(email="admin@demo.example"))
    cycle = ReviewCycle.objects.get(name=CURRENT_CYCLE)
    page = html.unescape(
        client.get(reverse("summaries:dashboard", args=[cycle.pk])).content.decode()
    )
    start = page.index("Self-assessed against the board")
    comparison = page[start : start + 6000]
    trust_row = comparison[comparison.index(YOUTH_TRUST) :]
    assert "1.4: Partially met (board: Not met); 2.2: Met (board: Partially met); " in trust_row
    assert "Wexcombe Borough Council" not in comparison
