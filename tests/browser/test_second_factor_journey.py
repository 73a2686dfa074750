from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from ..factories import AgencyFactory, UserFactory
from .conftest import check_page

PASSWORD = "correct-horse-battery"


@pytest.fixture
def alice(transactional_db):
    agency = AgencyFactory(name="Northgate Council")
    return UserFactory(email="alice@northgate.test", full_name="Alice Archer", agency=agency)


def app_code(key_text: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key a person typed in."""
    key = "".join(key_text.split())
    key += "=" * (-len(key) % 8)
    return str(totp(b32decode(key), t0=-30 * steps_ahead)).zfill(6)


def password_step(page, email: str) -> None:
    page.goto("/sign-in/")
    check_page(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_member_sets_up_an_app_then_signs_in_with_a_code(page, alice):
    page.set_viewport_size({"width": 375, "height": 800})
    password_step(page, alice.email)
    expect(page.get_by_role("heading", name="Welcome, Alice")).to_be_visible()

    page.goto("/account/second-factor/")
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to add")).to_be_visible()
    check_page(page)
    key = page.locator("#totp-key").inner_text()
    assert len(key.split()) == 8 and all(len(group) == 4 for group in key.split())

    page.get_by_label("Code from your app").fill("12345")
    page.get_by_role("button", name="Set up my app").click()
    expect(page.get_by_text("Enter the code as 6 digits").first).to_be_visible()
    check_page(page)
    page.get_by_label("Code from your app").fill(app_code(key))
    page.get_by_role("button", name="Set up my app").click()

    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    check_page(page)
    page.get_by_role("button", name="I have saved these codes").click()
    expect(page.get_by_role("heading", name="Welcome, Alice")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    password_step(page, alice.email)
    expect(page.get_by_role("heading", name="Enter the code from your app")).to_be_visible()
    check_page(page)
    page.get_by_label("Code").fill("000000" if app_code(key, steps_ahead=1) != "000000" else "1")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("The code is not right").first).to_be_visible()
    check_page(page)
    # The code just used to set up the app cannot be used again; the next one can.
    page.wait_for_timeout(1_100)  # a wrong code makes the next attempt wait a second
    page.get_by_label("Code").fill(app_code(key, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Welcome, Alice")).to_be_visible()
    check_page(page)


def test_the_sign_in_page_with_an_organisation_account_button(page, settings, transactional_db):
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "Microsoft"
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/sign-in/")
    expect(
        page.get_by_role("button", name="Sign in with your organisation's account (Microsoft)")
    ).to_be_visible()
    check_page(page)
