"""In the browser: after a sign-off in a cycle with a reply window, the agency replies to a
finding, the reviewer amends it, the moderator confirms it, and the outcome is being prepared;
axe-core on every page."""

import pytest
from playwright.sync_api import expect

from ..factories import UserFactory
from ..reviews.reply_helpers import review_in_reply
from .conftest import check_page, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
REPLY = "Section 4.2 of our policy covers contact with pupils outside school."


@pytest.fixture
def in_reply(transactional_db):
    from policies.models import Agency

    from ..factories import AgencyFactory

    agency = AgencyFactory(name="Northgate Council", sector=Agency.Sector.LOCAL_AUTHORITY)
    people = {
        "alice": UserFactory(email="alice@northgate.test", full_name="Alice Archer", agency=agency),
        "rita": UserFactory(email="rita@board.test", full_name="Rita Reyes", is_reviewer=True),
        "mo": UserFactory(email="mo@board.test", full_name="Mo Moreau", is_moderator=True),
    }
    charlie = UserFactory(email="charlie@board.test", is_board_admin=True)
    review = review_in_reply(
        agency=agency, reviewer=people["rita"], moderator=people["mo"], admin=charlie
    )
    return review, people


def test_the_agency_replies_the_reviewer_amends_the_moderator_confirms(page, in_reply):
    review, people = in_reply

    sign_in(page, people["alice"].email, PASSWORD)
    page.goto(f"/reviews/{review.pk}/")
    expect(page.get_by_role("heading", name="Reply to the draft findings on")).to_be_visible()
    check_page(page)
    page.get_by_label("Your reply on the accuracy of finding 1.2").fill(REPLY)
    page.get_by_role("button", name="Save your reply on 1.2").click()
    expect(page.get_by_text("Your reply on finding 1.2 is saved.")).to_be_visible()
    check_page(page)
    # That was the agency's only reply: it says so, and its reply stands as sent. On a phone.
    page.set_viewport_size({"width": 375, "height": 800})
    finish = page.get_by_role("button", name="We have finished replying")
    finish.scroll_into_view_if_needed()
    expect(finish).to_be_in_viewport()
    check_page(page)
    finish.click()
    expect(page.get_by_text("You have finished replying.")).to_be_visible()
    expect(page.get_by_role("button", name="Save your reply on 1.1")).to_have_count(0)
    check_page(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.context.clear_cookies()
    sign_in(page, people["rita"].email, PASSWORD)
    page.goto("/reviews/")
    page.get_by_role("link", name="Answer the agency’s replies").click()
    expect(page.get_by_text(REPLY)).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Save your answer on 1.2").click()
    expect(page.get_by_text("Choose whether to keep the finding or amend it").first).to_be_visible()
    check_page(page)
    page.get_by_label("Amend the finding").check()
    page.get_by_label("Your reason").fill("Section 4.2 does cover it.")
    page.get_by_label("Amended rating (if you amend it)").select_option("met")
    page.get_by_label("Amended comment (if you amend it)").fill("Covered in section 4.2.")
    page.get_by_role("button", name="Save your answer on 1.2").click()
    expect(page.get_by_text("Your answer on finding 1.2 is saved.")).to_be_visible()
    check_page(page)

    page.context.clear_cookies()
    sign_in(page, people["mo"].email, PASSWORD)
    page.goto("/reviews/")
    page.get_by_role("link", name="The agency’s replies").click()
    expect(page.get_by_text("the moderator has still to confirm it")).to_be_visible()
    # Every finding would then be met: the moderator is told the overall outcome no longer fits.
    expect(page.get_by_text("the ratings suggest “Meets expectations” overall")).to_be_visible()
    check_page(page)
    page.get_by_label("Confirm the amendment: the finding changes").check()
    page.get_by_role("button", name="Save your decision on 1.2").click()
    expect(page.get_by_text("You confirmed the amendment; the finding is changed.")).to_be_visible()
    check_page(page)

    expect(page.get_by_text("Reply closed, outcome being prepared")).to_be_visible()

    page.goto(f"/reviews/{review.pk}/")
    expect(
        page.get_by_text("The findings are final and the outcome is being prepared.")
    ).to_be_visible()
    expect(page.get_by_text("Preparing the outcome")).to_be_visible()
    expect(page.get_by_text("and the moderator confirmed it").first).to_be_visible()
    check_page(page)
