import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from audit.models import AuditEvent
from people.sessions import LAST_ACTIVE_AT, SIGNED_IN_AT

pytestmark = pytest.mark.django_db


def idle_for(client, minutes: float) -> None:
    """Move the session's last activity into the past, as if the person had left the screen."""
    session = client.session
    session[LAST_ACTIVE_AT] -= int(minutes * 60)
    session.save()


def signed_in_for(client, minutes: float) -> None:
    session = client.session
    session[SIGNED_IN_AT] -= int(minutes * 60)
    session[LAST_ACTIVE_AT] = session[SIGNED_IN_AT] + int(minutes * 60)
    session.save()


def test_a_board_member_idle_for_31_minutes_is_signed_out(charlie_client):
    idle_for(charlie_client, 31)
    response = charlie_client.get("/people/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=%2Fpeople%2F"
    page = charlie_client.get(response["Location"]).content.decode()
    assert "You were signed out because you had not done anything for 30 minutes" in page
    assert charlie_client.get("/").status_code == 302


def test_a_board_member_idle_for_29_minutes_stays_signed_in(charlie_client):
    idle_for(charlie_client, 29)
    assert charlie_client.get("/people/").status_code == 200


def test_an_agency_member_has_the_longer_idle_timeout(alice_client):
    idle_for(alice_client, 45)
    assert alice_client.get("/").status_code == 200
    idle_for(alice_client, 61)
    assert alice_client.get("/").status_code == 302


def test_idle_timeouts_come_from_settings(charlie_client, settings):
    settings.SESSION_IDLE_TIMEOUT_BOARD_MINUTES = 5
    idle_for(charlie_client, 6)
    assert charlie_client.get("/").status_code == 302


def test_activity_keeps_a_session_alive(charlie_client):
    idle_for(charlie_client, 20)
    assert charlie_client.get("/").status_code == 200
    idle_for(charlie_client, 20)
    assert charlie_client.get("/").status_code == 200


def test_a_session_ends_after_its_absolute_lifetime_however_active(charlie_client, settings):
    signed_in_for(charlie_client, settings.SESSION_COOKIE_AGE / 60 + 1)
    response = charlie_client.get("/")
    assert response.status_code == 302
    page = charlie_client.get(response["Location"]).content.decode()
    assert "because you had been signed in for 8 hours" in page


def test_a_timed_out_form_post_is_not_carried_out(charlie_client, rita):
    idle_for(charlie_client, 31)
    response = charlie_client.post(f"/people/{rita.pk}/roles/", {"roles": []})
    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    rita.refresh_from_db()
    assert rita.is_reviewer


def test_signing_out_of_all_devices_ends_the_other_sessions_only(charlie, charlie_client):
    phone, laptop = Client(), Client()
    phone.force_login(charlie)
    laptop.force_login(charlie)
    response = charlie_client.post("/people/account/sign-out-everywhere/")
    assert response.status_code == 302
    assert (
        "signed out of 2 other devices" in charlie_client.get("/people/account/").content.decode()
    )
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 302
    assert charlie_client.get("/").status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGNED_OUT_EVERYWHERE)
    assert event.actor == charlie and event.detail == {"sessions_ended": 2}


def test_signing_out_of_all_devices_leaves_other_peoples_sessions(charlie_client, alice_client):
    charlie_client.post("/people/account/sign-out-everywhere/")
    assert alice_client.get("/").status_code == 200
    assert Session.objects.count() == 2


def test_signing_out_of_all_devices_is_a_post(charlie_client):
    assert charlie_client.get("/people/account/sign-out-everywhere/").status_code == 405


def test_everyone_has_an_account_page(alice_client):
    page = alice_client.get("/people/account/").content.decode()
    assert "Northgate Council" in page and "Sign out of all other devices" in page
