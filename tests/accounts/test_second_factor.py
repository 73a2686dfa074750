import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import demo_devices_create
from audit.models import AuditEvent
from tests.factories import TOTPDeviceFactory

from .totp import totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def sign_in(client, email: str, next_url: str = ""):
    data = {"username": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/sign-in/", data)


def enter_code(client, code: str, next_url: str = "/"):
    return client.post("/sign-in/code/", {"code": code, "next": next_url})


def wind_back_throttle(device_class, user) -> None:
    """Let the wait after a wrong code pass, without waiting."""
    device_class.objects.filter(user=user).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


@pytest.fixture
def rita_app(rita):
    return TOTPDeviceFactory(user=rita)


def test_a_reviewer_with_an_app_is_asked_for_a_code_before_anything_else(client, rita, rita_app):
    response = sign_in(client, "rita@board.test", next_url="/reviews/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/code/")
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/sign-in/code/?next=")
    page = client.get(response["Location"]).content.decode()
    assert "Enter the code from your app" in page


def test_the_right_code_finishes_signing_in(client, rita, rita_app):
    sign_in(client, "rita@board.test")
    response = enter_code(client, totp_code(rita_app), next_url="/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Your reviews" in client.get("/").content.decode()


def test_a_wrong_code_is_refused_and_audited(client, rita, rita_app):
    sign_in(client, "rita@board.test")
    response = enter_code(client, "000000" if totp_code(rita_app) != "000000" else "111111")
    assert response.status_code == 400
    assert "The code is not right" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SECOND_FACTOR_FAILED)
    assert event.actor == rita
    assert client.get("/")["Location"].startswith("/sign-in/code/")


def test_repeated_wrong_codes_are_throttled_even_when_the_next_code_is_right(
    client, rita, rita_app
):
    sign_in(client, "rita@board.test")
    enter_code(client, "000000" if totp_code(rita_app) != "000000" else "111111")
    response = enter_code(client, totp_code(rita_app))
    assert response.status_code == 400
    assert "too many wrong codes" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.SECOND_FACTOR_FAILED, detail__throttled=True
    ).exists()
    wind_back_throttle(TOTPDevice, rita)
    assert enter_code(client, totp_code(rita_app)).status_code == 302


def test_a_code_cannot_be_used_twice(client, rita, rita_app):
    code = totp_code(rita_app)
    sign_in(client, "rita@board.test")
    assert enter_code(client, code).status_code == 302
    other = Client()
    sign_in(other, "rita@board.test")
    assert enter_code(other, code).status_code == 400


def test_a_board_admin_without_an_app_must_set_one_up(client, charlie):
    response = sign_in(client, "charlie@board.test")
    assert response["Location"].startswith("/account/second-factor/")
    assert client.get("/audit/")["Location"].startswith("/account/second-factor/?next=")


def test_an_agency_member_is_offered_a_second_factor_but_not_made_to(client, alice):
    response = sign_in(client, "alice@northgate.test")
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert "Set up an authenticator app" in client.get("/account/second-factor/").content.decode()


def test_the_board_can_require_a_second_factor_of_agency_members(client, alice, settings):
    settings.AGENCY_MEMBER_SECOND_FACTOR = "required"
    response = sign_in(client, "alice@northgate.test")
    assert response["Location"].startswith("/account/second-factor/")


def test_the_board_can_turn_the_second_factor_off_for_agency_members(client, alice, settings):
    settings.AGENCY_MEMBER_SECOND_FACTOR = "off"
    sign_in(client, "alice@northgate.test")
    assert client.get("/").status_code == 200
    assert client.get("/account/second-factor/").status_code == 404


def test_public_pages_need_no_second_factor(client, charlie):
    sign_in(client, "charlie@board.test")
    assert client.get("/outcomes/check/").status_code == 200


