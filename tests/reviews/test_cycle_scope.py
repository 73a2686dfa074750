"""The agencies in a cycle's scope: a board admin adds agencies to an open cycle, or takes out
one not yet reviewed, and the cycle's assignment, dashboard and exports follow."""

import datetime

import openpyxl
import pytest
from django.utils import timezone

from audit.models import AuditEvent
from reviews.models import Review
from reviews.services import TransitionRefused, review_withdraw
from reviews.services.cycles import cycle_agencies_add, cycle_agency_remove
from summaries import figures
from summaries.models import Export
from summaries.services.exports import export_build_file

from ..factories import AgencyFactory, PolicyVersionFactory, lscb_framework, make_cycle, make_review

pytestmark = pytest.mark.django_db


def with_ready_policy(agency):
    PolicyVersionFactory(document__agency=agency, number=1)
    return agency


def dated(cycle, *, opened_days_ago: int, closes_in_days: int):
    today = timezone.localdate()
    cycle.opens_on = today - datetime.timedelta(days=opened_days_ago)
    cycle.closes_on = today + datetime.timedelta(days=closes_in_days)
    cycle.save(update_fields=["opens_on", "closes_on"])
    return cycle


@pytest.fixture
def cycle(northgate, southport):
    """An open cycle of Northgate and Southport, both with a policy ready to review."""
    with_ready_policy(northgate)
    with_ready_policy(southport)
    cycle = make_cycle(agencies=[northgate, southport], framework=lscb_framework())
    return dated(cycle, opened_days_ago=30, closes_in_days=60)


@pytest.fixture
def closed_cycle(cycle):
    return dated(cycle, opened_days_ago=90, closes_in_days=-1)


@pytest.fixture
def eastfield(cycle):
    """A new agency, made after the cycle opened."""
    return with_ready_policy(AgencyFactory(name="Eastfield Academy"))


def test_admin_adds_a_new_agency_to_an_open_cycle_and_it_is_audited(
    charlie_client, charlie, cycle, eastfield
):
    response = charlie_client.post(
        f"/cycles/{cycle.pk}/agencies/add/", {"agencies": [eastfield.pk]}, follow=True
    )
    assert response.redirect_chain == [(f"/cycles/{cycle.pk}/", 302)]
    assert "Eastfield Academy added to 2026 social media policy review" in (
        response.content.decode()
    )
    assert eastfield in cycle.agencies.all()
    event = AuditEvent.objects.get(action=AuditEvent.Action.CYCLE_AGENCY_ADDED)
    assert (event.actor, event.agency, event.object_id) == (charlie, eastfield, str(cycle.pk))
    assert event.detail == {"agency": "Eastfield Academy"}


def test_an_added_agency_is_offered_in_assign_reviews(charlie_client, cycle, eastfield):
    choices = charlie_client.get(f"/cycles/{cycle.pk}/assign/").context["form"]
    assert "Eastfield Academy" not in [label for _, label in choices.fields["agencies"].choices]
    charlie_client.post(f"/cycles/{cycle.pk}/agencies/add/", {"agencies": [eastfield.pk]})
    form = charlie_client.get(f"/cycles/{cycle.pk}/assign/").context["form"]
    assert "Eastfield Academy" in [label for _, label in form.fields["agencies"].choices]


def test_the_add_page_offers_only_active_agencies_not_yet_in_scope(
    charlie_client, cycle, eastfield
):
    AgencyFactory(name="Closed Trust", is_active=False)
    form = charlie_client.get(f"/cycles/{cycle.pk}/agencies/add/").context["form"]
    assert [agency.name for agency in form.fields["agencies"].queryset] == ["Eastfield Academy"]


def test_adding_no_agency_is_refused_with_a_message(charlie_client, cycle, eastfield):
    response = charlie_client.post(f"/cycles/{cycle.pk}/agencies/add/", {})
    assert response.status_code == 400
    assert "Select at least one agency to add" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CYCLE_AGENCY_ADDED).exists()


def test_a_closed_cycle_takes_no_new_agency_and_says_why(charlie_client, closed_cycle, eastfield):
    page = charlie_client.get(f"/cycles/{closed_cycle.pk}/agencies/add/").content.decode()
    assert "agencies can no longer be added to it" in page
    response = charlie_client.post(
        f"/cycles/{closed_cycle.pk}/agencies/add/", {"agencies": [eastfield.pk]}
    )
    assert response.status_code == 400
    assert eastfield not in closed_cycle.agencies.all()
    assert "Add agencies" not in charlie_client.get(f"/cycles/{closed_cycle.pk}/").content.decode()


def test_the_service_refuses_a_closed_cycle_and_records_the_refusal(
    charlie, closed_cycle, eastfield
):
    with pytest.raises(TransitionRefused, match="closed on .*, so its agencies can no longer"):
        cycle_agencies_add(cycle=closed_cycle, agencies=[eastfield], by=charlie)
    refusal = AuditEvent.objects.get(action=AuditEvent.Action.TRANSITION_REFUSED)
    assert refusal.detail["service"] == "cycle_agencies_add"


