import pytest

pytestmark = pytest.mark.django_db


def test_the_privacy_notice_needs_no_sign_in_and_names_the_board(client, settings):
    settings.BOARD_CONTACT_EMAIL = "dpo@wexcombe.example"
    page = client.get("/privacy/").content.decode()
    assert "Privacy notice" in page
    assert "dpo@wexcombe.example" in page and settings.BOARD_ADDRESS in page
    assert "public task" in page and "Information Commissioner" in page


def test_the_accessibility_statement_needs_no_sign_in(client):
    page = client.get("/accessibility/").content.decode()
    assert "WCAG" in page and "2.2" in page
    assert "Equality and Human Rights Commission" in page


def test_every_page_links_to_both_in_its_footer(client, alice_client):
    for page in (client.get("/sign-in/"), alice_client.get("/")):
        html = page.content.decode()
        assert 'href="/privacy/"' in html and 'href="/accessibility/"' in html
