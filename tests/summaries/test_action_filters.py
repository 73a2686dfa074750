"""The board's list of agencies' actions filters by status and by being overdue, and the filter
shows what was chosen."""

import datetime

import pytest
from django.utils import timezone

from summaries.models import Action

pytestmark = pytest.mark.django_db


def make_action(review, code: str, *, description: str, due_on, **done):
    return Action.objects.create(
        finding=review.findings.get(expectation__code=code),
        review=review,
        agency=review.agency,
        description=description,
        owner="Head of Safeguarding",
        due_on=due_on,
        **done,
    )


@pytest.fixture
def actions(northgate_review):
    today = timezone.localdate()
    make_action(
        northgate_review, "1.2", description="Train staff", due_on=today - datetime.timedelta(1)
    )
    make_action(
        northgate_review, "2.1", description="Name a lead", due_on=today + datetime.timedelta(30)
    )
    make_action(
        northgate_review,
        "1.1",
        description="Publish the policy",
        due_on=today - datetime.timedelta(5),
        status=Action.Status.DONE,
        done_note="Published on the website",
    )


def test_ticking_overdue_only_lists_the_late_open_actions(charlie_client, actions):
    page = charlie_client.get("/summaries/actions/all/", {"overdue": "on"}).content.decode()
    assert "Train staff" in page
    assert "Name a lead" not in page and "Publish the policy" not in page
    assert 'name="overdue" class="govuk-checkboxes__input" id="id_overdue" checked' in page


def test_choosing_a_status_lists_only_actions_in_it(charlie_client, actions):
    page = charlie_client.get("/summaries/actions/all/", {"status": "done"}).content.decode()
    assert "Publish the policy" in page
    assert "Train staff" not in page and "Name a lead" not in page
    assert '<option value="done" selected>Done</option>' in page


def test_an_unknown_status_is_refused_with_an_error(charlie_client, actions):
    page = charlie_client.get("/summaries/actions/all/", {"status": "lost"}).content.decode()
    assert "<title>Error: Agencies' actions" in page
    assert "Select a status from the list" in page