def test_only_a_board_admin_changes_a_cycles_agencies(rita, cycle, eastfield, northgate):
    with pytest.raises(TransitionRefused, match="Only a board admin"):
        cycle_agencies_add(cycle=cycle, agencies=[eastfield], by=rita)
    with pytest.raises(TransitionRefused, match="Only a board admin"):
        cycle_agency_remove(cycle=cycle, agency=northgate, by=rita)
    assert set(cycle.agencies.values_list("name", flat=True)) == {
        "Northgate Council",
        "Southport Police",
    }


def test_an_agency_already_in_scope_is_not_added_twice(charlie, cycle, northgate):
    with pytest.raises(TransitionRefused, match="Northgate Council is already in"):
        cycle_agencies_add(cycle=cycle, agencies=[northgate], by=charlie)


def test_admin_takes_out_an_agency_with_no_review_and_it_is_audited(
    charlie_client, charlie, cycle, southport
):
    page = charlie_client.get(f"/cycles/{cycle.pk}/agencies/{southport.pk}/remove/")
    assert "Take Southport Police out of this cycle?" in page.content.decode()
    response = charlie_client.post(
        f"/cycles/{cycle.pk}/agencies/{southport.pk}/remove/", follow=True
    )
    assert response.redirect_chain == [(f"/cycles/{cycle.pk}/", 302)]
    assert "Southport Police taken out of 2026 social media policy review" in (
        response.content.decode()
    )
    assert southport not in cycle.agencies.all()
    event = AuditEvent.objects.get(action=AuditEvent.Action.CYCLE_AGENCY_REMOVED)
    assert (event.actor, event.agency) == (charlie, southport)
    assert event.detail == {"agency": "Southport Police"}


def test_an_agency_with_a_review_cannot_be_taken_out_and_the_reason_is_shown(
    charlie_client, charlie, cycle, northgate, rita, mo
):
    make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)
    response = charlie_client.post(f"/cycles/{cycle.pk}/agencies/{northgate.pk}/remove/")
    assert response.status_code == 400
    assert (
        "Northgate Council cannot be taken out of 2026 social media policy review: it has a "
        "review (assigned). Withdraw the review first"
    ) in response.content.decode()
    assert northgate in cycle.agencies.all()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CYCLE_AGENCY_REMOVED).exists()


def test_an_agency_whose_review_was_withdrawn_can_be_taken_out(charlie, cycle, northgate, rita, mo):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)
    review_withdraw(review=review, reason="Assigned by mistake.", by=charlie)
    cycle_agency_remove(cycle=cycle, agency=northgate, by=charlie)
    assert northgate not in cycle.agencies.all()
    assert Review.objects.get(pk=review.pk).state == Review.State.WITHDRAWN


def test_the_only_agency_in_a_cycle_stays(charlie, cycle, northgate, southport):
    cycle_agency_remove(cycle=cycle, agency=southport, by=charlie)
    with pytest.raises(TransitionRefused, match="the only agency in"):
        cycle_agency_remove(cycle=cycle, agency=northgate, by=charlie)
    assert list(cycle.agencies.all()) == [northgate]


def test_a_closed_cycle_keeps_its_agencies(charlie_client, closed_cycle, southport):
    response = charlie_client.post(f"/cycles/{closed_cycle.pk}/agencies/{southport.pk}/remove/")
    assert response.status_code == 400
    assert "so its agencies can no longer change" in response.content.decode()
    assert southport in closed_cycle.agencies.all()


def test_an_agency_outside_the_cycle_is_not_found_to_take_out(charlie_client, cycle, eastfield):
    response = charlie_client.post(f"/cycles/{cycle.pk}/agencies/{eastfield.pk}/remove/")
    assert response.status_code == 404


def test_the_cycle_page_offers_take_out_only_for_agencies_without_a_review(
    charlie_client, charlie, cycle, northgate, southport, rita, mo
):
    make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)
    page = charlie_client.get(f"/cycles/{cycle.pk}/").content.decode()
    assert f"/cycles/{cycle.pk}/agencies/add/" in page
    assert f"/cycles/{cycle.pk}/agencies/{southport.pk}/remove/" in page
    assert f"/cycles/{cycle.pk}/agencies/{northgate.pk}/remove/" not in page


def summary_sheet(cycle, charlie) -> dict:
    export = Export.objects.create(format="xlsx", cycle=cycle, requested_by=charlie)
    export_build_file(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.READY, export.last_error
    workbook = openpyxl.load_workbook(export.file.path)
    return {row[0].value: row[1].value for row in workbook["Summary"].iter_rows() if row[0].value}


def test_an_added_agency_is_counted_on_the_dashboard_and_in_exports(
    charlie_client, charlie, cycle, eastfield
):
    assert figures.coverage([cycle]).in_scope == 2
    cycle_agencies_add(cycle=cycle, agencies=[eastfield], by=charlie)

    coverage = figures.coverage([cycle])
    assert (coverage.in_scope, coverage.not_assigned) == (3, 3)
    dashboard = charlie_client.get(f"/summaries/dashboard/cycles/{cycle.pk}/")
    assert dashboard.status_code == 200
    assert dashboard.context["summary"].coverage.in_scope == 3
    summary = summary_sheet(cycle, charlie)
    assert (summary["Agencies in scope"], summary["Not yet assigned"]) == (3, 3)
