"""A board admin revises the board's checklist in the browser: a new version, one expectation
reworded and one added, a preview, publishing, and the list of what changed."""

import pytest
from playwright.sync_api import expect

from reviews.models import Framework

from ..factories import UserFactory, lscb_framework
from .conftest import check_page, sign_in

PASSWORD = "correct-horse-battery"
REWORDED = "Check the minimum age of each platform before using it with children."
ADDED = "Say how staff may use generative AI tools with children's information."


@pytest.fixture
def board(transactional_db):
    lscb_framework()
    UserFactory(email="charlie@board.test", full_name="Charlie Chen", is_board_admin=True)


def test_a_board_admin_writes_publishes_and_compares_a_new_version(page, board):
    sign_in(page, "charlie@board.test", PASSWORD)
    page.get_by_role("link", name="Frameworks", exact=True).first.click()
    check_page(page)
    page.get_by_role("link", name="LSCB expectations for agencies").click()
    check_page(page)

    page.get_by_role("button", name="Start a new version").click()
    expect(page.get_by_text("Version 2 started as a draft")).to_be_visible()
    expect(page.get_by_role("heading", name="Edit the draft")).to_be_visible()
    check_page(page)

    # Reword 2.1.
    page.get_by_role("link", name="Change 2.1").click()
    check_page(page)
    page.get_by_label("Expectation", exact=True).fill("")
    page.get_by_role("button", name="Save expectation").click()
    expect(page.get_by_text("Enter the expectation").first).to_be_visible()
    check_page(page)
    page.get_by_label("Expectation", exact=True).fill(REWORDED)
    page.get_by_role("button", name="Save expectation").click()
    expect(page.get_by_text("Expectation 2.1 saved")).to_be_visible()

    # Add 3.6 to section 3, then move it above 3.5.
    page.get_by_role("link", name="Add an expectation to section 3").click()
    check_page(page)
    page.get_by_label("Code").fill("3.6")
    page.get_by_label("Expectation", exact=True).fill(ADDED)
    page.get_by_label("What good looks like").fill("The policy names the approved tools.")
    page.get_by_label("Concepts").fill("generative AI\napproved AI tools")
    page.get_by_role("button", name="Add expectation").click()
    expect(page.get_by_text("Expectation 3.6 added")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Move up 3.6").click()
    expect(page.get_by_role("heading", name="Changes so far from version 1")).to_be_visible()
    check_page(page)

    # Preview as a reviewer reads it.
    page.get_by_role("link", name="Preview as a reviewer sees it").click()
    expect(page.get_by_text(ADDED)).to_be_visible()
    expect(page.get_by_text(REWORDED)).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Back to the draft").click()

    # Publish.
    page.get_by_role("button", name="Publish version 2").click()
    check_page(page)
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("Version 2 of LSCB expectations")).to_be_visible()
    check_page(page)
    expect(page.get_by_role("heading", name="What changed from version 1")).to_be_visible()
    expect(page.get_by_role("heading", name="Added")).to_be_visible()
    expect(page.get_by_role("heading", name="Reworded")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"3.6 {ADDED}")
    expect(page.locator("main")).not_to_contain_text("Removed")

    version_2 = Framework.objects.get(version=2)
    assert version_2.status == Framework.Status.PUBLISHED
    codes = list(version_2.expectations.order_by("order").values_list("code", flat=True))
    assert codes[-2:] == ["3.6", "3.5"]
