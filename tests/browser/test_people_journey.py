"""A board admin manages people in the app: invites a reviewer, who sets a password from the
emailed link, signs in, sets up the second factor every reviewer needs and signs in with it;
gives another person an agency membership; deactivates someone."""

import re
import time
from base64 import b32decode
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django_otp.oath import hotp
from playwright.sync_api import expect

from accounts.models import User

from ..factories import AgencyFactory, UserFactory
from .conftest import check_page

NEW_PASSWORD = "violet kettle harbour 2026"


@pytest.fixture
def board(transactional_db):
    AgencyFactory(name="Northgate Council")
    return {
        "charlie": UserFactory(
            email="charlie@board.test", full_name="Charlie Chen", is_board_admin=True
        ),
        "dev": UserFactory(email="dev@northgate.test", full_name="Dev Patel"),
        "bob": UserFactory(email="bob@southport.test", full_name="Bob Baker"),
    }


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    return page


def signed_in(page, live_server, person) -> None:
    """A session made as the test client makes one: signing in has journeys of its own."""
    client = Client()
    client.force_login(person)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def app_code(key_text: str) -> tuple[str, int]:
    """What an authenticator app shows now for the key typed into it, and the 30-second step
    that code belongs to."""
    key = "".join(key_text.split())
    key = b32decode(key + "=" * (-len(key) % 8))
    step = int(time.time()) // 30
    return str(hotp(key, step)).zfill(6), step


def next_app_code(key_text: str, *, after_step: int) -> str:
    """A code from a later step than `after_step`: each code is accepted once, so the app's
    next one is awaited if the one it shows now was used to set it up."""
    while int(time.time()) // 30 <= after_step:
        time.sleep(0.5)
    return app_code(key_text)[0]


def invitation_path() -> str:
    link = re.search(r"https?://\S+/people/invitation/\S+/", mail.outbox[-1].body).group(0)
    return urlparse(link).path


def test_a_board_admin_invites_a_reviewer_who_sets_a_password_and_signs_in(
    browser, live_server, board
):
    admin = new_page(browser, live_server)
    signed_in(admin, live_server, board["charlie"])
    admin.goto("/people/")
    check_page(admin)
    admin.get_by_role("button", name="Invite a person").click()
    check_page(admin)
    # Nothing chosen: the page says what is missing.
    admin.get_by_label("Full name").fill("Nia Evans")
    admin.get_by_label("Email address").fill(" Nia.Evans@Board.test ")
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_role("link", name="Select a board role or an agency")).to_be_visible()
    check_page(admin)
    admin.get_by_label("Reviewer").check()
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_text("Invitation sent to nia.evans@board.test")).to_be_visible()
    expect(admin.get_by_role("heading", name="Nia Evans")).to_be_visible()
    check_page(admin)

    nia = new_page(browser, live_server)
    nia.goto(invitation_path())
    expect(nia.get_by_role("heading", name="Set your password")).to_be_visible()
    check_page(nia)
    nia.get_by_label("Create a password").fill("short")
    nia.get_by_label("Confirm your password").fill("short")
    nia.get_by_role("button", name="Set password").click()
    expect(nia.get_by_role("link", name=re.compile("This password is too short"))).to_be_visible()
    check_page(nia)
    nia.get_by_label("Create a password").fill(NEW_PASSWORD)
    nia.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    nia.get_by_role("button", name="Set password").click()
    expect(nia.get_by_text("Your password is set")).to_be_visible()
    check_page(nia)
    nia.get_by_label("Email address").fill("nia.evans@board.test")
    nia.get_by_label("Password").fill(NEW_PASSWORD)
    nia.get_by_role("button", name="Sign in").click()
    assert User.objects.get(email="nia.evans@board.test").last_login is not None

    # A reviewer's password alone is not enough: they set up an authenticator app first.
    expect(nia.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(nia.get_by_role("img", name="QR code to add")).to_be_visible()
    check_page(nia)
    nia.goto("/reviews/")
    expect(nia.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    key = nia.locator("#totp-key").inner_text()
    assert len(key.split()) == 8 and all(len(group) == 4 for group in key.split())
    code, setup_step = app_code(key)
    nia.get_by_label("Code from your app").fill(code)
    nia.get_by_role("button", name="Set up my app").click()
    expect(nia.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    expect(nia.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
    check_page(nia)
    nia.get_by_role("button", name="I have saved these codes").click()
    expect(nia.get_by_role("heading", name="Reviews", exact=True)).to_be_visible()
    check_page(nia)
    nia.goto("/")
    expect(nia.get_by_role("heading", name="Welcome, Nia")).to_be_visible()
    check_page(nia)

    nia.get_by_role("button", name="Sign out").click()
    expect(nia.get_by_role("heading", name="Sign in")).to_be_visible()
    check_page(nia)
    nia.get_by_label("Email address").fill("nia.evans@board.test")
    nia.get_by_label("Password").fill(NEW_PASSWORD)
    nia.get_by_role("button", name="Sign in").click()
    expect(nia.get_by_role("heading", name="Enter the code from your app")).to_be_visible()
    check_page(nia)
    nia.get_by_label("Code").fill(next_app_code(key, after_step=setup_step))
    nia.get_by_role("button", name="Continue").click()
    expect(nia.get_by_role("heading", name="Welcome, Nia")).to_be_visible()
    check_page(nia)

    # The link was for one use only.
    nia.goto(invitation_path())
    expect(nia.get_by_role("heading", name="already been used")).to_be_visible()
    # 410 Gone is this page's true answer, which the browser logs.
    nia.console_errors = [e for e in nia.console_errors if "status of 410" not in e]
    check_page(nia)


def test_a_board_admin_gives_a_membership_and_deactivates_an_account(browser, live_server, board):
    admin = new_page(browser, live_server)
    signed_in(admin, live_server, board["charlie"])
    admin.goto("/people/")
    admin.get_by_label("Name or email address").fill("dev")
    admin.get_by_role("button", name="Find people").click()
    expect(admin.get_by_text("1 person matches your filters")).to_be_visible()
    check_page(admin)
    admin.get_by_role("link", name="Dev Patel").click()
    check_page(admin)
    admin.get_by_role("button", name="Add an agency membership").click()
    check_page(admin)
    admin.get_by_label("Agency").select_option(label="Northgate Council")
    admin.get_by_role("button", name="Add membership").click()
    expect(admin.get_by_text("Dev Patel is now a member of Northgate Council")).to_be_visible()
    check_page(admin)

    admin.goto(f"/people/{board['bob'].pk}/")
    admin.get_by_role("link", name="Deactivate").click()
    check_page(admin)
    admin.get_by_role("button", name="Deactivate account").click()
    expect(admin.get_by_text("Bob Baker's account is deactivated")).to_be_visible()
    check_page(admin)

    admin.goto("/people/agencies/")
    check_page(admin)
    admin.get_by_role("button", name="Add an agency").click()
    check_page(admin)
    for path in ("/privacy/", "/accessibility/", "/people/account/"):
        admin.goto(path)
        check_page(admin)


def test_a_phone_shows_the_people_list(browser, live_server, board):
    admin = new_page(browser, live_server)
    admin.set_viewport_size({"width": 375, "height": 740})
    signed_in(admin, live_server, board["charlie"])
    admin.goto("/people/")
    expect(admin.get_by_role("link", name="Bob Baker")).to_be_visible()
    check_page(admin)
