"""An agency assesses itself: the moves of a self-assessment, who may make them, and when."""

import datetime

import pytest

from audit.models import AuditEvent
from reviews.models import SelfAssessment
from reviews.services import TransitionRefused
from reviews.services.self_assessments import (
    SelfAssessmentConflict,
    self_assessment_open,
    self_assessment_save,
    self_assessment_submit,
)

from ..factories import PolicyVersionFactory, UserFactory, make_cycle

pytestmark = pytest.mark.django_db

QUOTE = "Staff must not befriend children or young people on social media."
BEFORE = datetime.date(2026, 5, 1)
DUE = datetime.date(2026, 6, 1)
AFTER = datetime.date(2026, 6, 2)


@pytest.fixture
def cycle(northgate, southport):
    PolicyVersionFactory(document__agency=northgate, number=1, pages=[QUOTE])
    cycle = make_cycle(agencies=[northgate, southport])
    cycle.self_assessment_due_on = DUE
    cycle.save(update_fields=["self_assessment_due_on"])
    return cycle


@pytest.fixture
def assessment(cycle, northgate, alice):
    return self_assessment_open(cycle=cycle, agency=northgate, by=alice)


def all_met(assessment) -> dict[int, dict]:
    return {
        rating.pk: {"rating": "met", "evidence_quote": QUOTE, "evidence_page": 1}
        for rating in assessment.ratings.all()
    }


def test_opening_makes_one_not_started_self_assessment_with_a_rating_per_expectation(
    assessment, cycle, northgate, alice
):
    assert assessment.state == SelfAssessment.State.NOT_STARTED
    assert assessment.ratings.count() == cycle.framework.expectations.count()
    assert assessment.policy_version.document.agency == northgate
    again = self_assessment_open(cycle=cycle, agency=northgate, by=alice)
    assert again.pk == assessment.pk
    assert SelfAssessment.objects.count() == 1


def test_a_cycle_that_does_not_ask_refuses_to_open_one(northgate, alice):
    cycle = make_cycle(agencies=[northgate], name="No self-assessment")
    with pytest.raises(TransitionRefused, match="does not ask agencies"):
        self_assessment_open(cycle=cycle, agency=northgate, by=alice)


def test_someone_outside_the_agency_cannot_open_it(cycle, northgate, bob):
    with pytest.raises(TransitionRefused, match="Only members of Northgate Council"):
        self_assessment_open(cycle=cycle, agency=northgate, by=bob)
    refused = AuditEvent.objects.get(action=AuditEvent.Action.TRANSITION_REFUSED)
    assert refused.detail["service"] == "self_assessment_open"


def test_the_first_save_starts_it_and_is_audited(assessment, alice):
    first = assessment.ratings.order_by("expectation__order").first()
    read_at = assessment.lock_version
    saved = self_assessment_save(
        assessment=assessment,
        by=alice,
        lock_version=read_at,
        answers={first.pk: {"rating": "not_met", "comment": "Work under way"}},
        today=BEFORE,
    )
    assert saved.state == SelfAssessment.State.IN_PROGRESS
    assert saved.lock_version == read_at + 1
    first.refresh_from_db()
    assert (first.rating, first.comment, first.evidence_page) == ("not_met", "Work under way", None)
    started = AuditEvent.objects.filter(action=AuditEvent.Action.SELF_ASSESSMENT_STARTED)
    assert started.count() == 1 and started.get().agency_id == assessment.agency_id


def test_a_save_from_an_older_version_is_refused_as_a_conflict(assessment, alice, northgate):
    colleague = UserFactory(full_name="Ada Colleague", agency=northgate)
    read_at = assessment.lock_version
    self_assessment_save(
        assessment=assessment, by=colleague, lock_version=read_at, answers={}, today=BEFORE
    )
    with pytest.raises(SelfAssessmentConflict, match="Ada Colleague saved this self-assessment"):
        self_assessment_save(
            assessment=assessment,
            by=alice,
            lock_version=read_at,
            answers=all_met(assessment),
            today=BEFORE,
        )
    assert not assessment.ratings.filter(rating="met").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EDIT_CONFLICT).count() == 1


