"""The board admin's side of review cycles: opening one, assigning, reassigning, withdrawing."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from policies.models import Membership
from reviews.models import Framework, Review, ReviewCycle

from ..factories import (
    AgencyFactory,
    PolicyVersionFactory,
    UserFactory,
    lscb_framework,
    make_cycle,
    make_review,
)

pytestmark = pytest.mark.django_db


def date_fields(name: str, value: datetime.date) -> dict:
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def with_ready_policy(agency):
    PolicyVersionFactory(document__agency=agency, number=1)
    return agency


@pytest.fixture
def framework():
    return lscb_framework()


@pytest.fixture
def cycle(framework, northgate, southport):
    with_ready_policy(northgate)
    with_ready_policy(southport)
    return make_cycle(agencies=[northgate, southport], framework=framework)


def cycle_post(framework, agencies, **changes) -> dict:
    data = {
        "name": "2026 social media policy review",
        "framework": framework.pk,
        **date_fields("opens_on", datetime.date(2026, 4, 1)),
        **date_fields("closes_on", datetime.date(2027, 3, 31)),
        "agencies": [agency.pk for agency in agencies],
    }
    data.update(changes)
    return data


def assign_post(agencies, *, reviewer, moderator) -> dict:
    return {
        "agencies": [agency.pk for agency in agencies],
        "reviewer": reviewer.pk,
        "moderator": moderator.pk,
        **date_fields("due_on", datetime.date(2026, 6, 30)),
    }


def test_admin_opens_a_cycle_and_it_is_audited(charlie_client, framework, northgate, southport):
    response = charlie_client.post("/cycles/new/", cycle_post(framework, [northgate, southport]))
    cycle = ReviewCycle.objects.get()
    assert response.status_code == 302
    assert response.url == f"/cycles/{cycle.pk}/"
    assert set(cycle.agencies.all()) == {northgate, southport}
    assert (cycle.framework, cycle.opens_on) == (framework, datetime.date(2026, 4, 1))
    event = AuditEvent.objects.get(action=AuditEvent.Action.CYCLE_OPENED)
    assert event.actor_email == "charlie@board.test"
    assert event.object_id == str(cycle.pk)


def test_new_cycle_form_offers_the_newest_framework_version_first(charlie_client, framework):
    newer = Framework.objects.create(
        code=framework.code, version=2, name=framework.name, content_hash="b" * 64
    )
    form = charlie_client.get("/cycles/new/").context["form"]
    assert form["framework"].value() == newer.pk
    assert "(version 2)</option>" in form["framework"].as_widget()


def test_closing_date_before_opening_date_is_refused(charlie_client, framework, northgate):
    data = cycle_post(
        framework, [northgate], **date_fields("closes_on", datetime.date(2026, 3, 31))
    )
    response = charlie_client.post("/cycles/new/", data)
    assert response.status_code == 400
    assert "The closing date must be the same as or after the opening date" in (
        response.content.decode()
    )
    assert not ReviewCycle.objects.exists()


def test_a_cycle_needs_at_least_one_agency(charlie_client, framework, northgate):
    response = charlie_client.post("/cycles/new/", cycle_post(framework, []))
    assert response.status_code == 400
    assert "Select at least one agency" in response.content.decode()
    assert not ReviewCycle.objects.exists()


def test_bulk_assignment_creates_a_review_per_agency_each_with_15_findings(
    charlie_client, cycle, northgate, southport, rita, mo
):
    response = charlie_client.post(
        f"/cycles/{cycle.pk}/assign/",
        assign_post([northgate, southport], reviewer=rita, moderator=mo),
        follow=True,
    )
    assert response.redirect_chain == [(f"/cycles/{cycle.pk}/", 302)]
    assert "2 reviews assigned" in response.content.decode()
    reviews = Review.objects.filter(cycle=cycle)
    assert {r.agency for r in reviews} == {northgate, southport}
    assert all(r.reviewer == rita and r.moderator == mo for r in reviews)
    assert [r.findings.count() for r in reviews] == [15, 15]


def test_reviewer_from_one_agency_refuses_the_whole_batch_with_the_reason(
    charlie_client, cycle, northgate, southport, rita, mo
):
    Membership.objects.create(user=rita, agency=northgate)
    response = charlie_client.post(
        f"/cycles/{cycle.pk}/assign/",
        assign_post([northgate, southport], reviewer=rita, moderator=mo),
    )
    assert response.status_code == 400
    assert "Rita Reyes is a member of Northgate Council, so cannot review its policy" in (
        response.content.decode()
    )
    assert not Review.objects.exists()


def test_moderator_who_is_the_reviewer_is_refused(charlie_client, cycle, northgate):
    both = UserFactory(full_name="Sam Both", is_reviewer=True, is_moderator=True)
    response = charlie_client.post(
        f"/cycles/{cycle.pk}/assign/", assign_post([northgate], reviewer=both, moderator=both)
    )
    assert response.status_code == 400
    assert "Sam Both cannot be both the reviewer and the moderator" in response.content.decode()
    assert not Review.objects.exists()


def test_assign_page_lists_agencies_that_cannot_be_assigned_with_the_reason(
    charlie_client, cycle, northgate, rita, mo, charlie
):
    make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)
    no_policy = AgencyFactory(name="Eastfield Academy")
    cycle.agencies.add(no_policy)
    response = charlie_client.get(f"/cycles/{cycle.pk}/assign/")
    choices = [label for _, label in response.context["form"].fields["agencies"].choices]
    assert choices == ["Southport Police"]
    page = response.content.decode()
    assert "Already assigned to Rita Reyes (assigned)" in page
    assert "No policy ready to review" in page


def test_reassignment_changes_the_reviewer_and_records_before_and_after(
    charlie_client, northgate, rita, mo, charlie
):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    rachel = UserFactory(email="rachel@board.test", full_name="Rachel Roe", is_reviewer=True)
    response = charlie_client.post(
        f"/reviews/{review.pk}/manage/",
        {"action": "reassign", "reviewer": rachel.pk, "moderator": mo.pk},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.reviewer == rachel
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVIEW_REASSIGNED)
    assert event.detail["before"]["reviewer"] == "rita@board.test"
    assert event.detail["after"]["reviewer"] == "rachel@board.test"


def test_reassigning_to_a_member_of_the_agency_shows_the_reason(
    charlie_client, northgate, rita, mo, charlie
):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    insider = UserFactory(full_name="Ian Insider", is_reviewer=True, agency=northgate)
    response = charlie_client.post(
        f"/reviews/{review.pk}/manage/",
        {"action": "reassign", "reviewer": insider.pk, "moderator": mo.pk},
    )
    assert response.status_code == 400
    assert "Ian Insider is a member of Northgate Council" in response.content.decode()
    review.refresh_from_db()
    assert review.reviewer == rita


def test_withdrawing_needs_a_reason(charlie_client, northgate, rita, mo, charlie):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    response = charlie_client.post(
        f"/reviews/{review.pk}/manage/", {"action": "withdraw", "reason": "  "}
    )
    assert response.status_code == 400
    assert "Give the reason for withdrawing the review" in response.content.decode()
    review.refresh_from_db()
    assert review.state == Review.State.ASSIGNED


def test_withdrawing_moves_the_review_to_withdrawn_and_shows_the_reason(
    charlie_client, northgate, rita, mo, charlie
):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    response = charlie_client.post(
        f"/reviews/{review.pk}/manage/",
        {"action": "withdraw", "reason": "Northgate is replacing this policy in May."},
        follow=True,
    )
    review.refresh_from_db()
    assert review.state == Review.State.WITHDRAWN
    assert "Northgate is replacing this policy in May." in response.content.decode()


PAGES = [
    ("get", "/cycles/"),
    ("get", "/cycles/new/"),
    ("post", "/cycles/new/"),
    ("get", "/cycles/{cycle}/"),
    ("get", "/cycles/{cycle}/assign/"),
    ("post", "/cycles/{cycle}/assign/"),
    ("get", "/cycles/{cycle}/agencies/add/"),
    ("post", "/cycles/{cycle}/agencies/add/"),
    ("get", "/cycles/{cycle}/agencies/{agency}/remove/"),
    ("post", "/cycles/{cycle}/agencies/{agency}/remove/"),
    ("get", "/reviews/{review}/manage/"),
    ("post", "/reviews/{review}/manage/"),
]


@pytest.mark.parametrize("who", ["alice", "rita"])
@pytest.mark.parametrize(("method", "url"), PAGES)
def test_cycle_pages_are_403_and_audited_for_everyone_but_board_admins(
    request, northgate, rita, mo, charlie, who, method, url
):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    client = request.getfixturevalue(f"{who}_client")
    path = url.format(cycle=review.cycle_id, review=review.pk, agency=northgate.pk)
    response = getattr(client, method)(path, {"action": "withdraw", "reason": "No"})
    assert response.status_code == 403
    refusal = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_REFUSED)
    assert refusal.actor == request.getfixturevalue(who)
    review.refresh_from_db()
    assert review.state == Review.State.ASSIGNED


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_to_scope(cycle, count: int, *, reviewed: int, rita, mo, charlie) -> None:
    agencies = [with_ready_policy(AgencyFactory()) for _ in range(count)]
    cycle.agencies.add(*agencies)
    for agency in agencies[:reviewed]:
        make_review(agency=agency, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)


@pytest.mark.parametrize("page", ["/cycles/{pk}/", "/cycles/{pk}/assign/"])
def test_cycle_pages_run_the_same_queries_for_2_or_30_agencies(
    charlie_client, framework, rita, mo, charlie, page
):
    cycle = make_cycle(agencies=[], framework=framework)
    url = page.format(pk=cycle.pk)
    add_to_scope(cycle, 2, reviewed=1, rita=rita, mo=mo, charlie=charlie)
    small = queries(charlie_client, url)
    add_to_scope(cycle, 28, reviewed=10, rita=rita, mo=mo, charlie=charlie)
    assert cycle.agencies.count() == 30
    assert queries(charlie_client, url) == small
