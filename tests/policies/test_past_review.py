"""Agency members are told when their own policy is past its review date."""

import datetime

import pytest
from django.utils import timezone

from ..factories import PolicyDocumentFactory, PolicyVersionFactory

pytestmark = pytest.mark.django_db

WARNING = "past its review date"


@pytest.fixture
def overdue(northgate):
    document = PolicyDocumentFactory(agency=northgate, title="Northgate social media policy")
    return PolicyVersionFactory(
        document=document,
        number=1,
        next_review_date=timezone.localdate() - datetime.timedelta(days=10),
    )


def test_member_is_warned_on_home_policy_list_document_and_version_pages(alice_client, overdue):
    pages = {
        "home": alice_client.get("/").content.decode(),
        "list": alice_client.get("/policies/").content.decode(),
        "document": alice_client.get(overdue.document.get_absolute_url()).content.decode(),
        "version": alice_client.get(overdue.get_absolute_url()).content.decode(),
    }

    for name, page in pages.items():
        assert "govuk-warning-text" in page, name
        assert "1 of your agency's policies is past its review date" in page or WARNING in page
    assert "Northgate social media policy" in pages["home"]


def test_no_warning_when_the_review_date_has_not_passed(alice_client, northgate):
    version = PolicyVersionFactory(
        document__agency=northgate,
        next_review_date=timezone.localdate() + datetime.timedelta(days=10),
    )

    for url in ["/", "/policies/", version.document.get_absolute_url(), version.get_absolute_url()]:
        assert "govuk-warning-text" not in alice_client.get(url).content.decode(), url


def test_a_superseded_version_is_not_flagged(alice_client, overdue):
    PolicyVersionFactory(document=overdue.document, number=2, next_review_date=None)

    assert WARNING not in alice_client.get(overdue.get_absolute_url()).content.decode()


def test_another_agency_policy_past_review_is_not_shown_to_member(bob_client, overdue):
    assert "Northgate social media policy" not in bob_client.get("/").content.decode()
