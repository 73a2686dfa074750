"""The board admin reads the dashboard and downloads the workbook and the PDF; an agency member
answers a finding with an action and sees the anonymised comparison."""

from collections import Counter

import openpyxl
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from summaries.models import Action

from ..factories import AgencyFactory, UserFactory, lscb_framework, make_cycle
from ..summaries.helpers import counted_review
from ..worker import running_worker
from .conftest import check_page, sign_in

PASSWORD = "correct-horse-battery"
OTHERS = ["Southport Police", "Eastfield Academy", "Westmoor Trust", "Harbour Health", "Lantern"]


@pytest.fixture
def board(transactional_db):
    northgate = AgencyFactory(name="Northgate Council")
    cycle = make_cycle(agencies=[northgate], framework=lscb_framework())
    reviewer = UserFactory(email="rita@board.test", is_reviewer=True)
    moderator = UserFactory(email="mo@board.test", is_moderator=True)
    counted_review(
        agency=northgate,
        cycle=cycle,
        reviewer=reviewer,
        moderator=moderator,
        ratings={"1.2": "partially_met", "2.1": "not_met"},
    )
    for name in OTHERS:
        counted_review(
            agency=AgencyFactory(name=name),
            cycle=cycle,
            reviewer=reviewer,
            moderator=moderator,
            ratings={"3.1": "not_met"},
        )
    return {
        "cycle": cycle,
        "alice": UserFactory(
            email="alice@northgate.test", full_name="Alice Archer", agency=northgate
        ),
        "charlie": UserFactory(
            email="charlie@board.test", full_name="Charlie Chen", is_board_admin=True
        ),
    }


def export(page, label: str):
    page.get_by_role("link", name="Exports", exact=True).click()
    check_page(page)
    page.get_by_label(label).check()
    page.get_by_label("Review cycle").select_option(label="2026 social media policy review")
    page.get_by_role("button", name="Start the export").click()
    link = page.get_by_role("link", name="Download")
    expect(link).to_be_visible(timeout=60_000)
    check_page(page)
    with page.expect_download() as download:
        link.click()
    return download.value.path()


def test_admin_reads_the_dashboard_and_downloads_the_workbook_and_the_pdf(page, board):
    sign_in(page, board["charlie"].email, PASSWORD)
    page.get_by_role("link", name="Dashboard", exact=True).click()
    check_page(page)
    page.get_by_role("link", name="2026 social media policy review").click()
    expect(page.get_by_role("heading", name="2026 social media policy review")).to_be_visible()
    expect(page.get_by_role("img", name="Ratings per expectation across agencies")).to_be_visible()
    expect(page.get_by_role("img", name="Ratings by agency and expectation")).to_be_visible()
    check_page(page)
    with running_worker():
        workbook_path = export(page, "Workbook (XLSX)")
        pdf_path = export(page, "Annual summary (PDF)")
    with open(workbook_path, "rb") as file:
        workbook = openpyxl.load_workbook(file)
    ratings = Counter(
        (row[7].value, row[8].value) for row in workbook["Findings"].iter_rows(min_row=2)
    )
    assert ratings[("3.1", "Not met")] == 5 and ratings[("1.2", "Partially met")] == 1
    assert sum(ratings.values()) == 6 * 15
    text = "\n".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    assert "6 reviews are counted in these figures" in " ".join(text.split())


def test_agency_member_records_an_action_and_sees_the_anonymised_comparison(page, board):
    sign_in(page, board["alice"].email, PASSWORD)
    page.get_by_role("link", name="Action plan", exact=True).click()
    check_page(page)
    page.get_by_role("link", name="2026 social media policy review").click()
    check_page(page)
    page.get_by_role("link", name="Add an action for 1.2").click()
    check_page(page)
    page.get_by_role("button", name="Save the action").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_page(page)
    page.get_by_label("What will be done").fill("Add a section on contact with children online.")
    page.get_by_label("Who owns it").fill("Head of Safeguarding")
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_text("Action recorded for 1.2")).to_be_visible()
    check_page(page)
    assert Action.objects.get().owner == "Head of Safeguarding"
    page.get_by_role("link", name="Back to your action plan").click()
    page.get_by_role("link", name="How your agency compares with the board-wide picture").click()
    expect(page.get_by_role("heading", name="How your agency compares")).to_be_visible()
    check_page(page)
    body = page.content()
    assert "all 6 agencies" in body
    for name in OTHERS:
        assert name not in body
