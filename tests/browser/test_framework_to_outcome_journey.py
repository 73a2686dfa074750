"""From the board's own checklist to the signed outcome, as the people who do it: the board admin
writes and publishes a new version of the checklist and opens a cycle on it that asks agencies
to assess themselves and gives them a reply window; the agency assesses itself; the reviewer
agrees with most of its ratings and challenges two; the moderator signs off; the agency replies
to a finding; the reviewer amends it and the moderator confirms; a real worker issues the
outcome, whose annex carries the reply and the answer, and the public check says it is genuine.
axe-core on every page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from ..factories import AgencyFactory, PolicyVersionFactory, UserFactory, lscb_framework

# The board's certificate for this module's tests, as the outcome tests have it.
from ..outcomes.conftest import _signing, board_p12  # noqa: F401
from ..worker import running_worker
from .conftest import check_page
from .test_review_journey import as_person

CYCLE = "2026 online safety policy review"
FRAMEWORK = (
    "LSCB expectations for agencies' social media policies concerning children and young people"
)
PAGE_ONE = "Staff must not befriend children or young people on social media."
PAGE_TWO = "Staff check each platform's minimum age and use only approved AI tools."
REWORDED = "Check the minimum age of each platform before using it with children."
ADDED = "Say how staff may use generative AI tools with children's information."
SECTIONS = {
    1: ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"],
    2: ["2.1", "2.2", "2.3", "2.4"],
    3: ["3.1", "3.2", "3.3", "3.4", "3.6", "3.5"],
}
# The reviewer's two challenges: the agency rated both Met.
CHALLENGES = {
    "2.1": "The policy names no check of the platform's minimum age.",
    "3.6": "The policy lists no approved AI tools.",
}
REPLY = "Page 2 of our policy lists the approved AI tools."
ANSWER_REASON = "Page 2 does list them; the finding is amended."
AMENDED_COMMENT = "Approved AI tools are listed on page 2."


@pytest.fixture
def board(transactional_db):
    lscb_framework()
    agency = AgencyFactory(name="Northgate Council")
    PolicyVersionFactory(
        document__agency=agency,
        document__title="Online safety policy",
        number=1,
        version_label="2.0",
        page_count=2,
        pages=[PAGE_ONE, PAGE_TWO],
    )
    return {
        "alice": UserFactory(email="alice@northgate.test", full_name="Alice Archer", agency=agency),
        "charlie": UserFactory(
            email="charlie@board.test", full_name="Charlie Chen", is_board_admin=True
        ),
        "rita": UserFactory(email="rita@board.test", full_name="Rita Reyes", is_reviewer=True),
        "mo": UserFactory(email="mo@board.test", full_name="Mo Moreau", is_moderator=True),
    }


@pytest.fixture
def person(browser, live_server):
    """A browser of its own for each person, signed in; all closed at the end."""
    pages = []

    def signed_in(user):
        pages.append(as_person(browser, live_server, user))
        check_page(pages[-1])
        return pages[-1]

    yield signed_in
    for page in pages:
        page.context.close()


def fill_date(page, field: str, day: datetime.date) -> None:
    page.locator(f"#id_{field}_0").fill(str(day.day))
    page.locator(f"#id_{field}_1").fill(str(day.month))
    page.locator(f"#id_{field}_2").fill(str(day.year))


def write_and_publish_version_2(admin) -> None:
    """The board admin rewords 2.1 and adds 3.6, previews, publishes and reads what changed."""
    admin.get_by_role("link", name="Frameworks", exact=True).first.click()
    check_page(admin)
    admin.get_by_role("link", name="LSCB expectations for agencies").click()
    check_page(admin)
    admin.get_by_role("button", name="Start a new version").click()
    expect(admin.get_by_text("Version 2 started as a draft")).to_be_visible()
    check_page(admin)

    admin.get_by_role("link", name="Change 2.1").click()
    check_page(admin)
    admin.get_by_label("Expectation", exact=True).fill(REWORDED)
    admin.get_by_role("button", name="Save expectation").click()
    expect(admin.get_by_text("Expectation 2.1 saved")).to_be_visible()
    check_page(admin)

    admin.get_by_role("link", name="Add an expectation to section 3").click()
    check_page(admin)
    admin.get_by_label("Code").fill("3.6")
    admin.get_by_label("Expectation", exact=True).fill(ADDED)
    admin.get_by_label("What good looks like").fill("The policy names the approved tools.")
    admin.get_by_label("Concepts").fill("generative AI\napproved AI tools")
    admin.get_by_role("button", name="Add expectation").click()
    expect(admin.get_by_text("Expectation 3.6 added")).to_be_visible()
    check_page(admin)
    admin.get_by_role("button", name="Move up 3.6").click()
    expect(admin.get_by_role("heading", name="Changes so far from version 1")).to_be_visible()
    check_page(admin)

    admin.get_by_role("link", name="Preview as a reviewer sees it").click()
    expect(admin.get_by_text(REWORDED)).to_be_visible()
    expect(admin.get_by_text(ADDED)).to_be_visible()
    check_page(admin)
    admin.get_by_role("link", name="Back to the draft").click()
    check_page(admin)

    admin.get_by_role("button", name="Publish version 2").click()
    check_page(admin)
    admin.get_by_role("button", name="Publish version 2").click()
    expect(admin.get_by_role("heading", name="What changed from version 1")).to_be_visible()
    check_page(admin)
    expect(admin.locator("main")).to_contain_text(f"3.6 {ADDED}")
    expect(admin.locator("main")).to_contain_text(REWORDED)
    expect(admin.locator("main")).not_to_contain_text("Removed")


def open_cycle_and_assign(admin) -> None:
    """A cycle on version 2 asking for self-assessment, with a 5-day reply window; assigned."""
    today = timezone.localdate()
    admin.get_by_role("link", name="Review cycles", exact=True).first.click()
    check_page(admin)
    admin.get_by_role("button", name="Open a review cycle").click()
    check_page(admin)
    admin.get_by_label("Name of the review cycle").fill(CYCLE)
    admin.get_by_label("Framework version").select_option(label=f"{FRAMEWORK} (version 2)")
    fill_date(admin, "opens_on", today)
    fill_date(admin, "closes_on", today + datetime.timedelta(days=120))
    admin.get_by_label("Northgate Council").check()
    admin.get_by_label("Ask agencies to assess themselves first").check()
    fill_date(admin, "self_assessment_due_on", today + datetime.timedelta(days=14))
    admin.get_by_label("Reply window: working days").fill("5")
    admin.get_by_role("button", name="Open the review cycle").click()
    expect(admin.get_by_text(f"{CYCLE} opened")).to_be_visible()
    expect(admin.locator("main")).to_contain_text("Agencies assess themselves by")
    check_page(admin)

    admin.get_by_role("button", name="Assign reviews").first.click()
    check_page(admin)
    admin.get_by_label("Northgate Council").check()
    admin.get_by_label("Reviewer").select_option(label="Rita Reyes")
    admin.get_by_label("Moderator").select_option(label="Mo Moreau")
    admin.get_by_role("button", name="Assign reviews").click()
    expect(admin.get_by_text("1 review assigned")).to_be_visible()
    check_page(admin)


def self_assess(member) -> None:
    """Every expectation rated Met, with a quote and its page; then submitted."""
    member.get_by_role("link", name=f"Assess Northgate Council's policy for {CYCLE}").click()
    check_page(member)
    member.get_by_role("link", name="self-assessment of Northgate Council").click()
    expect(member.get_by_role("heading", name="Assess your policy")).to_be_visible()
    check_page(member)
    member.get_by_role("link", name="1. Expectations for staff working directly").click()
    for number, codes in SECTIONS.items():
        expect(member.get_by_role("heading", level=1, name=f"{number}. ")).to_be_visible()
        if number == 3:
            expect(member.get_by_text(ADDED)).to_be_visible()
        check_page(member)
        for code in codes:
            rating = member.locator(f'[id="rating-{code}"]')
            rating.get_by_role(
                "group", name=f"How well does your policy meet {code}?"
            ).get_by_label("Met", exact=True).check()
            quote, page = (PAGE_TWO, "2") if code in CHALLENGES else (PAGE_ONE, "1")
            rating.get_by_label(f"Where your policy addresses it: a quote for {code}").fill(quote)
            rating.get_by_label(f"Page for {code}").fill(page)
        member.get_by_role("button", name="Save and continue").click()
    expect(
        member.get_by_role("heading", name="Check your self-assessment before submitting it")
    ).to_be_visible()
    check_page(member)
    member.get_by_role("button", name="Submit the self-assessment").click()
    expect(member.get_by_text(f"Your self-assessment for {CYCLE} is submitted.")).to_be_visible()
    check_page(member)


def review_against_the_self_assessment(reviewer) -> None:
    """The agency's rating beside each expectation; agree with all but the two challenges."""
    reviewer.get_by_role("link", name="Reviews", exact=True).first.click()
    check_page(reviewer)
    reviewer.get_by_role("link", name="Northgate Council: Online safety policy").click()
    check_page(reviewer)
    reviewer.get_by_role("link", name="1. Expectations for staff working directly").click()
    for number, codes in SECTIONS.items():
        expect(reviewer.get_by_role("heading", level=1, name=f"{number}. ")).to_be_visible()
        check_page(reviewer)
        for code in codes:
            finding = reviewer.locator(f'[id="finding-{code}"]')
            expect(finding.locator(".app-self-rating")).to_contain_text(
                f"The agency's own rating of {code}: Met"
            )
            challenged = code in CHALLENGES
            finding.get_by_role(
                "group", name=f"How well does the policy meet {code}?"
            ).get_by_label("Partially met" if challenged else "Met", exact=True).check()
            finding.get_by_label(f"Evidence: quote from the policy for {code}").fill(PAGE_ONE)
            finding.get_by_label(f"Page for {code}").fill("1")
            view = finding.get_by_role(
                "group", name=f"Do you agree with the agency's rating of {code}?"
            )
            view.get_by_label("Challenge" if challenged else "Agree", exact=True).check()
            if challenged:
                finding.get_by_label(f"Comment for {code}").fill(CHALLENGES[code])
                finding.get_by_label(f"Why you challenge the agency's rating for {code}").fill(
                    CHALLENGES[code]
                )
        reviewer.get_by_role("button", name="Save and continue").click()
    expect(reviewer.get_by_text("Suggested from the ratings")).to_contain_text(
        "Meets expectations with recommendations"
    )
    check_page(reviewer)
    reviewer.get_by_label("Summary for the agency").fill("A sound policy with two gaps.")
    reviewer.get_by_role("button", name="Save and continue").click()
    expect(reviewer.get_by_role("heading", name="Check your answers")).to_be_visible()
    check_page(reviewer)
    reviewer.get_by_role("button", name="Submit the review").click()
    expect(reviewer.get_by_text("submitted. The moderator")).to_be_visible()
    check_page(reviewer)


