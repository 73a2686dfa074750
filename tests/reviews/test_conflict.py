"""A reviewer or moderator who joins the agency under review can no longer move its review, and
the board is told to reassign it."""

import pytest
from django.test import Client

from audit.models import AuditEvent
from policies.models import Membership
from reviews.models import Review
from reviews.selectors_conflicts import reviews_in_conflict, reviews_in_conflict_with
from reviews.services import (
    TransitionRefused,
    review_return,
    review_save_findings,
    review_save_outcome,
    review_sign_off,
    review_submit,
    review_withdraw,
)

from ..factories import UserFactory, complete_answers, make_review
from .test_reviewing import step_data

pytestmark = pytest.mark.django_db

State = Review.State


@pytest.fixture
def review(northgate, rita, mo, charlie):
    return make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)


def fresh(review: Review) -> Review:
    return Review.objects.get(pk=review.pk)


def join(person, agency) -> None:
    Membership.objects.create(user=person, agency=agency)


def answer(review, *, by) -> Review:
    review = review_save_findings(
        review=review, by=by, lock_version=review.lock_version, answers=complete_answers(review)
    )
    return review_save_outcome(
        review=review,
        by=by,
        lock_version=review.lock_version,
        overall_outcome="meets",
        override_reason="",
        summary="Clear policy.",
        recommendations=[],
    )


def submitted(review, *, by) -> Review:
    review = answer(review, by=by)
    return review_submit(review=review, by=by, lock_version=review.lock_version)


def refusals(review) -> list[str]:
    return [
        event.detail["reason"]
        for event in AuditEvent.objects.filter(
            action=AuditEvent.Action.TRANSITION_REFUSED, object_id=str(review.pk)
        )
    ]


def test_a_reviewer_who_joins_the_agency_cannot_start_the_review(review, rita, northgate):
    join(rita, northgate)
    with pytest.raises(TransitionRefused, match="now a member of Northgate Council"):
        review_save_findings(
            review=review,
            by=rita,
            lock_version=review.lock_version,
            answers=complete_answers(review),
        )
    assert fresh(review).state == State.ASSIGNED
    assert not fresh(review).findings.exclude(rating="").exists()
    assert refusals(review) == [
        "You are now a member of Northgate Council, so you cannot review its policy. "
        "A board admin needs to reassign this review."
    ]


def test_a_reviewer_who_joins_the_agency_cannot_save_a_step(review, rita, northgate):
    review = review_save_findings(
        review=review, by=rita, lock_version=review.lock_version, answers={}
    )
    join(rita, northgate)
    with pytest.raises(TransitionRefused):
        review_save_findings(
            review=review,
            by=rita,
            lock_version=review.lock_version,
            answers=complete_answers(review),
        )
    assert not fresh(review).findings.exclude(rating="").exists()
    assert fresh(review).lock_version == review.lock_version


def test_a_reviewer_who_joins_the_agency_cannot_save_the_outcome(review, rita, northgate):
    join(rita, northgate)
    with pytest.raises(TransitionRefused):
        review_save_outcome(
            review=review,
            by=rita,
            lock_version=review.lock_version,
            overall_outcome="meets",
            override_reason="",
            summary="Clear policy.",
            recommendations=[],
        )
    assert fresh(review).summary == ""


def test_a_reviewer_who_joins_the_agency_cannot_submit(review, rita, northgate):
    review = answer(review, by=rita)
    join(rita, northgate)
    with pytest.raises(TransitionRefused):
        review_submit(review=review, by=rita, lock_version=review.lock_version)
    assert fresh(review).state == State.IN_PROGRESS
    assert len(refusals(review)) == 1


def test_a_moderator_who_joins_the_agency_cannot_sign_off(review, rita, mo, northgate):
    review = submitted(review, by=rita)
    join(mo, northgate)
    with pytest.raises(TransitionRefused, match="cannot moderate its policy"):
        review_sign_off(review=review, by=mo, attest=True)
    assert fresh(review).state == State.SUBMITTED
    assert not fresh(review).sign_offs.filter(role="moderator").exists()


def test_a_moderator_who_joins_the_agency_cannot_return_the_review(review, rita, mo, northgate):
    review = submitted(review, by=rita)
    join(mo, northgate)
    with pytest.raises(TransitionRefused):
        review_return(review=review, by=mo, comments="Quote the policy for 3.1.")
    assert fresh(review).state == State.SUBMITTED
    assert not fresh(review).returns.exists()
    assert len(refusals(review)) == 1


def test_the_step_page_refuses_a_reviewer_who_has_joined_the_agency(
    review, rita_client, rita, northgate
):
    join(rita, northgate)
    finding = review.findings.order_by("expectation__order").first()
    # A whole, valid step: without the conflict, it would be saved.
    response = rita_client.post(f"/reviews/{review.pk}/section/1/", step_data(review, 1))
    assert response.status_code == 409
    assert "now a member of Northgate Council" in response.content.decode()
    assert fresh(review).findings.get(pk=finding.pk).rating == ""
    assert len(refusals(review)) == 1


def test_open_reviews_in_conflict_are_listed_for_reassignment(
    review, rita, mo, northgate, southport, charlie
):
    other = make_review(
        agency=southport, reviewer=rita, moderator=mo, admin=charlie, cycle=review.cycle
    )
    assert list(reviews_in_conflict(cycle=review.cycle)) == []
    join(rita, northgate)
    assert list(reviews_in_conflict_with(user=rita, agency=northgate)) == [review]
    assert list(reviews_in_conflict_with(user=rita, agency=southport)) == [other]
    listed = list(reviews_in_conflict(cycle=review.cycle))
    assert listed == [review] and listed[0].reviewer_is_member
    review_withdraw(review=review, by=charlie, reason="Rita joined Northgate Council")
    assert list(reviews_in_conflict_with(user=rita, agency=northgate)) == []


def test_the_cycle_and_review_pages_warn_of_a_review_to_reassign(
    review, charlie_client, rita, northgate
):
    warning = "needs reassigning"
    assert warning not in charlie_client.get(review.cycle.get_absolute_url()).content.decode()
    join(rita, northgate)
    cycle_page = charlie_client.get(review.cycle.get_absolute_url()).content.decode()
    assert warning in cycle_page and "Rita Reyes (reviewer) now belongs to it" in cycle_page
    manage_page = charlie_client.get(f"/reviews/{review.pk}/manage/").content.decode()
    assert warning in manage_page


def test_adding_a_conflicting_membership_in_the_admin_warns(review, rita, northgate):
    root = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(root)
    response = client.post(
        f"/admin/accounts/user/{rita.pk}/change/",
        {
            "email": rita.email,
            "full_name": rita.full_name,
            "is_reviewer": "on",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": str(rita.pk),
            "memberships-0-agency": str(northgate.pk),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "now belongs to Northgate Council" in page
    assert "cannot go on reviewing or moderating its policy" in page
