"""The whole review, as the people who do it: assign, review with evidence taken from the policy
text (leaving and resuming on another device), return, fix, sign off, and the agency reads it."""

import pytest
from playwright.sync_api import expect

from ..factories import (
    AgencyFactory,
    PolicyVersionFactory,
    UserFactory,
    lscb_framework,
    make_cycle,
)
from .conftest import check_page, sign_in

PASSWORD = "correct-horse-battery"
PAGE_ONE = "Staff must not befriend children or young people on social media."
PAGE_TWO = "Our channels are moderated and disclosures go to the safeguarding lead."


@pytest.fixture
def board(transactional_db):
    agency = AgencyFactory(name="Northgate Council")
    PolicyVersionFactory(
        document__agency=agency,
        document__title="Social media policy",
        number=1,
        version_label="3.0",
        page_count=2,
        pages=[PAGE_ONE, PAGE_TWO],
    )
    make_cycle(
        agencies=[agency], name="2026 social media policy review", framework=lscb_framework()
    )
    return {
        "alice": UserFactory(email="alice@northgate.test", full_name="Alice Archer", agency=agency),
        "charlie": UserFactory(
            email="charlie@board.test", full_name="Charlie Chen", is_board_admin=True
        ),
        "rita": UserFactory(email="rita@board.test", full_name="Rita Reyes", is_reviewer=True),
        "mo": UserFactory(email="mo@board.test", full_name="Mo Moreau", is_moderator=True),
    }


def as_person(browser, live_server, user):
    """A fresh browser context: another person, or the same person on another device."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    sign_in(page, user.email, PASSWORD)
    return page


def select_text(page, page_number: int, text: str) -> None:
    page.evaluate(
        """([number, text]) => {
            const block = document.querySelector(`[data-page="${number}"] .app-policy-text`);
            const node = block.firstChild;
            const start = node.textContent.indexOf(text);
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + text.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        [page_number, text],
    )


def answer(page, code: str, rating: str, *, quote_from_page: int | None = None, comment=""):
    finding = page.locator(f'[id="finding-{code}"]')
    finding.get_by_role("group", name=f"How well does the policy meet {code}?").get_by_label(
        rating, exact=True
    ).check()
    if quote_from_page:
        select_text(page, quote_from_page, PAGE_ONE if quote_from_page == 1 else PAGE_TWO)
        finding.get_by_role("button", name=f"Use selected text as evidence for {code}").click()
        expected = PAGE_ONE if quote_from_page == 1 else PAGE_TWO
        expect(finding.get_by_label(f"Evidence: quote from the policy for {code}")).to_have_value(
            expected
        )
        expect(finding.get_by_label(f"Page for {code}")).to_have_value(str(quote_from_page))
    if comment:
        finding.get_by_label(f"Comment for {code}").fill(comment)


def answer_section(page, codes, **special):
    for code in codes:
        rating, kwargs = special.get(code, ("Met", {"quote_from_page": 1}))
        answer(page, code, rating, **kwargs)


