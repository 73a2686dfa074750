"""The demo's self-assessment: the current cycle asks for it and the council has submitted its
own ratings, higher than the board found on several expectations."""

import html

import pytest
from django.test import Client

from audit.models import AuditEvent
from demo.seed import demo_seed
from demo.story import CURRENT_CYCLE
from reviews.models import Review, ReviewCycle, SelfAssessment
from reviews.services import frameworks_load_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.OUTCOME_SIGNING_PKCS12 = tmp_path / "missing.p12"
    frameworks_load_all()
    assert demo_seed() is True


def test_the_council_submitted_its_self_assessment_before_the_deadline(seeded):
    cycle = ReviewCycle.objects.get(name=CURRENT_CYCLE)
    assessment = SelfAssessment.objects.get(cycle=cycle)
    assert assessment.agency.name == "Wexcombe Borough Council"
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
    submitted = AuditEvent.objects.get(action=AuditEvent.Action.SELF_ASSESSMENT_SUBMITTED)
    assert submitted.actor_email == "council@demo.example"


def test_seeding_again_adds_no_second_self_assessment(seeded):
    demo_seed()
    assert SelfAssessment.objects.count() == 1
