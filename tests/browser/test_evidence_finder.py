"""A reviewer sees suggested passages under each expectation and quotes one in a click."""

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from evidence.services import evidence_prepare
from policies.models import PolicyVersion
from tests.samples import make_docx_from

from ..factories import AgencyFactory, PolicyVersionFactory, UserFactory, make_review
from .conftest import check_page, sign_in

PASSWORD = "correct-horse-battery"
POLICY = """# Social Media Policy

## Staff conduct

Staff must not befriend pupils or accept friend requests from them on personal accounts.

## Photographs

| Topic | Rule |
| Devices | Only school tablets are used to take photos of pupils, never a personal phone. |
"""


@pytest.fixture
def review(transactional_db):
    agency = AgencyFactory(name="Northgate Council")
    PolicyVersionFactory(
        document__agency=agency,
        number=1,
        file=ContentFile(make_docx_from(POLICY), name="p.docx"),
        file_kind=PolicyVersion.FileKind.DOCX,
    )
    rita = UserFactory(email="rita@board.test", full_name="Rita Reyes", is_reviewer=True)
    mo = UserFactory(email="mo@board.test", full_name="Mo Moreau", is_moderator=True)
    admin = UserFactory(email="charlie@board.test", is_board_admin=True)
    review = make_review(agency=agency, reviewer=rita, moderator=mo, admin=admin)
    evidence_prepare(version_id=review.policy_version_id, framework_id=review.framework_id)
    return review


def test_a_reviewer_quotes_a_suggested_passage_in_one_click(page, review):
    sign_in(page, "rita@board.test", PASSWORD)
    page.goto(f"/reviews/{review.pk}/section/1/")
    check_page(page)
    finding = page.locator('[id="finding-1.1"]')
    suggestion = finding.locator(".app-suggestion").first
    expect(suggestion).to_contain_text("Staff must not befriend pupils")
    expect(suggestion.locator("mark").first).to_have_text("befriend")
    expect(finding).not_to_contain_text("No passage clearly addresses this")
    expect(page.locator('[id="finding-1.4"]')).to_contain_text("No passage clearly addresses this")

    finding.get_by_role("button", name="Quote this as evidence for 1.1").first.click()

    expect(finding.get_by_label("Evidence: quote from the policy")).to_have_value(
        "Staff must not befriend pupils or accept friend requests from them on personal accounts."
    )
    expect(finding.get_by_label("Section (optional)")).to_have_value("Staff conduct, paragraph 1")
    images = page.locator('[id="finding-1.6"]')
    images.get_by_role("button", name="Quote this as evidence for 1.6").first.click()
    expect(images.get_by_label("Evidence: quote from the policy")).to_have_value(
        "Only school tablets are used to take photos of pupils, never a personal phone."
    )
    check_page(page)
