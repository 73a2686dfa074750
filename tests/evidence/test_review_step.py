"""The review step shows, under each expectation, the passages suggested as its evidence."""

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidence.services import evidence_prepare
from policies.models import PolicyVersion

from ..factories import PolicyVersionFactory, make_review
from .policies import SCHOOL, make_docx_from

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def review(northgate, rita, mo, charlie):
    PolicyVersionFactory(
        document__agency=northgate,
        number=1,
        file=ContentFile(
            make_docx_from(SCHOOL + "\nStaff must not <b>befriend</b> pupils on social media.\n"),
            name="p.docx",
        ),
        file_kind=PolicyVersion.FileKind.DOCX,
    )
    return make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)


def step(client, review, number=1) -> str:
    response = client.get(f"/reviews/{review.pk}/section/{number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_before_suggestions_are_prepared_the_step_says_so(rita_client, review):
    page = step(rita_client, review)
    assert page.count("Suggested passages are being prepared") == 6


def test_each_expectation_shows_its_suggestions_with_marked_words(rita_client, review):
    step(rita_client, review)
    evidence_prepare(version_id=review.policy_version_id, framework_id=review.framework_id)
    page = step(rita_client, review)
    assert "Suggested passages are being prepared" not in page
    one = page.split('id="finding-1.1"')[1].split('id="finding-1.2"')[0]
    assert "<mark>befriend</mark> <mark>pupils</mark>" in one
    assert "Likely" in one and "Staff conduct, paragraph 1" in one
    assert 'data-quote-text="Staff must not befriend pupils or accept friend requests' in one
    assert "Quote this" in one


def test_an_expectation_the_policy_does_not_address_says_so(rita_client, review):
    evidence_prepare(version_id=review.policy_version_id, framework_id=review.framework_id)
    page = step(rita_client, review, number=3)
    norms = page.split('id="finding-3.4"')[1].split('id="finding-3.5"')[0]
    assert "No passage clearly addresses this." in norms


def test_passage_text_is_escaped(rita_client, review):
    evidence_prepare(version_id=review.policy_version_id, framework_id=review.framework_id)
    page = step(rita_client, review)
    one = page.split('id="finding-1.1"')[1].split('id="finding-1.2"')[0]
    assert "<b>" not in one
    assert "&lt;b&gt;<mark>befriend</mark>&lt;/b&gt; <mark>pupils</mark>" in one


def test_suggestions_appear_as_soon_as_they_are_prepared_for_the_same_queries(rita_client, review):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            step(rita_client, review)
        return len(captured)

    step(rita_client, review)  # the policy's text is now kept as a fragment
    before = count()
    evidence_prepare(version_id=review.policy_version_id, framework_id=review.framework_id)
    assert count() == before
    assert "Likely" in step(rita_client, review)
