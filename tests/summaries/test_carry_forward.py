"""A new cycle's review starts from the agency's previous one: findings carried forward as a
starting point, to be confirmed, never counted as answers until the reviewer saves them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review
from reviews.selectors import my_reviews
from reviews.services import TransitionRefused, review_save_findings, review_submit
from reviews.services.reviews import review_problems

from ..factories import make_cycle, make_review
from .helpers import counted_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def earlier(framework, northgate, rita, mo):
    cycle = make_cycle(agencies=[northgate], name="2025 review", framework=framework)
    cycle.opens_on, cycle.closes_on = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    cycle.save()
    return counted_review(
        agency=northgate, cycle=cycle, reviewer=rita, moderator=mo, ratings={"1.2": "not_met"}
    )


@pytest.fixture
def new_review(earlier, framework, northgate, rita, mo, charlie):
    cycle = make_cycle(agencies=[northgate], name="2026 review", framework=framework)
    return make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)


def carry(client, review):
    return client.post(reverse("summaries:carry_forward", args=[review.cycle_id]))


def test_findings_are_carried_forward_marked_to_confirm(charlie_client, new_review, earlier):
    assert carry(charlie_client, new_review).status_code == 302
    findings = {f.expectation.code: f for f in new_review.findings.select_related("expectation")}
    assert all(f.carried_forward for f in findings.values())
    assert findings["1.2"].rating == "not_met" and findings["1.2"].comment == "Nothing on this."
    assert findings["1.1"].evidence_quote == "Quoted passage for 1.1"
    review = Review.objects.get(pk=new_review.pk)
    assert review.lock_version == new_review.lock_version + 1
    assert review.state == Review.State.ASSIGNED


@pytest.mark.parametrize("closed", [False, True])
def test_a_review_in_reply_is_carried_forward_once_its_reply_has_closed(
    charlie_client, new_review, earlier, closed
):
    """Findings still open to the agency's reply are not final; once the reply has closed they
    are, even before the outcome is issued."""
    Review.objects.filter(pk=earlier.pk).update(
        state=Review.State.IN_REPLY, reply_closed_at=timezone.now() if closed else None
    )
    carry(charlie_client, new_review)
    rating = new_review.findings.get(expectation__code="1.2").rating
    assert rating == ("not_met" if closed else "")


def test_carried_forward_findings_do_not_count_as_answered(charlie_client, new_review, rita):
    carry(charlie_client, new_review)
    review = Review.objects.get(pk=new_review.pk)
    problems = review_problems(review)
    assert "Confirm or change the carried-forward answer for 1.1" in problems
    assert my_reviews(user=rita).get(pk=review.pk).rated == 0
    with pytest.raises(TransitionRefused):
        review_submit(review=review, by=rita, lock_version=review.lock_version)


def test_saving_a_step_confirms_its_findings(charlie_client, new_review, rita):
    carry(charlie_client, new_review)
    review = Review.objects.get(pk=new_review.pk)
    section_one = review.findings.filter(expectation__section__number=1)
    answers = {
        f.pk: {"rating": f.rating, "evidence_quote": f.evidence_quote, "evidence_page": 1}
        for f in section_one
    }
    review_save_findings(review=review, by=rita, lock_version=review.lock_version, answers=answers)
    assert not review.findings.filter(expectation__section__number=1, carried_forward=True).exists()
    assert review.findings.filter(carried_forward=True).count() == 9
    assert my_reviews(user=rita).get(pk=review.pk).rated == 6


def test_the_review_step_tags_carried_forward_findings(charlie_client, new_review, rita_client):
    carry(charlie_client, new_review)
    page = rita_client.get(reverse("reviews:section", args=[new_review.pk, 1])).content.decode()
    assert page.count("Carried forward — confirm") == 6


def test_a_started_review_is_left_alone_and_a_second_run_changes_nothing(
    charlie_client, new_review, rita
):
    carry(charlie_client, new_review)
    review = Review.objects.get(pk=new_review.pk)
    version = review.lock_version
    carry(charlie_client, new_review)
    assert Review.objects.get(pk=new_review.pk).lock_version == version


def test_an_agency_member_cannot_carry_forward(alice_client, new_review):
    assert carry(alice_client, new_review).status_code == 403
    assert not new_review.findings.filter(carried_forward=True).exists()
