import pytest

from accounts.models import User
from audit.models import AuditEvent
from policies.models import Agency, Membership

from ..factories import AgencyFactory, make_review

pytestmark = pytest.mark.django_db


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_giving_and_removing_board_roles_records_each_change(charlie_client, charlie, rita):
    response = charlie_client.post(f"/people/{rita.pk}/roles/", {"roles": ["is_moderator"]})
    assert response.status_code == 302
    rita.refresh_from_db()
    assert rita.is_moderator and not rita.is_reviewer
    given, removed = events("role_given"), events("role_removed")
    assert given[0].detail["changes"] == {"is_moderator": {"from": False, "to": True}}
    assert removed[0].detail["changes"] == {"is_reviewer": {"from": True, "to": False}}
    assert given[0].actor == charlie and given[0].object_id == str(rita.pk)
    assert given[0].detail["route"] == "app"


def test_saving_unchanged_roles_records_nothing(charlie_client, rita):
    charlie_client.post(f"/people/{rita.pk}/roles/", {"roles": ["is_reviewer"]})
    assert events("role_given") == [] and events("role_removed") == []


def test_changing_roles_is_a_post(charlie_client, rita):
    charlie_client.get(f"/people/{rita.pk}/roles/", {"roles": ["is_moderator"]})
    rita.refresh_from_db()
    assert not rita.is_moderator


def test_adding_and_ending_a_membership_is_audited_on_the_agency(charlie_client, alice, southport):
    charlie_client.post(f"/people/{alice.pk}/memberships/add/", {"agency": southport.pk})
    membership = Membership.objects.get(user=alice, agency=southport)
    added = events("membership_added")[0]
    assert added.agency == southport
    assert added.detail["changes"] == {"agency": {"from": None, "to": "Southport Police"}}
    page = charlie_client.get(f"/people/{alice.pk}/memberships/{membership.pk}/end/")
    assert page.status_code == 200 and Membership.objects.filter(pk=membership.pk).exists()
    charlie_client.post(f"/people/{alice.pk}/memberships/{membership.pk}/end/")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    ended = events("membership_ended")[0]
    assert ended.detail["changes"] == {"agency": {"from": "Southport Police", "to": None}}


def test_an_inactive_agency_is_not_offered_for_membership(charlie_client, alice):
    closed = AgencyFactory(name="Closed Trust", is_active=False)
    page = charlie_client.get(f"/people/{alice.pk}/memberships/add/").content.decode()
    assert "Closed Trust" not in page
    response = charlie_client.post(f"/people/{alice.pk}/memberships/add/", {"agency": closed.pk})
    assert response.status_code == 400
    assert not Membership.objects.filter(user=alice, agency=closed).exists()


def test_deactivating_and_reactivating_an_account(charlie_client, alice, client):
    client.force_login(alice)
    assert client.get("/").status_code == 200
    assert charlie_client.get(f"/people/{alice.pk}/deactivate/").status_code == 200
    charlie_client.post(f"/people/{alice.pk}/deactivate/")
    alice.refresh_from_db()
    assert not alice.is_active
    # Signed out at once, wherever they were signed in.
    assert client.get("/").status_code == 302
    assert events("person_deactivated")[0].detail["changes"] == {
        "is_active": {"from": True, "to": False}
    }
    charlie_client.post(f"/people/{alice.pk}/reactivate/")
    alice.refresh_from_db()
    assert alice.is_active
    assert events("person_reactivated")[0].detail["changes"] == {
        "is_active": {"from": False, "to": True}
    }


def test_reactivating_is_a_post(charlie_client, alice):
    alice.is_active = False
    alice.save()
    assert charlie_client.get(f"/people/{alice.pk}/reactivate/").status_code == 405


def test_changing_a_persons_details_records_from_and_to(charlie_client, alice):
    charlie_client.post(
        f"/people/{alice.pk}/details/",
        {"full_name": "Alice Archer-Smith", "email": " Alice.Smith@Northgate.test"},
    )
    alice.refresh_from_db()
    assert alice.email == "alice.smith@northgate.test"
    event = events("person_changed")[0]
    assert event.detail["changes"] == {
        "full_name": {"from": "Alice Archer", "to": "Alice Archer-Smith"},
        "email": {"from": "alice@northgate.test", "to": "alice.smith@northgate.test"},
    }


def test_a_persons_email_cannot_be_changed_to_one_in_use(charlie_client, alice, bob):
    response = charlie_client.post(
        f"/people/{alice.pk}/details/", {"full_name": "Alice", "email": "BOB@southport.test"}
    )
    assert response.status_code == 400
    assert "already has an account" in response.content.decode()


def test_creating_and_changing_an_agency_is_audited(charlie_client):
    charlie_client.post(
        "/people/agencies/new/",
        {"name": "Eastfield NHS Trust", "sector": "health", "is_active": "on"},
    )
    agency = Agency.objects.get(name="Eastfield NHS Trust")
    created = events("agency_created")[0]
    assert created.agency == agency
    assert created.detail["changes"]["sector"] == {"from": None, "to": "health"}
    charlie_client.post(
        f"/people/agencies/{agency.pk}/", {"name": "Eastfield NHS Trust", "sector": "health"}
    )
    agency.refresh_from_db()
    assert not agency.is_active
    assert events("agency_changed")[0].detail["changes"] == {
        "is_active": {"from": True, "to": False}
    }


def test_an_agency_name_in_use_in_any_case_is_refused(charlie_client, northgate):
    response = charlie_client.post(
        "/people/agencies/new/", {"name": "northgate council", "sector": "police"}
    )
    assert response.status_code == 400
    assert "An agency called northgate council already exists" in response.content.decode()
    assert Agency.objects.count() == 1


def test_agency_list_shows_members(charlie_client, alice):
    page = charlie_client.get("/people/agencies/").content.decode()
    assert "Northgate Council" in page and "Local authority" in page


def test_a_reviewer_cannot_add_an_agency(rita_client):
    assert (
        rita_client.post("/people/agencies/new/", {"name": "X", "sector": "police"}).status_code
        == 403
    )
    assert not Agency.objects.filter(name="X").exists()
    assert User.objects.count() == 1


def test_a_membership_that_creates_a_conflict_warns_the_admin_to_reassign(
    charlie_client, charlie, rita, mo, northgate
):
    make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    response = charlie_client.post(
        f"/people/{rita.pk}/memberships/add/", {"agency": northgate.pk}, follow=True
    )
    page = response.content.decode()
    assert "now belongs to Northgate Council, so cannot go on reviewing" in page
    assert "Reassign" in page
