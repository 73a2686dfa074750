"""Markup every page of a kind shares: the sign-in form, the Django admin's head."""

import pytest

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_sign_in_form_carries_its_csrf_token_once(client):
    html = client.get("/sign-in/").content.decode()
    assert html.count('name="csrfmiddlewaretoken"') == 1


def test_signing_in_still_works_with_the_one_token(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    html = client.get("/sign-in/").content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/sign-in/",
        {
            "username": "alice@northgate.test",
            "password": "correct-horse-battery",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize("page", ["/admin/", "/admin/policies/agency/"])
def test_the_django_admin_has_the_board_favicon_and_its_branding(client, page):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<link rel="icon" type="image/svg+xml" href="/static/images/favicon.svg">' in html
    assert "Safeguarding Policy Review administration" in html
    assert "| Policy review admin</title>" in html
