"""A reviewer tells the finder a suggested passage is not relevant, without losing their typing."""

from playwright.sync_api import expect

from evidence.models import DismissedSuggestion

from .conftest import check_page, sign_in
from .test_evidence_finder import PASSWORD, review  # noqa: F401 - the same prepared review


def test_not_relevant_takes_a_suggestion_away_and_keeps_what_was_typed(page, review):  # noqa: F811
    sign_in(page, "rita@board.test", PASSWORD)
    page.goto(f"/reviews/{review.pk}/section/1/")
    finding = page.locator('[id="finding-1.1"]')
    finding.get_by_label("Section (optional)").fill("Typed before marking")
    suggestion = finding.locator(".app-suggestion").first
    expect(suggestion).to_contain_text("Staff must not befriend pupils")

    suggestion.get_by_role("button", name="Not relevant").click()

    expect(finding.locator(".app-suggestion-status")).to_contain_text("Marked not relevant")
    expect(finding.locator(".app-suggestion", has_text="Staff must not befriend")).to_have_count(0)
    expect(finding.get_by_label("Section (optional)")).to_have_value("Typed before marking")
    assert DismissedSuggestion.objects.count() == 1
    check_page(page)
