"""Journeys in Debian's headless Chromium against a live server, with axe-core on every page."""

import os
import shutil
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import sync_playwright

from accounts.models import User
from accounts.two_factor import second_factor_required
from tests.accounts.totp import totp_code
from tests.factories import TOTPDeviceFactory

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "The browser tests need Debian's chromium package (scripts/test.sh installs it)."
        )
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests
    # make around it are ordinary blocking calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, django_db_setup, live_server):
    # The test database is set up before the live server, so that at the end of the run the
    # server and its threads stop (closing their connections) before the database is dropped.
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def check_page(page) -> None:
    """No WCAG 2.2 A/AA violation that axe-core can find, and nothing blocked by the CSP."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (scripts/test.sh does).")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert problems == [], f"{page.url}: " + "; ".join(problems)
    # A form with errors is answered with 400, which the browser logs; anything else is a fault.
    errors = [e for e in page.console_errors if "status of 400" not in e]
    assert errors == [], errors


def sign_in(page, email: str, password: str) -> None:
    """Sign in with a password, and with a code from the person's app when the page asks.

    People who must have a second factor are given an app first if they have none.
    """
    person = User.objects.get(email__iexact=email)
    device = TOTPDevice.objects.filter(user=person, confirmed=True).first()
    if device is None and second_factor_required(person):
        device = TOTPDeviceFactory(user=person)
    page.goto("/sign-in/")
    check_page(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if "/sign-in/code/" in page.url:
        check_page(page)
        # A journey may sign the same person in several times within one 30-second step.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        page.get_by_label("Code").fill(totp_code(device))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/")
