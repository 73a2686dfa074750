"""Joining mid-cycle: a new agency comes to the board while a cycle is open; the board admin adds
it to the cycle, assigns its review and finds it on the Reviews page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ..factories import AgencyFactory, PolicyVersionFactory, UserFactory, lscb_framework, make_cycle
from .conftest import check_page, sign_in

PASSWORD = "correct-horse-battery"


@pytest.fixture
def board(transactional_db):
    northgate = AgencyFactory(name="Northgate Council")
    PolicyVersionFactory(document__agency=northgate, document__title="Social media policy")
    cycle = make_cycle(
        agencies=[northgate], name="2026 social media policy review", framework=lscb_framework()
    )
    today = timezone.localdate()
    cycle.opens_on = today - datetime.timedelta(days=30)
    cycle.closes_on = today + datetime.timedelta(days=60)
    cycle.save(update_fields=["opens_on", "closes_on"])
    # The new agency joins the board after the cycle opened, with its policy uploaded.
    eastfield = AgencyFactory(name="Eastfield Academy")
    PolicyVersionFactory(
        document__agency=eastfield, document__title="Online safety policy", version_label="1.0"
    )
    return {
        "cycle": cycle,
        "charlie": UserFactory(
            email="charlie@board.test", full_name="Charlie Chen", is_board_admin=True
        ),
        "rita": UserFactory(email="rita@board.test", full_name="Rita Reyes", is_reviewer=True),
        "mo": UserFactory(email="mo@board.test", full_name="Mo Moreau", is_moderator=True),
    }


def fits_a_phone(page) -> None:
    """At 375 px wide nothing but a table's own scrolling region is wider than the screen."""
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_new_agency_joins_an_open_cycle_and_its_review_is_assigned(page, board):
    sign_in(page, "charlie@board.test", PASSWORD)
    page.get_by_role("link", name="Review cycles", exact=True).first.click()
    check_page(page)
    page.get_by_role("link", name="2026 social media policy review").click()
    check_page(page)
    expect(page.get_by_role("table", name="Agencies in scope")).not_to_contain_text(
        "Eastfield Academy"
    )

    # Add the new agency to the open cycle.
    page.get_by_role("button", name="Add agencies").click()
    check_page(page)
    fits_a_phone(page)
    page.get_by_role("button", name="Add to the cycle").click()
    expect(page.get_by_text("Select at least one agency to add").first).to_be_visible()
    check_page(page)
    page.get_by_label("Eastfield Academy").check()
    page.get_by_role("button", name="Add to the cycle").click()
    expect(
        page.get_by_text("Eastfield Academy added to 2026 social media policy review")
    ).to_be_visible()
    check_page(page)
    expect(page.get_by_role("table", name="Agencies in scope")).to_contain_text("Eastfield Academy")
    # Taking out an agency not yet reviewed asks first; this one stays.
    page.get_by_role("link", name="Take out Northgate Council").click()
    check_page(page)
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name="2026 social media policy review")).to_be_visible()

    # Assign its review.
    page.get_by_role("button", name="Assign reviews").first.click()
    check_page(page)
    page.get_by_label("Eastfield Academy").check()
    page.get_by_label("Reviewer").select_option(label="Rita Reyes")
    page.get_by_label("Moderator").select_option(label="Mo Moreau")
    page.locator("#id_due_on_0").fill("30")
    page.locator("#id_due_on_1").fill("6")
    page.locator("#id_due_on_2").fill(str(timezone.localdate().year + 1))
    page.get_by_role("button", name="Assign reviews").click()
    expect(page.get_by_text("1 review assigned")).to_be_visible()
    check_page(page)

    # Find it among every review, filtered to the agency.
    page.get_by_role("link", name="Reviews", exact=True).first.click()
    check_page(page)
    fits_a_phone(page)
    page.get_by_label("Agency").select_option(label="Eastfield Academy")
    page.get_by_role("button", name="Filter reviews").click()
    check_page(page)
    reviews = page.get_by_role("table", name="1 review matches your filters")
    expect(reviews).to_contain_text("Eastfield Academy: Online safety policy")
    expect(reviews).to_contain_text("2026 social media policy review")
    expect(reviews).to_contain_text("Rita Reyes")
    expect(reviews).not_to_contain_text("Northgate Council")

    # The review opens, and the way back leads to the Reviews page.
    page.get_by_role("link", name="Eastfield Academy: Online safety policy").click()
    check_page(page)
    page.get_by_role("link", name="Back to reviews").click()
    expect(page.get_by_role("heading", name="Reviews", exact=True)).to_be_visible()
    check_page(page)