def test_a_review_from_assignment_to_the_agency_reading_its_findings(browser, live_server, board):
    # The board admin assigns the review.
    admin = as_person(browser, live_server, board["charlie"])
    admin.get_by_role("link", name="Review cycles", exact=True).first.click()
    check_page(admin)
    admin.get_by_role("link", name="2026 social media policy review").click()
    check_page(admin)
    admin.get_by_role("button", name="Assign reviews").first.click()
    check_page(admin)
    admin.get_by_label("Northgate Council").check()
    admin.get_by_label("Reviewer").select_option(label="Rita Reyes")
    admin.get_by_label("Moderator").select_option(label="Mo Moreau")
    admin.locator("#id_due_on_0").fill("30")
    admin.locator("#id_due_on_1").fill("6")
    admin.locator("#id_due_on_2").fill("2026")
    admin.get_by_role("button", name="Assign reviews").click()
    expect(admin.get_by_text("1 review assigned")).to_be_visible()
    check_page(admin)

    # The reviewer does section 1, quoting the policy, and leaves.
    reviewer = as_person(browser, live_server, board["rita"])
    reviewer.get_by_role("link", name="Reviews", exact=True).first.click()
    check_page(reviewer)
    reviewer.get_by_role("link", name="Northgate Council: Social media policy").click()
    check_page(reviewer)
    reviewer.get_by_role("link", name="1. Expectations for staff working directly").click()
    check_page(reviewer)
    answer_section(reviewer, ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"])
    reviewer.get_by_role("button", name="Save and come back later").click()
    expect(reviewer.get_by_text("Your answers are saved")).to_be_visible()
    reviewer.context.close()

    # ...and resumes on another device where it was left.
    reviewer = as_person(browser, live_server, board["rita"])
    reviewer.goto("/reviews/")
    reviewer.get_by_role("link", name="Northgate Council: Social media policy").click()
    expect(reviewer.locator("#section-1-status")).to_have_text("Completed")
    check_page(reviewer)
    reviewer.get_by_role("link", name="2. Expectations for organisations exploiting").click()
    answer_section(
        reviewer,
        ["2.1", "2.2", "2.3", "2.4"],
        **{
            "2.3": ("Partially met", {"quote_from_page": 2}),
            "2.4": ("Not met", {"comment": "No response times are given."}),
        },
    )
    reviewer.get_by_role("button", name="Save and continue").click()
    check_page(reviewer)
    answer_section(
        reviewer,
        ["3.1", "3.2", "3.3", "3.4", "3.5"],
        **{"3.4": ("Not applicable", {})},
    )
    reviewer.get_by_label("Why it does not apply for 3.4").fill("The agency never searches.")
    reviewer.get_by_role("button", name="Save and continue").click()
    expect(reviewer.get_by_text("Suggested from the ratings")).to_contain_text(
        "Does not meet expectations"
    )
    check_page(reviewer)
    reviewer.get_by_label("Summary for the agency").fill("Good on staff conduct; gaps online.")
    reviewer.get_by_label("Recommendation 1: what the agency should do").fill(
        "Publish response times for messages."
    )
    reviewer.get_by_label("2.4 (Not met)").first.check()
    reviewer.get_by_role("button", name="Save and continue").click()
    expect(reviewer.get_by_role("heading", name="Check your answers")).to_be_visible()
    check_page(reviewer)
    reviewer.get_by_role("button", name="Submit the review").click()
    expect(reviewer.get_by_text("submitted. The moderator")).to_be_visible()
    check_page(reviewer)

    # The moderator returns it with a comment.
    moderator = as_person(browser, live_server, board["mo"])
    moderator.goto("/reviews/")
    check_page(moderator)
    moderator.get_by_role("link", name="Northgate Council: Social media policy").click()
    check_page(moderator)
    moderator.get_by_label("Say what the reviewer needs to change").fill(
        "For 2.3, say what is missing as well."
    )
    moderator.get_by_role("button", name="Return to the reviewer").click()
    check_page(moderator)

    # The reviewer sees the comment, fixes 2.3 and submits again.
    reviewer.goto("/reviews/")
    reviewer.get_by_role("link", name="Northgate Council: Social media policy").click()
    expect(reviewer.get_by_text("For 2.3, say what is missing as well.")).to_be_visible()
    check_page(reviewer)
    reviewer.get_by_role("link", name="2. Expectations for organisations exploiting").click()
    reviewer.get_by_label("Comment for 2.3").fill("No named moderator for the channels.")
    reviewer.get_by_role("button", name="Save and continue").click()
    reviewer.goto(reviewer.url.replace("/section/3/", "/check/"))
    check_page(reviewer)
    reviewer.get_by_role("button", name="Submit the review").click()

    # The moderator signs it off; earlier rounds stay visible.
    moderator.reload()
    expect(moderator.get_by_text("For 2.3, say what is missing as well.")).to_be_visible()
    moderator.get_by_role("checkbox").check()
    moderator.get_by_role("button", name="Sign off").click()
    expect(moderator.get_by_text("Signed off").first).to_be_visible()
    check_page(moderator)

    # The agency member reads the findings.
    member = as_person(browser, live_server, board["alice"])
    member.goto("/reviews/")
    check_page(member)
    member.get_by_role("link", name="2026 social media policy review: Social media policy").click()
    expect(member.get_by_text(PAGE_ONE).first).to_be_visible()
    expect(member.get_by_text("No named moderator for the channels.")).to_be_visible()
    expect(member.get_by_text("Publish response times for messages.")).to_be_visible()
    check_page(member)