def test_setting_up_an_app_shows_the_qr_code_and_key_then_ten_recovery_codes(client, charlie):
    sign_in(client, "charlie@board.test")
    page = client.get("/account/second-factor/?next=/audit/").content.decode()
    assert 'src="data:image/svg+xml' in page
    assert 'alt="QR code to add' in page
    device = TOTPDevice.objects.get(user=charlie, confirmed=False)
    key = re.search(r'id="totp-key">(.*?)</p>', page).group(1)
    groups = re.findall(r"<span>([A-Z2-7]{1,4})</span>", key)
    assert len(groups[0]) == 4 and len("".join(groups)) == 32

    wrong = client.post("/account/second-factor/", {"code": "12345", "next": "/audit/"})
    assert "Enter the code as 6 digits" in wrong.content.decode()

    response = client.post(
        "/account/second-factor/", {"code": totp_code(device), "next": "/audit/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/account/second-factor/recovery-codes/")
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10
    assert "I have saved these codes" in codes_page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SECOND_FACTOR_ADDED).count() == 1

    done = client.post("/account/second-factor/recovery-codes/", {"next": "/audit/"})
    assert done["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200
    again = client.get("/account/second-factor/recovery-codes/")
    assert again.status_code == 302, "the codes are shown once"
    saved = StaticToken.objects.filter(device__user=charlie).values_list("token", flat=True)
    assert sorted(saved) == sorted(codes)


def test_a_recovery_code_works_once(client, rita, rita_app):
    from accounts.two_factor import recovery_codes_create

    code = recovery_codes_create(person=rita)[0]
    sign_in(client, "rita@board.test")
    assert enter_code(client, code.upper()).status_code == 302
    assert StaticToken.objects.filter(device__user=rita).count() == 9
    other = Client()
    sign_in(other, "rita@board.test")
    response = enter_code(other, code)
    assert response.status_code == 400


def test_a_board_admin_resets_someones_second_factor(charlie_client, rita, rita_app):
    page = charlie_client.get(f"/account/second-factor/reset/{rita.pk}/").content.decode()
    assert "Reset Rita Reyes" in page
    response = charlie_client.post(f"/account/second-factor/reset/{rita.pk}/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=rita).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SECOND_FACTOR_RESET)
    assert event.object_id == str(rita.pk) and event.actor.email == "charlie@board.test"
    client = Client()
    assert sign_in(client, "rita@board.test")["Location"].startswith("/account/second-factor/")


def test_someone_who_is_not_a_board_admin_cannot_reset_a_second_factor(
    alice_client, rita, rita_app
):
    assert alice_client.post(f"/account/second-factor/reset/{rita.pk}/").status_code == 403
    assert alice_client.get(f"/account/second-factor/reset/{rita.pk}/").status_code == 403
    assert TOTPDevice.objects.filter(user=rita).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).count() == 2


def test_a_board_admin_cannot_reset_a_superusers_second_factor(charlie_client):
    from tests.factories import UserFactory

    root = UserFactory(email="root@board.test", is_superuser=True, is_staff=True)
    TOTPDeviceFactory(user=root)
    assert charlie_client.post(f"/account/second-factor/reset/{root.pk}/").status_code == 403
    assert TOTPDevice.objects.filter(user=root).exists()


def test_demo_accounts_share_one_known_key(rita, charlie):
    demo_devices_create([rita, charlie], "JBSW Y3DP EHPK 3PXP")
    device = TOTPDevice.objects.get(user=rita)
    assert device.confirmed and device.bin_key == b"Hello!\xde\xad\xbe\xef"
    demo_devices_create([rita], "JBSWY3DPEHPK3PXP")
    assert TOTPDevice.objects.filter(user=rita).count() == 1


def test_a_password_sign_in_is_audited_with_its_method(client, alice):
    sign_in(client, "alice@northgate.test")
    assert AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN).detail == {"method": "password"}


def test_the_django_admin_is_signed_in_to_through_the_services_own_page(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/admin/"
