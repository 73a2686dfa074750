"""The agency's pages for assessing itself, who may read them, and the cycle setting that asks."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from reviews.models import ReviewCycle, SelfAssessment

from ..factories import (
    PolicyVersionFactory,
    UserFactory,
    lscb_framework,
    make_cycle,
    make_review,
    make_self_assessment,
)
from .test_cycles import cycle_post, date_fields

pytestmark = pytest.mark.django_db

QUOTE = "Staff must not befriend children or young people on social media."


@pytest.fixture
def cycle(northgate, southport):
    PolicyVersionFactory(document__agency=northgate, number=1, pages=[QUOTE])
    PolicyVersionFactory(document__agency=southport, number=1, pages=[QUOTE])
    today = timezone.localdate()
    cycle = make_cycle(agencies=[northgate, southport])
    cycle.opens_on = today - datetime.timedelta(days=30)
    cycle.closes_on = today + datetime.timedelta(days=300)
    cycle.self_assessment_due_on = today + datetime.timedelta(days=10)
    cycle.save()
    return cycle


@pytest.fixture
def assessment(cycle, alice_client, northgate):
    alice_client.get("/self-assessments/")
    return SelfAssessment.objects.get(cycle=cycle, agency=northgate)


def step_data(assessment, section: int, **per_code) -> dict:
    ratings = assessment.ratings.filter(expectation__section__number=section).order_by(
        "expectation__order"
    )
    data = {"lock_version": assessment.lock_version, "continue": "1"}
    for index, rating in enumerate(ratings.select_related("expectation")):
        answer = {"rating": "met", "evidence_quote": QUOTE, "evidence_page": "1"}
        answer.update(per_code.get(rating.expectation.code.replace(".", "_"), {}))
        for field, value in answer.items():
            data[f"ratings-{index}-{field}"] = value
    data["ratings-TOTAL_FORMS"] = data["ratings-INITIAL_FORMS"] = ratings.count()
    return data


def test_the_home_page_asks_the_agency_to_assess_itself(cycle, alice_client):
    page = alice_client.get("/").content.decode()
    assert "Self-assessment" in page
    due = f"{cycle.self_assessment_due_on:%-d %B %Y}"
    assert f"Assess Northgate Council's policy for {cycle.name}</a> by {due}" in page


def test_the_list_opens_the_agencys_own_self_assessment_only(cycle, alice_client, northgate):
    page = alice_client.get("/self-assessments/").content.decode()
    assessment = SelfAssessment.objects.get()
    assert assessment.agency == northgate
    assert f'href="/self-assessments/{assessment.pk}/"' in page
    assert "Southport Police" not in page
    assert "Not started" in page


def test_a_step_saves_the_ratings_and_moves_on(assessment, alice_client):
    response = alice_client.post(
        f"/self-assessments/{assessment.pk}/section/1/", step_data(assessment, 1)
    )
    assert response.status_code == 302
    assert response.url == f"/self-assessments/{assessment.pk}/section/2/"
    assessment.refresh_from_db()
    assert assessment.state == SelfAssessment.State.IN_PROGRESS
    rated = assessment.ratings.filter(expectation__section__number=1)
    assert {r.rating for r in rated} == {"met"} and {r.evidence_page for r in rated} == {1}


def test_the_step_shows_the_policy_and_the_question(assessment, alice_client):
    page = alice_client.get(f"/self-assessments/{assessment.pk}/section/1/").content.decode()
    first = assessment.ratings.order_by("expectation__order").first().expectation
    assert f"How well does your policy meet {first.code}?" in page
    assert QUOTE in page  # the policy's text, beside the questions
    assert "Passages that may be evidence" in page


def test_a_met_rating_without_a_quote_is_kept_and_explained(assessment, alice_client):
    code = assessment.ratings.order_by("expectation__order").first().expectation.code
    data = step_data(assessment, 1, **{code.replace(".", "_"): {"evidence_quote": ""}})
    response = alice_client.post(f"/self-assessments/{assessment.pk}/section/1/", data)
    assert response.status_code == 400
    assert f"Quote where your policy addresses {code}" in response.content.decode()
    assert assessment.ratings.get(expectation__code=code).rating == "met"


def test_a_stale_step_is_refused_and_keeps_what_was_typed(assessment, alice_client):
    data = step_data(assessment, 1)
    data["lock_version"] = 0
    data["ratings-0-comment"] = "Our own note"
    response = alice_client.post(f"/self-assessments/{assessment.pk}/section/1/", data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Your changes have not been saved" in page
    assert "Our own note" in page


def test_checking_and_submitting(assessment, alice_client, alice, cycle, northgate):
    early = alice_client.post(
        f"/self-assessments/{assessment.pk}/check/", {"lock_version": assessment.lock_version}
    )
    assert early.status_code == 400
    assert "The self-assessment was not submitted" in early.content.decode()
    make_self_assessment(cycle=cycle, agency=northgate, member=alice, submit=False)
    assessment.refresh_from_db()
    check = alice_client.get(f"/self-assessments/{assessment.pk}/check/")
    assert "Submit the self-assessment" in check.content.decode()
    response = alice_client.post(
        f"/self-assessments/{assessment.pk}/check/",
        {"lock_version": assessment.lock_version},
        follow=True,
    )
    page = response.content.decode()
    assert f"Your self-assessment for {cycle.name} is submitted." in page
    assert "Submitted" in page and QUOTE[:20] in page
    assessment.refresh_from_db()
    assert assessment.state == SelfAssessment.State.SUBMITTED


def test_after_the_deadline_the_steps_are_closed_with_a_clear_message(
    assessment, alice_client, cycle
):
    cycle.self_assessment_due_on = timezone.localdate() - datetime.timedelta(days=1)
    cycle.save(update_fields=["self_assessment_due_on"])
    response = alice_client.get(f"/self-assessments/{assessment.pk}/section/1/", follow=True)
    page = response.content.decode()
    due = f"{cycle.self_assessment_due_on:%-d %B %Y}"
    assert f"The self-assessment closed on {due}. It can no longer be changed" in page
    assert "without being submitted" in page
    posted = alice_client.post(
        f"/self-assessments/{assessment.pk}/section/1/", step_data(assessment, 1)
    )
    assert posted.status_code == 302
    assert not assessment.ratings.filter(rating="met").exists()


def test_another_agency_is_told_it_does_not_exist_and_it_is_audited(assessment, bob_client):
    assert bob_client.get(f"/self-assessments/{assessment.pk}/").status_code == 404
    assert bob_client.get(f"/self-assessments/{assessment.pk}/section/1/").status_code == 404
    refused = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED)
    assert refused.count() == 2
    assert refused.first().detail["reason"] == "not the person's self-assessment"


def test_board_admins_read_every_self_assessment_but_do_not_write_it(
    assessment, charlie_client, alice, cycle, northgate
):
    make_self_assessment(cycle=cycle, agency=northgate, member=alice)
    listing = charlie_client.get("/self-assessments/").content.decode()
    assert "Northgate Council" in listing and "Southport Police" in listing
    page = charlie_client.get(f"/self-assessments/{assessment.pk}/").content.decode()
    assert "Self-assessment of Northgate Council's policy" in page and QUOTE[:20] in page
    assert charlie_client.get(f"/self-assessments/{assessment.pk}/section/1/").status_code == 403


def test_the_reviewer_and_moderator_of_the_agencys_review_read_it_once_submitted_and_no_other(
    assessment, cycle, northgate, rita, mo, charlie, rita_client
):
    make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)
    mo_client = rita_client.__class__()
    mo_client.force_login(mo)
    # The agency's draft is its own.
    SelfAssessment.objects.filter(pk=assessment.pk).update(state=SelfAssessment.State.IN_PROGRESS)
    assert rita_client.get(f"/self-assessments/{assessment.pk}/").status_code == 404
    assert mo_client.get(f"/self-assessments/{assessment.pk}/").status_code == 404
    SelfAssessment.objects.filter(pk=assessment.pk).update(state=SelfAssessment.State.SUBMITTED)
    assert rita_client.get(f"/self-assessments/{assessment.pk}/").status_code == 200
    assert mo_client.get(f"/self-assessments/{assessment.pk}/").status_code == 200
    other = UserFactory(is_reviewer=True)
    other_client = rita_client.__class__()
    other_client.force_login(other)
    assert other_client.get(f"/self-assessments/{assessment.pk}/").status_code == 404


def test_the_cycle_form_asks_for_a_deadline_within_the_cycle(charlie_client, northgate):
    framework = lscb_framework()
    data = cycle_post(
        framework,
        [northgate],
        asks_self_assessment="on",
        **date_fields("self_assessment_due_on", datetime.date(2027, 5, 1)),
    )
    response = charlie_client.post("/cycles/new/", data)
    assert response.status_code == 400
    assert "The self-assessment deadline must be within the cycle" in response.content.decode()
    data = cycle_post(framework, [northgate], asks_self_assessment="on")
    response = charlie_client.post("/cycles/new/", data)
    assert "Enter the date agencies assess themselves by" in response.content.decode()
    assert not ReviewCycle.objects.exists()


def test_the_cycle_keeps_its_deadline_and_reply_window_and_shows_them(charlie_client, northgate):
    data = cycle_post(
        lscb_framework(),
        [northgate],
        asks_self_assessment="on",
        reply_window_days="5",
        **date_fields("self_assessment_due_on", datetime.date(2026, 6, 30)),
    )
    response = charlie_client.post("/cycles/new/", data, follow=True)
    cycle = ReviewCycle.objects.get()
    assert cycle.self_assessment_due_on == datetime.date(2026, 6, 30)
    assert cycle.reply_window_days == 5
    page = response.content.decode()
    assert "Agencies assess themselves by 30 June 2026" in page
    assert "5 working days after sign-off" in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.CYCLE_OPENED)
    assert event.detail["self_assessment_due_on"] == "2026-06-30"
    assert event.detail["reply_window_days"] == 5


def test_a_cycle_without_either_setting(charlie_client, northgate):
    data = cycle_post(
        lscb_framework(),
        [northgate],
        **date_fields("self_assessment_due_on", datetime.date(2026, 6, 30)),
    )
    response = charlie_client.post("/cycles/new/", data, follow=True)
    cycle = ReviewCycle.objects.get()
    assert (cycle.self_assessment_due_on, cycle.reply_window_days) == (None, None)
    page = response.content.decode()
    assert "Not asked for" in page and "None: the outcome is issued on sign-off" in page


def test_a_reply_window_must_be_a_number_of_working_days(charlie_client, northgate):
    data = cycle_post(lscb_framework(), [northgate], reply_window_days="0")
    response = charlie_client.post("/cycles/new/", data)
    assert response.status_code == 400
    assert "Enter a reply window of 1 working day or more" in response.content.decode()


def test_what_stops_the_submission_links_to_its_field_on_its_step(assessment, alice_client):
    data = step_data(assessment, 1, **{"1_2": {"evidence_quote": ""}})
    alice_client.post(f"/self-assessments/{assessment.pk}/section/1/", {**data, "later": "1"})
    page = alice_client.get(f"/self-assessments/{assessment.pk}/check/").content.decode()
    step_1 = f"/self-assessments/{assessment.pk}/section/1/"
    step_2 = f"/self-assessments/{assessment.pk}/section/2/"
    assert (
        f'<a href="{step_1}#id_ratings-1-evidence_quote">Quote where your policy addresses 1.2</a>'
        in page
    )
    assert f'<a href="{step_2}#id_ratings-0-rating_1">Select your rating for 2.1</a>' in page
    # Each link reaches a field on its step.
    assert 'id="id_ratings-1-evidence_quote"' in alice_client.get(step_1).content.decode()
    assert 'id="id_ratings-0-rating_1"' in alice_client.get(step_2).content.decode()
