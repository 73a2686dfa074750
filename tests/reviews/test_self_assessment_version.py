"""The version assessed: a self-assessment follows the agency's current policy version until it
is submitted, asking the agency to check its quotes, and the reviewer is told when the agency
assessed another version than the one under review."""

import datetime
import html

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from reviews.services.self_assessments import self_assessment_open

from ..factories import PolicyVersionFactory, make_cycle, make_review, make_self_assessment

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def version_1(northgate):
    return PolicyVersionFactory(document__agency=northgate, number=1, version_label="1.0")


@pytest.fixture
def cycle(northgate, version_1):
    cycle = make_cycle(agencies=[northgate])
    cycle.opens_on = TODAY - datetime.timedelta(days=30)
    cycle.closes_on = TODAY + datetime.timedelta(days=60)
    cycle.self_assessment_due_on = TODAY + datetime.timedelta(days=10)
    cycle.save()
    return cycle


def upload_version_2(version_1):
    return PolicyVersionFactory(document=version_1.document, number=2, version_label="2.0")


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_a_newer_version_uploaded_before_submitting_becomes_the_one_assessed(
    cycle, northgate, alice, alice_client, version_1
):
    assessment = self_assessment_open(cycle=cycle, agency=northgate, by=alice)
    assert assessment.policy_version == version_1
    version_2 = upload_version_2(version_1)
    text = page(alice_client.get(f"/self-assessments/{assessment.pk}/"))
    assert "Version 2.0 of your policy was uploaded after you started" in text
    assert "Check that your quotes and page numbers still match it." in text
    assessment.refresh_from_db()
    assert assessment.policy_version == version_2
    moved = AuditEvent.objects.get(action=AuditEvent.Action.SELF_ASSESSMENT_VERSION_CHANGED)
    assert moved.detail["from"] == "1.0" and moved.detail["to"] == "2.0"
    # Each step says so too, with the new version beside the questions.
    step = page(alice_client.get(f"/self-assessments/{assessment.pk}/section/1/"))
    assert "this self-assessment is now of version 2.0, not version 1.0" in step


def test_a_submitted_self_assessment_keeps_the_version_it_assessed(
    cycle, northgate, alice, alice_client, version_1
):
    assessment = make_self_assessment(cycle=cycle, agency=northgate, member=alice)
    upload_version_2(version_1)
    text = page(alice_client.get(f"/self-assessments/{assessment.pk}/"))
    assert "version 1.0" in text
    assert "uploaded after you started" not in text
    assessment.refresh_from_db()
    assert assessment.policy_version == version_1
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.SELF_ASSESSMENT_VERSION_CHANGED
    ).exists()


def test_the_reviewer_is_told_the_agency_assessed_another_version(
    cycle, northgate, alice, rita, mo, charlie, rita_client, version_1
):
    make_self_assessment(cycle=cycle, agency=northgate, member=alice)
    upload_version_2(version_1)
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)
    assert review.policy_version.version_label == "2.0"
    text = page(rita_client.get(f"/reviews/{review.pk}/section/1/"))
    assert "The agency assessed version 1.0; this review is of version 2.0." in text


def test_the_reviewer_is_not_told_when_the_versions_are_the_same(
    cycle, northgate, alice, rita, mo, charlie, rita_client
):
    make_self_assessment(cycle=cycle, agency=northgate, member=alice)
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle)
    text = page(rita_client.get(f"/reviews/{review.pk}/section/1/"))
    assert "The agency's own rating" in text
    assert "The agency assessed version" not in text
