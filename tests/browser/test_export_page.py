"""The export page updates itself in place while the file is built, then settles: it is never
reloaded once the file is ready, so the Download button stays put. The policy version page, which
shares the status poller, reloads once when its check finishes and then stops."""

import pytest
from playwright.sync_api import expect

from policies.models import PolicyVersion
from summaries.models import Export
from summaries.services.exports import export_build_file

from ..factories import AgencyFactory, PolicyVersionFactory, UserFactory, lscb_framework, make_cycle
from ..summaries.helpers import counted_review
from .conftest import check_page, sign_in

PASSWORD = "correct-horse-battery"
# Long enough for the poller (every 2 seconds) to have asked three more times.
SETTLE_MS = 7000


@pytest.fixture
def board(transactional_db):
    northgate = AgencyFactory(name="Northgate Council")
    cycle = make_cycle(agencies=[northgate], framework=lscb_framework())
    counted_review(
        agency=northgate,
        cycle=cycle,
        reviewer=UserFactory(is_reviewer=True),
        moderator=UserFactory(is_moderator=True),
        ratings={"1.2": "partially_met"},
    )
    return {
        "cycle": cycle,
        "northgate": northgate,
        "charlie": UserFactory(
            email="charlie@board.test", full_name="Charlie Chen", is_board_admin=True
        ),
    }


def status_requests(page) -> list[str]:
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/status/" in r.url else None)
    return requests


def test_the_export_page_updates_in_place_and_settles_once_ready(page, board):
    sign_in(page, board["charlie"].email, PASSWORD)
    page.get_by_role("link", name="Exports", exact=True).click()
    check_page(page)
    # The open cycle is already chosen.
    expect(page.get_by_label("Review cycle")).to_have_value(str(board["cycle"].pk))
    page.get_by_label("Findings (CSV)").check()
    page.get_by_role("button", name="Start the export").click()

    # Asking for an export is news, not a success: nothing has been built yet.
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("requested. It is being built.")
    expect(banner).not_to_contain_text("Success")
    status = page.locator("#export-progress")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("Waiting to start: 0% done")
    check_page(page)

    page.evaluate("window.exportPageMarker = 'not reloaded'")
    requests = status_requests(page)
    # The worker's part, done here so the test decides when the file is ready.
    export_build_file(export_id=Export.objects.get().pk)

    link = page.get_by_role("link", name="Download findings-2026-social-media-policy-review.csv")
    expect(link).to_be_visible(timeout=20_000)
    expect(status).to_have_text("Ready to download")
    expect(page.get_by_role("link", name="Check again")).to_be_hidden()
    asked = len(requests)
    assert asked >= 1

    page.wait_for_timeout(SETTLE_MS)
    assert page.evaluate("window.exportPageMarker") == "not reloaded"
    assert len(requests) == asked, "the page kept polling after the export was ready"
    check_page(page)

    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "findings-2026-social-media-policy-review.csv"
    with open(download.value.path(), encoding="utf-8-sig") as file:
        assert file.readline().startswith("Cycle,Agency,Sector")


def test_a_ready_export_page_is_never_reloaded(page, board):
    export = Export.objects.create(format="pdf", year=2026, requested_by=board["charlie"])
    export_build_file(export_id=export.pk)
    sign_in(page, board["charlie"].email, PASSWORD)
    requests = status_requests(page)
    page.goto(export.get_absolute_url())
    check_page(page)
    page.evaluate("window.exportPageMarker = 'not reloaded'")
    page.wait_for_timeout(SETTLE_MS)
    assert page.evaluate("window.exportPageMarker") == "not reloaded"
    assert requests == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download annual-summary-2026.pdf").click()
    assert download.value.suggested_filename == "annual-summary-2026.pdf"


def test_the_policy_version_page_reloads_once_when_its_check_finishes(page, board):
    alice = UserFactory(email="alice@northgate.test", agency=board["northgate"])
    version = PolicyVersionFactory(
        document__agency=board["northgate"], status=PolicyVersion.Status.CHECKING
    )
    sign_in(page, alice.email, PASSWORD)
    page.goto(version.get_absolute_url())
    expect(page.get_by_role("status")).to_contain_text("Checking")
    page.evaluate("window.versionPageMarker = 'before the check finished'")

    PolicyVersion.objects.filter(pk=version.pk).update(status=PolicyVersion.Status.READY)
    expect(page.get_by_role("status")).to_have_text("Ready", timeout=20_000)
    assert page.evaluate("window.versionPageMarker") is None
    requests = status_requests(page)
    page.evaluate("window.versionPageMarker = 'after the check finished'")
    page.wait_for_timeout(SETTLE_MS)
    assert page.evaluate("window.versionPageMarker") == "after the check finished"
    assert requests == []
    check_page(page)
