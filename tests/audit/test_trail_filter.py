"""The audit trail's filter shows what was chosen, and refuses a choice not on its lists."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_filter_keeps_the_chosen_action_person_and_agency(charlie_client, northgate):
    page = charlie_client.get(
        "/audit/", {"action": "upload", "person": "bob", "agency": northgate.pk}
    ).content.decode()
    assert '<option value="upload" selected>Uploaded a policy version</option>' in page
    assert 'name="person" value="bob"' in page
    assert f'<option value="{northgate.pk}" selected>Northgate Council</option>' in page


def test_an_agency_not_on_the_list_is_refused_with_an_error(charlie_client, northgate):
    page = charlie_client.get("/audit/", {"agency": northgate.pk + 1000}).content.decode()
    assert "<title>Error: Audit trail" in page
    assert "There is a problem" in page
    assert '<a href="#id_agency">Select an agency from the list</a>' in page
