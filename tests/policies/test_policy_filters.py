"""The policies list filters by agency and by words in the title or agency, and the filter shows
what was chosen."""

import pytest

from tests.factories import PolicyDocumentFactory, PolicyVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(northgate, southport):
    PolicyDocumentFactory(agency=northgate, title="Northgate social media policy")
    PolicyDocumentFactory(agency=southport, title="Southport online safety policy")


def test_choosing_an_agency_lists_only_its_policies(charlie_client, northgate, documents):
    page = charlie_client.get("/policies/", {"agency": northgate.pk}).content.decode()
    assert "Northgate social media policy" in page
    assert "Southport online safety policy" not in page
    assert f'<option value="{northgate.pk}" selected>Northgate Council</option>' in page


def test_searching_lists_the_policies_whose_title_matches(charlie_client, documents):
    page = charlie_client.get("/policies/", {"q": "online safety"}).content.decode()
    assert "Southport online safety policy" in page
    assert "Northgate social media policy" not in page
    assert 'type="search" name="q" value="online safety"' in page


def test_a_search_too_long_is_refused_with_an_error(charlie_client, documents):
    page = charlie_client.get("/policies/", {"q": "x" * 201}).content.decode()
    assert "<title>Error: Policies" in page
    assert "Enter 200 characters or fewer" in page


def test_an_agency_member_is_not_asked_to_choose_an_agency(alice_client, documents):
    page = alice_client.get("/policies/").content.decode()
    assert "Northgate social media policy" in page
    assert 'name="agency"' not in page


def test_a_search_of_a_policys_text_too_long_is_refused_with_an_error(alice_client, northgate):
    version = PolicyVersionFactory(document__agency=northgate, document__title="Northgate policy")
    page = alice_client.get(version.get_absolute_url(), {"q": "x" * 201}).content.decode()
    assert "<title>Error: Northgate policy" in page
    assert '<a href="#id_q">Enter 200 characters or fewer</a>' in page
