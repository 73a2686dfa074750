import pytest
from django.urls import Resolver404, resolve

from accounts.models import User
from audit.models import AuditEvent
from people.services import ChangeRefused, person_roles_set

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def refusals():
    return AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("details/", {"full_name": "Changed", "email": "changed@board.test"}),
        ("roles/", {"roles": []}),
        ("deactivate/", {}),
        ("reactivate/", {}),
        ("invitation/", {}),
        ("memberships/add/", {}),
    ],
)
def test_no_board_admin_can_change_a_superuser(charlie_client, root, northgate, path, data):
    if path == "memberships/add/":
        data = {"agency": northgate.pk}
    response = charlie_client.post(f"/people/{root.pk}/{path}", data)
    assert response.status_code == 403
    event = refusals().get()
    assert event.object_id == str(root.pk)
    fresh = User.objects.get(pk=root.pk)
    assert (fresh.full_name, fresh.email, fresh.is_active, fresh.is_board_admin) == (
        "Sam Root",
        "root@board.test",
        True,
        True,
    )
    assert not fresh.memberships.exists()


def test_a_superusers_page_offers_no_changes(charlie_client, root):
    page = charlie_client.get(f"/people/{root.pk}/").content.decode()
    assert "technical administrator" in page
    assert f"/people/{root.pk}/roles/" not in page and f"/people/{root.pk}/deactivate/" not in page


def test_there_is_no_way_to_delete_a_person(root):
    with pytest.raises(Resolver404):
        resolve(f"/people/{root.pk}/delete/")


@pytest.mark.parametrize("field", ["is_superuser", "is_staff"])
def test_a_forged_request_for_admin_rights_is_refused(charlie_client, rita, field):
    response = charlie_client.post(
        f"/people/{rita.pk}/roles/", {"roles": ["is_reviewer", "is_moderator"], field: "on"}
    )
    assert response.status_code == 403
    rita.refresh_from_db()
    assert not rita.is_superuser and not rita.is_staff and not rita.is_moderator
    assert field in refusals().get().detail["reason"]


def test_a_board_admin_cannot_give_themselves_superuser_rights(charlie_client, charlie):
    response = charlie_client.post(
        f"/people/{charlie.pk}/details/",
        {"full_name": "Charlie Chen", "email": "charlie@board.test", "is_superuser": "on"},
    )
    assert response.status_code == 403
    charlie.refresh_from_db()
    assert not charlie.is_superuser


def test_an_invitation_cannot_carry_admin_rights(charlie_client):
    response = charlie_client.post(
        "/people/invite/",
        {"full_name": "Eve", "email": "eve@board.test", "roles": ["is_reviewer"], "is_staff": "on"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="eve@board.test").exists()
    assert refusals().count() == 1


def test_a_role_outside_the_board_roles_is_refused_by_the_form(charlie_client, rita):
    response = charlie_client.post(f"/people/{rita.pk}/roles/", {"roles": ["is_superuser"]})
    assert response.status_code == 400
    rita.refresh_from_db()
    assert not rita.is_superuser


def test_the_service_never_gives_a_right_other_than_a_board_role(charlie, rita):
    with pytest.raises(ChangeRefused):
        person_roles_set(person=rita, roles=["is_staff"], by=charlie)


@pytest.mark.parametrize("path", ["/people/invite/", "ROLES", "DETAILS"])
def test_the_forms_never_offer_admin_rights(charlie_client, rita, path):
    path = {"ROLES": f"/people/{rita.pk}/roles/", "DETAILS": f"/people/{rita.pk}/details/"}.get(
        path, path
    )
    page = charlie_client.get(path).content.decode()
    assert "is_superuser" not in page and "is_staff" not in page


def test_the_last_active_board_admin_cannot_remove_their_own_role(charlie_client, charlie):
    UserFactory(is_board_admin=True, is_active=False)
    response = charlie_client.post(f"/people/{charlie.pk}/roles/", {"roles": ["is_reviewer"]})
    assert response.status_code == 400
    assert "only active board admin" in response.content.decode()
    charlie.refresh_from_db()
    assert charlie.is_board_admin and not charlie.is_reviewer


def test_a_board_admin_may_remove_their_own_role_while_another_remains(charlie_client, charlie):
    UserFactory(is_board_admin=True)
    response = charlie_client.post(f"/people/{charlie.pk}/roles/", {"roles": ["is_reviewer"]})
    assert response.status_code == 302
    charlie.refresh_from_db()
    assert not charlie.is_board_admin


def test_a_board_admin_cannot_deactivate_themselves(charlie_client, charlie):
    page = charlie_client.get(f"/people/{charlie.pk}/deactivate/").content.decode()
    assert "You cannot deactivate your own account" in page
    response = charlie_client.post(f"/people/{charlie.pk}/deactivate/")
    assert response.status_code == 400
    charlie.refresh_from_db()
    assert charlie.is_active