def moderate_and_sign_off(moderator) -> None:
    """Both ratings and the reviewer's view of the agency's, then the sign-off."""
    moderator.goto("/reviews/")
    check_page(moderator)
    moderator.get_by_role("link", name="Northgate Council: Online safety policy").click()
    for code, challenge in CHALLENGES.items():
        row = moderator.locator(f"#finding-{code.replace('.', '')}")
        expect(row).to_contain_text("The agency's own rating: Met (the board: Partially met)")
        expect(row).to_contain_text(f"Challenged {challenge}")
    expect(moderator.locator("#finding-11")).to_contain_text(
        "The reviewer agrees with the agency's rating."
    )
    check_page(moderator)
    moderator.get_by_role("checkbox").check()
    moderator.get_by_role("button", name="Sign off").click()
    expect(moderator.get_by_text("You signed off the review.")).to_be_visible()
    check_page(moderator)


def reply_to_a_finding(member) -> None:
    """The agency reads the draft findings, replies to 3.6 on its accuracy and says it has
    finished replying."""
    member.goto("/reviews/")
    check_page(member)
    member.get_by_role("link", name=f"{CYCLE}: Online safety policy").click()
    expect(member.get_by_role("heading", name="Reply to the draft findings on")).to_be_visible()
    expect(member.get_by_text(CHALLENGES["3.6"]).first).to_be_visible()
    check_page(member)
    member.get_by_label("Your reply on the accuracy of finding 3.6").fill(REPLY)
    member.get_by_role("button", name="Save your reply on 3.6").click()
    expect(member.get_by_text("Your reply on finding 3.6 is saved.")).to_be_visible()
    check_page(member)
    member.get_by_role("button", name="We have finished replying").click()
    expect(member.get_by_text("You have finished replying.")).to_be_visible()
    check_page(member)


