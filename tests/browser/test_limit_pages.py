"""In the browser: a hostile policy stored disarmed, and the pages that turn a request away."""

import pytest
from playwright.sync_api import expect

from config.request_limits import server_slot

from ..documents.test_disarm import docx_remote_template
from ..factories import AgencyFactory, UserFactory
from .conftest import check_page, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


@pytest.fixture
def alice(transactional_db):
    agency = AgencyFactory(name="Northgate Council")
    return UserFactory(email="alice@northgate.test", full_name="Alice Archer", agency=agency)


def choose(page, name: str, content: bytes, mime: str = "application/pdf") -> None:
    page.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": mime, "buffer": content}
    )


def test_member_is_told_what_was_removed_from_an_upload(page, alice):
    sign_in(page, alice.email, PASSWORD)
    page.goto("/policies/new/")
    page.get_by_label("Policy title").fill("Social media policy")
    page.get_by_label("Policy owner").fill("Head of Children's Services")
    page.get_by_label("Version", exact=True).fill("2.0")
    page.locator("#id_document_date_0").fill("14")
    page.locator("#id_document_date_1").fill("3")
    page.locator("#id_document_date_2").fill("2026")
    choose(page, "policy.docx", docx_remote_template(), "application/octet-stream")
    page.get_by_role("button", name="Upload", exact=True).click()

    expect(
        page.get_by_text("We removed a link to a template on another server before storing it")
    ).to_be_visible()
    check_page(page)


def test_a_file_too_large_to_check_is_turned_away_with_a_plain_page(page, settings):
    settings.OUTCOME_CHECK_MAX_MB = 1
    page.goto("/outcomes/check/")
    choose(page, "outcome.pdf", b"%PDF-1.7\n" + bytes(3 * 1024 * 1024))
    page.get_by_role("button", name="Check the outcome").click()

    expect(page.get_by_role("heading", name="The file is too large")).to_be_visible()
    # The page's own failed response is expected here.
    page.console_errors.clear()
    check_page(page)


def test_too_many_checks_and_a_busy_server_are_explained(page, settings):
    settings.OUTCOME_CHECK_RATE = "1/h"
    with (
        server_slot("outcome-check", slots=2, expiry_seconds=60),
        server_slot("outcome-check", slots=2, expiry_seconds=60),
    ):
        page.goto("/outcomes/check/")
        choose(page, "outcome.pdf", b"%PDF-1.7\nnot an outcome")
        page.get_by_role("button", name="Check the outcome").click()
        expect(
            page.get_by_role("heading", name="The service is busy checking other files")
        ).to_be_visible()
        # The page's own failed response is expected here.
        page.console_errors.clear()
        check_page(page)

    page.goto("/outcomes/check/")
    choose(page, "outcome.pdf", b"%PDF-1.7\nnot an outcome")
    page.get_by_role("button", name="Check the outcome").click()
    expect(
        page.get_by_role("heading", name="You have checked too many files in a short time")
    ).to_be_visible()
    page.console_errors.clear()
    check_page(page)
