import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from demo.documents import make_pdf

from .. import files
from ..factories import AgencyFactory, UserFactory
from ..worker import running_worker
from .conftest import check_page, sign_in

PASSWORD = "correct-horse-battery"


@pytest.fixture
def alice(transactional_db):
    agency = AgencyFactory(name="Northgate Council")
    return UserFactory(email="alice@northgate.test", full_name="Alice Archer", agency=agency)


def test_member_uploads_a_policy_reads_its_text_and_is_told_why_a_hostile_file_is_refused(
    page, alice
):
    pdf = make_pdf(
        [
            ["Northgate social media policy", "Staff must not befriend children online."],
            ["Images of children are taken only on council devices."],
        ],
        title="Northgate social media policy",
    )
    with running_worker():
        sign_in(page, alice.email, PASSWORD)
        expect(page.get_by_role("heading", name="Welcome, Alice")).to_be_visible()
        check_page(page)

        page.get_by_role("button", name="Upload a policy").first.click()
        expect(page.get_by_role("heading", name="Upload a policy")).to_be_visible()
        check_page(page)
        page.get_by_label("Policy title").fill("Social media policy")
        page.get_by_label("Policy owner").fill("Head of Children's Services")
        page.get_by_label("Version", exact=True).fill("2.0")
        date = page.locator("#id_document_date_0")
        date.fill("14")
        page.locator("#id_document_date_1").fill("3")
        page.locator("#id_document_date_2").fill("2026")
        page.get_by_label("Upload the policy").set_input_files(
            {"name": "policy.pdf", "mimeType": "application/pdf", "buffer": pdf}
        )
        page.get_by_role("button", name="Upload", exact=True).click()

        expect(page.get_by_role("heading", name="Social media policy, version 2.0")).to_be_visible()
        check_page(page)
        # The page polls while the worker reads the file, then shows the text.
        expect(page.get_by_text("Ready", exact=True)).to_be_visible(timeout=60_000)
        check_page(page)
        expect(page.get_by_text("Staff must not befriend children online.")).to_be_visible()
        page.get_by_role("link", name="Next page").click()
        expect(
            page.get_by_text("Images of children are taken only on council devices.")
        ).to_be_visible()

        page.get_by_label("Search the text").fill("befriend")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_text("1 page contains")).to_be_visible()
        check_page(page)

        page.get_by_role("link", name="Back to Social media policy").click()
        check_page(page)
        page.get_by_role("button", name="Upload a new version").click()
        page.get_by_label("Version", exact=True).fill("2.1")
        page.locator("#id_document_date_0").fill("1")
        page.locator("#id_document_date_1").fill("4")
        page.locator("#id_document_date_2").fill("2026")
        page.get_by_label("Upload the policy").set_input_files(
            {"name": "policy.pdf", "mimeType": "application/pdf", "buffer": files.exe_renamed()}
        )
        page.get_by_role("button", name="Upload", exact=True).click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_contain_text("Windows program")
        check_page(page)


def test_board_admin_pages_are_accessible(page, transactional_db):
    call_command("load_frameworks", verbosity=0)
    admin = UserFactory(email="charlie@board.test", full_name="Charlie Chen", is_board_admin=True)
    sign_in(page, admin.email, PASSWORD)
    check_page(page)
    for link in ["Frameworks", "Audit trail", "Policies"]:
        page.get_by_role("link", name=link, exact=True).first.click()
        check_page(page)
    page.goto("/frameworks/")
    page.get_by_role("link", name="LSCB expectations").first.click()
    expect(page.get_by_text("3.5", exact=True)).to_be_visible()
    check_page(page)
    page.goto("/policies/past-review-date/")
    check_page(page)