def amend_the_finding(reviewer) -> None:
    reviewer.goto("/reviews/")
    check_page(reviewer)
    reviewer.get_by_role("link", name="Answer the agency’s replies").click()
    expect(reviewer.get_by_text(REPLY)).to_be_visible()
    check_page(reviewer)
    reviewer.get_by_label("Amend the finding").check()
    reviewer.get_by_label("Your reason").fill(ANSWER_REASON)
    reviewer.get_by_label("Amended rating (if you amend it)").select_option("met")
    reviewer.get_by_label("Amended comment (if you amend it)").fill(AMENDED_COMMENT)
    reviewer.get_by_role("button", name="Save your answer on 3.6").click()
    expect(reviewer.get_by_text("Your answer on finding 3.6 is saved.")).to_be_visible()
    check_page(reviewer)


def confirm_the_amendment(moderator) -> None:
    """The last reply settled, the reply ends and the worker issues the outcome."""
    moderator.goto("/reviews/")
    check_page(moderator)
    moderator.get_by_role("link", name="The agency’s replies").click()
    expect(moderator.get_by_text("the moderator has still to confirm it")).to_be_visible()
    check_page(moderator)
    moderator.get_by_label("Confirm the amendment: the finding changes").check()
    moderator.get_by_role("button", name="Save your decision on 3.6").click()
    expect(
        moderator.get_by_text("You confirmed the amendment; the finding is changed.")
    ).to_be_visible()
    check_page(moderator)
    moderator.get_by_role("link", name="Back to the review").click()
    check_page(moderator)
    # The page polls until the worker has rendered, signed and issued it.
    download_link = moderator.get_by_role("link", name="Download the outcome (PDF)")
    expect(download_link).to_be_visible(timeout=90_000)
    check_page(moderator)


