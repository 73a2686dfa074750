import hashlib
import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from people.models import Invitation
from policies.models import Membership

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase 2026"


def invite(client, **fields):
    data = {"full_name": "Nia Evans", "email": "nia@board.test", "roles": ["is_reviewer"]}
    data.update(fields)
    return client.post("/people/invite/", data)


def link_from_outbox(index: int = -1) -> str:
    body = mail.outbox[index].body
    return urlparse(re.search(r"https?://\S+/people/invitation/\S+/", body).group(0)).path


def test_inviting_a_person_emails_a_one_time_link_and_keeps_only_its_digest(charlie_client):
    response = invite(charlie_client)
    nia = User.objects.get(email="nia@board.test")
    assert response.status_code == 302 and response["Location"] == f"/people/{nia.pk}/"
    assert nia.is_reviewer and not nia.has_usable_password()
    assert mail.outbox[0].to == ["nia@board.test"]
    token = link_from_outbox().rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get(person=nia)
    assert invitation.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values().get())
    assert timedelta(hours=71) < invitation.expires_at - timezone.now() <= timedelta(hours=72)
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERSON_INVITED)
    assert event.detail["changes"]["email"] == {"from": None, "to": "nia@board.test"}
    assert event.detail["changes"]["is_reviewer"] == {"from": None, "to": True}


def test_the_email_address_is_stripped_and_lowercased(charlie_client):
    invite(charlie_client, email="  Nia.Evans@Board.TEST ")
    assert User.objects.filter(email="nia.evans@board.test").exists()


def test_an_email_address_that_exists_in_any_case_is_refused(charlie_client, rita):
    response = invite(charlie_client, email="RITA@board.test")
    assert response.status_code == 400
    assert "rita@board.test already has an account" in response.content.decode()
    assert mail.outbox == []


def test_an_invitation_needs_a_board_role_or_an_agency(charlie_client):
    response = invite(charlie_client, roles=[])
    assert response.status_code == 400
    assert "Select a board role or an agency" in response.content.decode()
    assert not User.objects.filter(email="nia@board.test").exists()


def test_an_agency_member_is_invited_with_their_membership(charlie_client, northgate):
    invite(charlie_client, roles=[], agency=northgate.pk)
    nia = User.objects.get(email="nia@board.test")
    assert Membership.objects.filter(user=nia, agency=northgate).exists()
    assert AuditEvent.objects.get(action=AuditEvent.Action.PERSON_INVITED).agency == northgate


def test_an_invited_person_cannot_sign_in_before_setting_a_password(charlie_client, client):
    invite(charlie_client)
    response = client.post("/sign-in/", {"username": "nia@board.test", "password": ""})
    assert response.status_code == 200
    assert not client.session.get("_auth_user_id")


def test_setting_a_password_takes_the_person_to_sign_in(charlie_client, client):
    invite(charlie_client)
    link = link_from_outbox()
    assert "Set your password" in client.get(link).content.decode()
    response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    nia = User.objects.get(email="nia@board.test")
    assert nia.check_password(PASSWORD)
    event = AuditEvent.objects.get(action=AuditEvent.Action.INVITATION_ACCEPTED)
    assert event.actor == nia
    assert "Your password is set" in client.get("/sign-in/").content.decode()


def test_the_password_must_pass_the_password_rules(charlie_client, client):
    invite(charlie_client)
    response = client.post(link_from_outbox(), {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 400
    assert "This password is too short" in response.content.decode()
    assert not User.objects.get(email="nia@board.test").has_usable_password()


def test_a_link_works_only_once(charlie_client, client):
    invite(charlie_client)
    link = link_from_outbox()
    client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    again = client.get(link)
    page = again.content.decode()
    assert again.status_code == 410
    assert "already been used" in page and "new_password1" not in page
    second = client.post(link, {"new_password1": "x" + PASSWORD, "new_password2": "x" + PASSWORD})
    assert second.status_code == 410
    assert User.objects.get(email="nia@board.test").check_password(PASSWORD)


def test_an_expired_link_says_so_and_offers_nothing(charlie_client, client):
    invite(charlie_client)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(link_from_outbox())
    page = response.content.decode()
    assert response.status_code == 410
    assert (
        "This invitation link has expired" in page and '<form method="post" novalidate>' not in page
    )


def test_an_unknown_link_is_not_found(client, db):
    response = client.get("/people/invitation/not-a-real-token/")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_sending_the_invitation_again_stops_the_old_link_working(charlie_client, client):
    invite(charlie_client)
    old_link = link_from_outbox()
    nia = User.objects.get(email="nia@board.test")
    response = charlie_client.post(f"/people/{nia.pk}/invitation/")
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    new_link = link_from_outbox()
    assert new_link != old_link
    assert client.get(old_link).status_code == 410
    assert "no longer works" in client.get(old_link).content.decode()
    assert client.get(new_link).status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERSON_INVITED).count() == 2


def test_sending_the_invitation_again_is_a_post(charlie_client):
    invite(charlie_client)
    nia = User.objects.get(email="nia@board.test")
    assert charlie_client.get(f"/people/{nia.pk}/invitation/").status_code == 405


def test_a_person_who_set_a_password_is_not_sent_another_invitation(charlie_client, rita):
    charlie_client.post(f"/people/{rita.pk}/invitation/")
    assert mail.outbox == []


def test_deactivating_an_invited_person_stops_their_link(charlie_client, client):
    invite(charlie_client)
    nia = User.objects.get(email="nia@board.test")
    charlie_client.post(f"/people/{nia.pk}/deactivate/")
    assert client.get(link_from_outbox()).status_code == 410
