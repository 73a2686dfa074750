"""In the browser: sign-off, the outcome prepared by a real worker, download, then "Check an
outcome" with the genuine file and an altered one; axe-core on every page."""

import pytest
from playwright.sync_api import expect

from ..factories import UserFactory, make_review

# The board's certificate for this module's tests, as the outcome tests have it.
from ..outcomes.conftest import _signing, board_p12  # noqa: F401
from ..outcomes.test_check import flip_one_byte
from ..worker import running_worker
from .conftest import check_page, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


@pytest.fixture
def submitted(transactional_db):
    from policies.models import Agency
    from reviews.services import review_save_findings, review_save_outcome, review_submit

    from ..factories import AgencyFactory, complete_answers

    agency = AgencyFactory(name="Northgate Council", sector=Agency.Sector.LOCAL_AUTHORITY)
    alice = UserFactory(email="alice@northgate.test", full_name="Alice Archer", agency=agency)
    rita = UserFactory(email="rita@board.test", full_name="Rita Reyes", is_reviewer=True)
    mo = UserFactory(email="mo@board.test", full_name="Mo Moreau", is_moderator=True)
    charlie = UserFactory(email="charlie@board.test", is_board_admin=True)
    review = make_review(agency=agency, reviewer=rita, moderator=mo, admin=charlie)
    review = review_save_findings(
        review=review, by=rita, lock_version=review.lock_version, answers=complete_answers(review)
    )
    review = review_save_outcome(
        review=review,
        by=rita,
        lock_version=review.lock_version,
        overall_outcome="meets",
        override_reason="",
        summary="A clear policy.",
        recommendations=[],
    )
    review = review_submit(review=review, by=rita, lock_version=review.lock_version)
    return {"review": review, "alice": alice, "mo": mo}


def test_sign_off_download_the_outcome_and_check_it(page, submitted, tmp_path):
    review = submitted["review"]
    with running_worker():
        sign_in(page, submitted["mo"].email, PASSWORD)
        page.goto(f"/reviews/{review.pk}/moderate/")
        page.get_by_role("checkbox").check()
        page.get_by_role("button", name="Sign off").click()
        expect(page.get_by_text("You signed off the review.")).to_be_visible()
        check_page(page)
        # The page polls until the worker has rendered and signed it, then shows the link.
        download_link = page.get_by_role("link", name="Download the outcome (PDF)")
        expect(download_link).to_be_visible(timeout=90_000)
        check_page(page)

    page.context.clear_cookies()
    sign_in(page, submitted["alice"].email, PASSWORD)
    page.goto(f"/reviews/{review.pk}/")
    check_page(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the outcome (PDF)").click()
    genuine = tmp_path / "genuine.pdf"
    downloading.value.save_as(genuine)
    assert genuine.read_bytes().startswith(b"%PDF-")

    page.context.clear_cookies()
    page.goto("/outcomes/check/")
    check_page(page)
    page.get_by_label("Choose the outcome’s PDF file").set_input_files(genuine)
    page.get_by_role("button", name="Check the outcome").click()
    expect(page.get_by_role("heading", name="This is a genuine outcome")).to_be_visible()
    expect(page.get_by_text(review.reference).first).to_be_visible()
    check_page(page)

    altered = tmp_path / "altered.pdf"
    altered.write_bytes(flip_one_byte(genuine.read_bytes()))
    page.get_by_label("Choose the outcome’s PDF file").set_input_files(altered)
    page.get_by_role("button", name="Check the outcome").click()
    expect(page.get_by_role("heading", name="This outcome has been altered")).to_be_visible()
    check_page(page)
