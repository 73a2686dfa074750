from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from accounts.models import User
from audit.models import AuditEvent
from tests.factories import TOTPDeviceFactory

pytestmark = pytest.mark.django_db

REFUSAL = (
    "Your organisation account (stranger@elsewhere.test) has not been invited to this service. "
    "Ask the board's business manager."
)


def test_an_invited_person_signs_in_with_their_organisation_account(
    client, alice, organisation_account
):
    response = organisation_account.sign_in(client, "alice@northgate.test")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Welcome, Alice" in client.get("/").content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN)
    assert event.actor == alice and event.detail == {"method": "oidc"}


def test_the_request_to_the_provider_carries_state_nonce_and_pkce(
    client, alice, organisation_account
):
    query = parse_qs(urlsplit(organisation_account.start(client, "alice@northgate.test")).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["scope"] == ["openid email profile"]


def test_the_email_address_matches_whatever_its_case(client, alice, organisation_account):
    organisation_account.sign_in(client, "ALICE@NORTHGATE.TEST")
    assert "Welcome, Alice" in client.get("/").content.decode()


def test_someone_not_invited_is_refused_with_a_page_and_an_audit_event(
    client, alice, organisation_account
):
    response = organisation_account.sign_in(client, "stranger@elsewhere.test")
    assert response.status_code == 403
    assert REFUSAL in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.OIDC_SIGN_IN_REFUSED)
    assert event.detail == {"email": "stranger@elsewhere.test", "reason": "not invited"}
    assert not User.objects.filter(email__iexact="stranger@elsewhere.test").exists()
    assert client.get("/").status_code == 302


def test_a_deactivated_person_is_refused(client, alice, organisation_account):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    response = organisation_account.sign_in(client, "alice@northgate.test")
    assert response.status_code == 403
    assert "has not been invited" in response.content.decode()


def test_an_email_address_the_provider_has_not_verified_is_refused(
    client, alice, organisation_account
):
    response = organisation_account.sign_in(client, "alice-unverified")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=AuditEvent.Action.OIDC_SIGN_IN_REFUSED)
    assert event.detail["reason"] == "email address not verified by the provider"


def test_a_provider_that_never_says_can_be_trusted_for_its_email_addresses(
    client, alice, organisation_account, settings
):
    assert organisation_account.sign_in(client, "alice-no-verified-claim").status_code == 403
    settings.OIDC_TRUST_PROVIDER_EMAIL = True
    assert organisation_account.sign_in(client, "alice-no-verified-claim")["Location"] == "/"
    # Trust never covers an address the provider says it has not verified.
    client.post("/sign-out/")
    assert organisation_account.sign_in(client, "alice-unverified").status_code == 403


def test_a_forged_state_is_refused(client, alice, organisation_account):
    callback = organisation_account.at_provider(
        organisation_account.start(client, "alice@northgate.test")
    )
    query = parse_qs(urlsplit(callback).query)
    query["state"] = ["forged-state"]
    response = client.get("/oidc/callback/?" + urlencode(query, doseq=True))
    assert response.status_code == 400
    assert "did not work" in response.content.decode()
    assert AuditEvent.objects.get(action=AuditEvent.Action.OIDC_SIGN_IN_REFUSED).detail == {
        "reason": "unknown state"
    }
    assert client.get("/").status_code == 302


def test_an_id_token_with_another_nonce_is_refused(client, alice, organisation_account):
    location = organisation_account.start(client, "alice@northgate.test")
    session = client.session
    for stored in session["oidc_states"].values():
        stored["nonce"] = "not-the-nonce-sent"
    session.save()
    response = client.get(organisation_account.at_provider(location))
    assert response.status_code == 400
    event = AuditEvent.objects.get(action=AuditEvent.Action.OIDC_SIGN_IN_REFUSED)
    assert "Nonce" in event.detail["reason"]
    assert client.get("/").status_code == 302


def test_a_callback_cannot_be_replayed(client, alice, organisation_account):
    callback = organisation_account.at_provider(
        organisation_account.start(client, "alice@northgate.test")
    )
    assert client.get(callback).status_code == 302
    client.post("/sign-out/")
    assert client.get(callback).status_code == 400


def test_signing_out_ends_the_session(client, alice, organisation_account):
    organisation_account.sign_in(client, "alice@northgate.test")
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_OUT, actor=alice).exists()


def test_the_providers_own_mfa_stands_in_for_the_code(client, charlie, organisation_account):
    response = organisation_account.sign_in(client, "charlie@board.test")
    assert response["Location"] == "/"
    assert client.get("/audit/").status_code == 200


def test_the_providers_mfa_can_be_not_trusted(client, charlie, organisation_account, settings):
    settings.OIDC_TRUST_PROVIDER_MFA = False
    organisation_account.sign_in(client, "charlie@board.test")
    assert client.get("/audit/")["Location"].startswith("/account/second-factor/")


def test_a_password_only_organisation_sign_in_still_asks_for_the_code(
    client, rita, organisation_account
):
    TOTPDeviceFactory(user=rita)
    organisation_account.sign_in(client, "rita@board.test")
    assert client.get("/")["Location"].startswith("/sign-in/code/")


def test_the_sign_in_page_offers_the_organisation_account_when_configured(
    client, organisation_sign_in_on
):
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with your organisation's account (Test provider)" in page


def test_without_configuration_only_the_password_sign_in_is_offered(client, db):
    page = client.get("/sign-in/").content.decode()
    assert "organisation's account" not in page
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


def test_an_id_token_from_another_issuer_is_refused(client, alice, organisation_account):
    from accounts.oidc import provider_configuration

    location = organisation_account.start(client, "alice@northgate.test")
    provider_configuration()["issuer"] = "https://impostor.example"
    response = client.get(organisation_account.at_provider(location))
    assert response.status_code == 400
    assert (
        "another issuer"
        in AuditEvent.objects.get(action=AuditEvent.Action.OIDC_SIGN_IN_REFUSED).detail["reason"]
    )


def test_refused_organisation_sign_ins_do_not_lock_out_colleagues_at_the_same_address(
    client, alice, organisation_account, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert organisation_account.sign_in(client, "stranger@elsewhere.test").status_code == 403
    assert organisation_account.sign_in(client, "alice@northgate.test")["Location"] == "/"