def download_the_outcome(member, folder):
    """The agency reads the finding as amended and downloads the outcome."""
    member.goto("/reviews/")
    check_page(member)
    member.get_by_role("link", name=f"{CYCLE}: Online safety policy").click()
    expect(member.locator("#finding-36")).to_contain_text(AMENDED_COMMENT)
    check_page(member)
    with member.expect_download() as downloading:
        member.get_by_role("link", name="Download the outcome (PDF)").click()
    outcome = folder / "outcome.pdf"
    downloading.value.save_as(outcome)
    return outcome


def check_the_outcome(page, outcome) -> None:
    """Anyone, signed in or not, checks the file on the public page."""
    page.context.clear_cookies()
    page.goto("/outcomes/check/")
    check_page(page)
    page.get_by_label("Choose the outcome’s PDF file").set_input_files(outcome)
    page.get_by_role("button", name="Check the outcome").click()
    expect(page.get_by_role("heading", name="This is a genuine outcome")).to_be_visible()
    check_page(page)


def test_a_new_checklist_version_from_self_assessment_to_a_verified_outcome(
    person, board, tmp_path
):
    # 1-2. The board admin publishes version 2, opens a cycle on it and assigns the review.
    admin = person(board["charlie"])
    write_and_publish_version_2(admin)
    open_cycle_and_assign(admin)

    # 3. The agency assesses itself and submits.
    member = person(board["alice"])
    self_assess(member)

    # 4. The reviewer sees the agency's ratings, agrees with most and challenges two.
    reviewer = person(board["rita"])
    review_against_the_self_assessment(reviewer)

    # 5. The moderator sees both ratings and the challenges, and signs off.
    moderator = person(board["mo"])
    moderate_and_sign_off(moderator)

    # 6. The agency replies to one finding on its accuracy.
    reply_to_a_finding(member)

    # 7-8. The reviewer amends it; the moderator confirms, which settles every reply, and a
    # real worker renders and issues the outcome.
    amend_the_finding(reviewer)
    with running_worker():
        confirm_the_amendment(moderator)

    # The agency downloads it: the annex carries its reply and the board's answer.
    outcome = download_the_outcome(member, tmp_path)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(outcome).pages).split())
    heading = "Annex: the agency’s replies and the board’s answers"
    assert heading in text
    annex = text.split(heading, 1)[1]
    assert "3.6 Reply of" in annex
    answer = ("The finding was amended", ANSWER_REASON, "Amended rating: Met", AMENDED_COMMENT)
    for said in (REPLY, *answer):
        assert said in annex, said

    # And the public check says it is genuine.
    check_the_outcome(member, outcome)
