"""Agency B can neither list, see nor download anything of agency A's, by any URL."""

import pytest

from audit.models import AuditEvent

from ..factories import PolicyVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def northgate_version(northgate):
    return PolicyVersionFactory(
        document__agency=northgate, document__title="Northgate SM policy", number=1
    )


def refusals() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).count()


def test_agency_member_lists_only_their_own_agency(alice_client, bob_client, northgate_version):
    assert "Northgate SM policy" in alice_client.get("/policies/").content.decode()
    assert "Northgate SM policy" not in bob_client.get("/policies/").content.decode()
    assert "Northgate SM policy" not in bob_client.get("/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/policies/{doc}/",
        "/policies/{doc}/versions/new/",
        "/policies/{doc}/versions/{n}/",
        "/policies/{doc}/versions/{n}/status/",
        "/policies/{doc}/versions/{n}/download/",
        "/policies/{doc}/versions/{n}/?q=befriend",
    ],
)
def test_another_agencys_policy_by_guessed_url_is_404_and_audited(
    bob_client, northgate_version, url
):
    before = refusals()
    response = bob_client.get(url.format(doc=northgate_version.document_id, n=1))
    assert response.status_code == 404
    assert b"Northgate SM policy" not in response.content
    assert refusals() == before + 1
    event = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).first()
    assert event.actor_email == "bob@southport.test"
    assert event.agency.name == "Northgate Council"


def test_another_agencys_upload_by_post_is_404(bob_client, northgate_version):
    response = bob_client.post(f"/policies/{northgate_version.document_id}/versions/new/", {})
    assert response.status_code == 404


def test_a_missing_policy_is_404_without_refusal(bob_client):
    assert bob_client.get("/policies/999999/").status_code == 404
    assert refusals() == 0


def test_board_admin_sees_every_agency(charlie_client, northgate_version, southport):
    PolicyVersionFactory(document__agency=southport, document__title="Southport SM policy")
    page = charlie_client.get("/policies/").content.decode()
    assert "Northgate SM policy" in page and "Southport SM policy" in page
    response = charlie_client.get(f"/policies/{northgate_version.document_id}/versions/1/download/")
    assert response.status_code == 200


def test_reviewer_without_assignments_sees_no_agency_policies(rita_client, northgate_version):
    assert "Northgate SM policy" not in rita_client.get("/policies/").content.decode()
    assert rita_client.get(f"/policies/{northgate_version.document_id}/").status_code == 404


@pytest.mark.parametrize("url", ["/audit/", "/policies/past-review-date/"])
def test_board_admin_pages_are_403_and_audited_for_agency_members(alice_client, url):
    assert alice_client.get(url).status_code == 403
    assert refusals() == 1


def test_signed_out_people_are_sent_to_sign_in(client, northgate_version):
    response = client.get(f"/policies/{northgate_version.document_id}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_download_is_named_for_the_policy_and_its_version_label_and_is_audited(
    alice_client, northgate_version
):
    response = alice_client.get(f"/policies/{northgate_version.document_id}/versions/1/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="northgate-sm-policy-version-1.0.pdf"'
    )
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).count() == 1
