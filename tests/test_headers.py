"""What browsers and proxies may keep: nothing behind sign-in."""

import pytest
from django.core.files.base import ContentFile

from summaries.models import Export

from .factories import PolicyVersionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "page",
    ["/", "/policies/", "/reviews/", "/cycles/", "/audit/", "/summaries/dashboard/"],
)
def test_signed_in_pages_are_never_stored(charlie_client, page):
    response = charlie_client.get(page)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_the_django_admin_is_never_stored(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_missing_page_and_a_refusal_to_a_signed_in_person_are_never_stored(alice_client):
    assert alice_client.get("/policies/999999/")["Cache-Control"] == "private, no-store"
    assert alice_client.get("/audit/")["Cache-Control"] == "private, no-store"


def test_a_policy_download_is_never_stored(alice_client, northgate):
    version = PolicyVersionFactory(document__agency=northgate, number=1)
    response = alice_client.get(f"/policies/{version.document_id}/versions/1/download/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_an_export_download_is_never_stored(charlie_client, charlie):
    export = Export.objects.create(
        format=Export.Format.CSV, year=2026, status=Export.Status.READY, requested_by=charlie
    )
    export.file.save("findings.csv", ContentFile(b"agency,rating\n"))
    response = charlie_client.get(f"/summaries/exports/{export.pk}/download/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_the_sign_in_page_is_never_cached_as_it_carries_a_csrf_token(client):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_public_page_to_someone_not_signed_in_is_not_marked_private(client):
    response = client.get("/outcomes/check/")
    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")
