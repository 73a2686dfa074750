"""One person per address in any case, throttling that no spelling escapes, a Django admin for
superusers only, and every change made there in the audit trail."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.test import Client

from accounts.admin import PersonCreationForm
from accounts.models import User
from audit.models import AuditEvent
from policies.models import Membership

from ..factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
Action = AuditEvent.Action


def sign_in(client, email: str, password: str):
    return client.post("/sign-in/", {"username": email, "password": password})


@pytest.fixture
def reviewer2(db):
    return UserFactory(email="reviewer2@demo.example", full_name="Rosa Second", is_reviewer=True)


@pytest.fixture
def root(db):
    return UserFactory(
        email="root@board.test", full_name="Sam Root", is_superuser=True, is_staff=True
    )


@pytest.fixture
def root_client(root):
    client = Client()
    client.force_login(root)
    return client


# One address, any spelling


def test_failures_in_one_spelling_lock_out_every_spelling(client, reviewer2, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "reviewer2@demo.example", "wrong")
    for spelling in ("REVIEWER2@demo.example", "Reviewer2@Demo.Example", " reviewer2@demo.example"):
        assert sign_in(client, spelling, PASSWORD).status_code == 429


def test_changing_the_case_of_each_try_buys_no_more_tries(client, reviewer2, settings):
    spellings = ["reviewer2@demo.example", "REVIEWER2@demo.example", "Reviewer2@demo.example"]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, spellings[attempt % len(spellings)], "wrong")
    assert sign_in(client, "reviewer2@DEMO.example", PASSWORD).status_code == 429


def test_signing_in_with_capitals_works_when_not_locked_out(client, reviewer2):
    response = sign_in(client, "  REVIEWER2@Demo.Example ", PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=Action.SIGN_IN, actor=reviewer2).exists()


def test_an_address_is_kept_in_one_spelling(db):
    person = UserFactory(email="  Dana.Smith@Northgate.TEST ")
    person.refresh_from_db()
    assert person.email == "dana.smith@northgate.test"
    assert User.objects.create_user("EVE@Example.Test", PASSWORD, full_name="Eve").email == (
        "eve@example.test"
    )
    assert User.objects.get_by_natural_key("DANA.SMITH@northgate.test") == person


def test_a_second_account_differing_only_in_case_is_refused(alice):
    form = PersonCreationForm(
        data={
            "email": "ALICE@Northgate.test",
            "full_name": "Another Alice",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        }
    )
    assert not form.is_valid()
    assert "email" in form.errors or "__all__" in form.errors
    # The database refuses it too, whatever route the row takes.
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="ALICE@northgate.TEST", full_name="Another Alice")])


# The Django admin is for superusers only


def admin_refusals(charlie) -> int:
    return AuditEvent.objects.filter(action=Action.ACCESS_REFUSED, actor=charlie).count()


def test_a_board_admin_is_turned_away_from_the_django_admin_and_it_is_recorded(
    charlie_client, charlie
):
    response = charlie_client.get("/admin/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()
    event = AuditEvent.objects.get(action=Action.ACCESS_REFUSED, actor=charlie)
    assert event.path == "/admin/"


def test_someone_signed_out_is_sent_to_sign_in_and_nothing_is_recorded(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not AuditEvent.objects.filter(action=Action.ACCESS_REFUSED).exists()


def test_a_board_admin_cannot_set_a_superusers_password(charlie_client, charlie, root):
    url = f"/admin/accounts/user/{root.pk}/password/"
    assert charlie_client.get(url).status_code == 403
    response = charlie_client.post(
        url, {"password1": "taken-over-passphrase", "password2": "taken-over-passphrase"}
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password(PASSWORD)
    assert admin_refusals(charlie) == 2


def test_a_board_admin_cannot_delete_or_rename_a_superuser(charlie_client, charlie, root):
    deleting = charlie_client.post(f"/admin/accounts/user/{root.pk}/delete/", {"post": "yes"})
    renaming = charlie_client.post(
        f"/admin/accounts/user/{root.pk}/change/", {"email": "charlie2@board.test"}
    )
    assert deleting.status_code == renaming.status_code == 403
    root.refresh_from_db()
    assert root.email == "root@board.test"
    assert admin_refusals(charlie) == 2


def test_a_superuser_uses_the_django_admin(root_client, root):
    assert root_client.get("/admin/").status_code == 200
    assert not AuditEvent.objects.filter(action=Action.ACCESS_REFUSED).exists()


# Changes made in the Django admin are in the audit trail


def person_form(person, **changes) -> dict:
    data = {
        "email": person.email,
        "full_name": person.full_name,
        "is_board_admin": person.is_board_admin,
        "is_reviewer": person.is_reviewer,
        "is_moderator": person.is_moderator,
        "is_active": person.is_active,
        "is_staff": person.is_staff,
        "is_superuser": person.is_superuser,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def test_a_change_to_a_person_in_the_admin_is_recorded_from_and_to(root_client, root, rita):
    response = root_client.post(
        f"/admin/accounts/user/{rita.pk}/change/",
        person_form(rita, email="rita.reyes@board.test", is_moderator=True),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action=Action.PERSON_CHANGED)
    assert event.actor == root and event.object_id == str(rita.pk)
    assert event.detail == {
        "route": "admin",
        "changes": {
            "email": {"from": "rita@board.test", "to": "rita.reyes@board.test"},
            "is_moderator": {"from": False, "to": True},
        },
    }


def test_a_membership_added_and_removed_in_the_admin_is_recorded(root_client, rita, northgate):
    url = f"/admin/accounts/user/{rita.pk}/change/"
    adding = person_form(
        rita,
        **{
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-agency": str(northgate.pk),
            "memberships-0-user": str(rita.pk),
        },
    )
    assert root_client.post(url, adding).status_code == 302
    membership = Membership.objects.get(user=rita)
    added = AuditEvent.objects.get(action=Action.MEMBERSHIP_ADDED)
    assert added.agency == northgate and added.object_id == str(rita.pk)
    assert added.detail == {
        "route": "admin",
        "changes": {"agency": {"from": None, "to": "Northgate Council"}},
    }

    removing = person_form(
        rita,
        **{
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": str(membership.pk),
            "memberships-0-user": str(rita.pk),
            "memberships-0-agency": str(northgate.pk),
            "memberships-0-DELETE": "on",
        },
    )
    assert root_client.post(url, removing).status_code == 302
    assert not Membership.objects.filter(user=rita).exists()
    ended = AuditEvent.objects.get(action=Action.MEMBERSHIP_ENDED)
    assert ended.agency == northgate and ended.object_id == str(rita.pk)
    assert ended.detail["changes"] == {"agency": {"from": "Northgate Council", "to": None}}


def test_a_password_set_in_the_admin_is_recorded_without_the_password(root_client, rita):
    response = root_client.post(
        f"/admin/accounts/user/{rita.pk}/password/",
        {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    rita.refresh_from_db()
    assert rita.check_password("a-brand-new-passphrase")
    event = AuditEvent.objects.get(action=Action.PASSWORD_SET)
    assert event.object_id == str(rita.pk) and event.detail["route"] == "admin"
    everything = str(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert "a-brand-new-passphrase" not in everything
    assert rita.password not in everything and "md5$" not in everything


def test_a_person_added_and_deleted_in_the_admin_is_recorded(root_client):
    response = root_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Person@Board.test",
            "full_name": "New Person",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person = User.objects.get(email="new.person@board.test")
    created = AuditEvent.objects.get(action=Action.PERSON_CREATED)
    assert created.detail["changes"]["email"] == {"from": None, "to": "new.person@board.test"}
    assert "password" not in created.detail["changes"]
    assert AuditEvent.objects.filter(action=Action.PASSWORD_SET, object_id=str(person.pk)).exists()

    stranger = UserFactory(email="stranger@board.test")
    assert (
        root_client.post(f"/admin/accounts/user/{stranger.pk}/delete/", {"post": "yes"}).status_code
        == 302
    )
    deleted = AuditEvent.objects.get(action=Action.PERSON_DELETED)
    assert deleted.object_id == str(stranger.pk)
    assert deleted.detail["changes"]["email"] == {"from": "stranger@board.test", "to": None}


def test_an_agency_changed_in_the_admin_is_recorded(root_client):
    agency = AgencyFactory(name="Eastbrook Health")
    response = root_client.post(
        f"/admin/policies/agency/{agency.pk}/change/",
        {
            "name": "Eastbrook Health Trust",
            "sector": "health",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(action=Action.AGENCY_CHANGED)
    assert event.agency == agency
    assert event.detail["changes"]["name"] == {
        "from": "Eastbrook Health",
        "to": "Eastbrook Health Trust",
    }


def test_createsuperuser_is_recorded(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-passphrase")
    call_command(
        "createsuperuser",
        interactive=False,
        email="Tech@Board.test",
        full_name="Tech Admin",
        verbosity=0,
    )
    event = AuditEvent.objects.get(action=Action.PERSON_CREATED)
    assert event.detail["route"] == "createsuperuser"
    assert event.object_id == str(User.objects.get(email="tech@board.test").pk)


def test_a_form_refused_by_the_csrf_check_is_recorded(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/sign-out/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()
    event = AuditEvent.objects.get(action=Action.CSRF_FAILED)
    assert event.actor == alice and event.path == "/sign-out/"
    assert "CSRF" in event.detail["reason"]


def test_changepassword_is_recorded_without_the_password(monkeypatch, rita):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a-long-new-password-2026")
    call_command("changepassword", "RITA@board.test")
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_SET)
    assert event.object_id == str(rita.pk)
    assert event.detail == {
        "changes": {"password": {"from": "not recorded", "to": "set"}},
        "route": "changepassword",
    }
    rita.refresh_from_db()
    assert rita.check_password("a-long-new-password-2026")


def test_a_superuser_without_a_board_role_gets_no_board_pages(db):
    technician = User.objects.create_superuser(
        email="tech@board.test",
        password="a-long-enough-passphrase",
        full_name="Tech",
        is_board_admin=False,
    )
    client = Client()
    client.force_login(technician)
    for url in ("/audit/", "/people/", "/summaries/actions/all/", "/cycles/"):
        assert client.get(url).status_code == 403, url
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).count() == 4
