"""A board admin on a phone opens the Menu, goes to the audit trail, reads an event's technical
details and downloads the trail."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from audit.models import AuditEvent
from audit.services import audit_record

from ..factories import AgencyFactory, UserFactory
from .conftest import check_page


@pytest.fixture
def board(transactional_db):
    northgate = AgencyFactory(name="Northgate Council")
    alice = UserFactory(email="alice@northgate.test", agency=northgate)
    for _ in range(30):
        audit_record(
            action=AuditEvent.Action.UPLOAD,
            actor=alice,
            agency=northgate,
            detail={"sha256": "ab" * 32, "size": 120_000},
        )
    audit_record(action=AuditEvent.Action.OUTCOME_ISSUED, agency=northgate)
    return UserFactory(email="charlie@board.test", full_name="Charlie Chen", is_board_admin=True)


def signed_in(page, live_server, person) -> None:
    """A session made as the test client makes one: the sign-in pages have journeys of their own."""
    client = Client()
    client.force_login(person)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.goto("/")


def test_a_board_admin_on_a_phone_uses_the_menu_and_reads_the_audit_trail(page, live_server, board):
    page.set_viewport_size({"width": 375, "height": 800})
    signed_in(page, live_server, board)
    navigation = page.get_by_role("navigation", name="Menu")
    menu = navigation.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    audit_link = navigation.get_by_role("link", name="Audit trail")
    expect(audit_link).to_be_hidden()
    check_page(page)

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(audit_link).to_be_visible()
    check_page(page)
    audit_link.click()
    page.wait_for_url("**/audit/")
    # The menu starts closed on every page; the item is marked as the page all the same.
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(navigation.locator('a[href="/audit/"]')).to_have_attribute("aria-current", "page")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(page.get_by_role("cell", name="System (background task)")).to_be_visible()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(menu).to_be_hidden()
    expect(audit_link).to_be_visible()
    uploads = page.locator("tbody tr").filter(has_text="Uploaded a policy version").first
    expect(uploads).to_contain_text("File size: 117.2 KB")
    uploads.get_by_text("Technical details").click()
    expect(uploads).to_contain_text("File fingerprint (SHA-256): " + "ab" * 32)
    check_page(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these events as a spreadsheet (CSV)").click()
    assert download.value.suggested_filename.startswith("audit-trail-")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DOWNLOADED).count() == 1
