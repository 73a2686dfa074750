"""The policy stays at hand in a review step: in view beside the question being answered on a
wide screen, above the questions and folding away on a phone."""

import pytest
from playwright.sync_api import expect

from ..factories import AgencyFactory, PolicyVersionFactory, UserFactory, make_review
from .conftest import check_page, sign_in

PASSWORD = "correct-horse-battery"
PARAGRAPH = (
    "Staff must not befriend, follow or privately message children or young people they work "
    "with on personal social media accounts, and must tell their line manager of any contact."
)


@pytest.fixture
def review(transactional_db):
    agency = AgencyFactory(name="Northgate Council")
    # A long policy: its text is taller than any window.
    PolicyVersionFactory(
        document__agency=agency,
        number=1,
        pages=["\n\n".join([PARAGRAPH] * 8) for _ in range(12)],
    )
    rita = UserFactory(email="rita@board.test", full_name="Rita Reyes", is_reviewer=True)
    mo = UserFactory(email="mo@board.test", full_name="Mo Moreau", is_moderator=True)
    admin = UserFactory(email="charlie@board.test", is_board_admin=True)
    return make_review(agency=agency, reviewer=rita, moderator=mo, admin=admin)


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return box


def test_on_a_wide_screen_the_policy_stays_in_view_beside_the_last_expectation(page, review):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "rita@board.test", PASSWORD)
    page.goto(f"/reviews/{review.pk}/section/1/")
    check_page(page)
    pane = page.get_by_role("complementary", name="The policy")
    last = page.locator('[id="finding-1.6"]')
    assert page.evaluate("document.documentElement.scrollHeight") > 2 * 800

    last.get_by_label("Evidence: quote from the policy").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 800
    box = _box(pane)
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= 800
    # Beside the questions, not below them.
    assert box["x"] > _box(last)["x"] + _box(last)["width"] - 1
    # Its text scrolls within it, and a keyboard can reach it to scroll it.
    assert pane.evaluate("pane => pane.scrollHeight > pane.clientHeight")
    assert pane.get_attribute("tabindex") == "0"
    pane.focus()
    page.keyboard.press("PageDown")
    # The browser may scroll smoothly: wait for the pane to have moved, not for a fixed time.
    page.wait_for_function("pane => pane.scrollTop > 0", arg=pane.element_handle(), timeout=5000)
    expect(page.get_by_role("region", name="Text of the policy, page by page")).to_be_visible()
    check_page(page)


def test_on_a_phone_the_policy_comes_before_the_questions_and_folds_away(page, review):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, "rita@board.test", PASSWORD)
    page.goto(f"/reviews/{review.pk}/section/1/")
    check_page(page)
    pane = page.get_by_role("complementary", name="The policy")
    first_question = page.locator('[id="finding-1.1"]')
    assert _box(pane)["y"] + _box(pane)["height"] <= _box(first_question)["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    text = page.get_by_role("region", name="Text of the policy, page by page")
    expect(text).to_be_visible()
    toggle = pane.get_by_text("Text of the policy", exact=True)
    toggle.click()
    expect(text).to_be_hidden()
    # Folded, the questions are close below it.
    assert _box(first_question)["y"] < 740
    check_page(page)
    toggle.click()
    expect(text).to_be_visible()