def test_submitting_needs_every_rating_and_the_evidence_for_met(assessment, alice):
    ratings = list(assessment.ratings.order_by("expectation__order"))
    assessment = self_assessment_save(
        assessment=assessment,
        by=alice,
        lock_version=assessment.lock_version,
        answers={ratings[0].pk: {"rating": "met", "evidence_quote": "", "evidence_page": None}},
        today=BEFORE,
    )
    code = ratings[0].expectation.code
    with pytest.raises(TransitionRefused) as refused:
        self_assessment_submit(
            assessment=assessment, by=alice, lock_version=assessment.lock_version, today=BEFORE
        )
    assert f"Quote where your policy addresses {code}" in refused.value.reason
    assert f"Give the page or section of the quote for {code}" in refused.value.reason
    assert f"Select your rating for {ratings[1].expectation.code}" in refused.value.reason
    assessment.refresh_from_db()
    assert assessment.state == SelfAssessment.State.IN_PROGRESS


def test_a_complete_self_assessment_is_submitted_and_then_cannot_change(assessment, alice):
    assessment = self_assessment_save(
        assessment=assessment,
        by=alice,
        lock_version=assessment.lock_version,
        answers=all_met(assessment),
        today=BEFORE,
    )
    submitted = self_assessment_submit(
        assessment=assessment, by=alice, lock_version=assessment.lock_version, today=DUE
    )
    assert submitted.state == SelfAssessment.State.SUBMITTED
    assert submitted.submitted_by == alice and submitted.submitted_at is not None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SELF_ASSESSMENT_SUBMITTED).exists()
    with pytest.raises(TransitionRefused, match="submitted, so it cannot be changed"):
        self_assessment_save(
            assessment=submitted,
            by=alice,
            lock_version=submitted.lock_version,
            answers={},
            today=DUE,
        )


def test_after_the_deadline_nothing_is_saved_or_submitted(assessment, alice):
    assessment = self_assessment_save(
        assessment=assessment,
        by=alice,
        lock_version=assessment.lock_version,
        answers=all_met(assessment),
        today=BEFORE,
    )
    with pytest.raises(TransitionRefused, match="closed on 1 June 2026"):
        self_assessment_submit(
            assessment=assessment, by=alice, lock_version=assessment.lock_version, today=AFTER
        )
    with pytest.raises(TransitionRefused, match="closed on 1 June 2026"):
        self_assessment_save(
            assessment=assessment,
            by=alice,
            lock_version=assessment.lock_version,
            answers={},
            today=AFTER,
        )
    assessment.refresh_from_db()
    assert assessment.state == SelfAssessment.State.IN_PROGRESS


def test_only_the_agencys_members_save_it(assessment, bob, charlie):
    for outsider in (bob, charlie):
        with pytest.raises(TransitionRefused, match="Only members of Northgate Council"):
            self_assessment_save(
                assessment=assessment,
                by=outsider,
                lock_version=assessment.lock_version,
                answers={},
                today=BEFORE,
            )


def test_a_member_who_has_left_the_agency_is_refused(assessment, alice):
    alice.memberships.all().delete()
    with pytest.raises(TransitionRefused, match="Only members"):
        self_assessment_save(
            assessment=assessment,
            by=alice,
            lock_version=assessment.lock_version,
            answers={},
            today=BEFORE,
        )


def test_answers_for_another_self_assessment_are_refused(assessment, cycle, southport, bob, alice):
    theirs = self_assessment_open(cycle=cycle, agency=southport, by=bob)
    with pytest.raises(TransitionRefused, match="not for this self-assessment"):
        self_assessment_save(
            assessment=assessment,
            by=alice,
            lock_version=assessment.lock_version,
            answers=all_met(theirs),
            today=BEFORE,
        )
