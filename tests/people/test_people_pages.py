import pytest
from django.utils import timezone

from audit.models import AuditEvent

from ..factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_people_list_shows_each_persons_roles_and_agencies(charlie_client, alice, rita):
    page = charlie_client.get("/people/").content.decode()
    assert "Alice Archer" in page and "Northgate Council" in page
    assert "Rita Reyes" in page and "Reviewer" in page


def test_people_list_finds_people_by_name_or_email(charlie_client, alice, bob):
    page = charlie_client.get("/people/", {"q": "SOUTHPORT"}).content.decode()
    assert "Bob Baker" in page and "Alice Archer" not in page
    page = charlie_client.get("/people/", {"q": "archer"}).content.decode()
    assert "Alice Archer" in page and "Bob Baker" not in page


def test_people_list_filters_by_role_and_agency(charlie_client, alice, bob, rita, mo, northgate):
    page = charlie_client.get("/people/", {"role": "moderator"}).content.decode()
    assert "Mo Moreau" in page and "Rita Reyes" not in page and "Alice Archer" not in page
    page = charlie_client.get("/people/", {"agency": northgate.pk}).content.decode()
    assert "Alice Archer" in page and "Bob Baker" not in page
    page = charlie_client.get("/people/", {"role": "agency_member"}).content.decode()
    assert "Alice Archer" in page and "Bob Baker" in page and "Mo Moreau" not in page


def test_people_list_filters_by_status(charlie_client, alice, bob):
    bob.is_active = False
    bob.save()
    page = charlie_client.get("/people/", {"status": "deactivated"}).content.decode()
    assert "Bob Baker" in page and "Alice Archer" not in page


def test_people_list_queries_do_not_grow_with_people(charlie_client, django_assert_max_num_queries):
    def add_people(count):
        for _ in range(count):
            UserFactory(agency=AgencyFactory(), is_reviewer=True)

    add_people(3)
    with django_assert_max_num_queries(10) as few:
        charlie_client.get("/people/")
    add_people(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = charlie_client.get("/people/")
    assert response.status_code == 200


def test_people_list_is_paged(charlie_client):
    UserFactory.create_batch(55)
    first = charlie_client.get("/people/").content.decode()
    assert "Page 1 of 2" in first
    second = charlie_client.get("/people/", {"page": 2}).content.decode()
    assert "Page 2 of 2" in second


def test_person_page_shows_roles_memberships_status_and_last_sign_in(charlie_client, alice):
    alice.last_login = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 30))
    alice.save()
    page = charlie_client.get(f"/people/{alice.pk}/").content.decode()
    assert "Northgate Council" in page
    assert "Active" in page
    assert "2 March 2026" in page


@pytest.mark.parametrize("path", ["/people/", "/people/invite/", "/people/agencies/"])
def test_people_who_are_not_board_admins_are_refused_and_audited(path, alice_client, rita_client):
    for client in (alice_client, rita_client):
        assert client.get(path).status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).count() == 2


def test_a_reviewer_cannot_open_a_persons_page(rita_client, alice):
    assert rita_client.get(f"/people/{alice.pk}/").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/people/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
