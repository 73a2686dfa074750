import pytest

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def sign_in(client, email: str, password: str):
    return client.post("/sign-in/", {"username": email, "password": password})


def test_sign_in_with_email_and_password_lands_on_home(client, alice):
    response = sign_in(client, "Alice@Northgate.test", "correct-horse-battery")
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/").content.decode()
    assert "Welcome, Alice" in home
    assert "Northgate Council" in home
    assert AuditEvent.objects.filter(action="sign_in", actor=alice).count() == 1


def test_a_wrong_password_is_refused_and_audited(client, alice):
    response = sign_in(client, "alice@northgate.test", "wrong")
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    event = AuditEvent.objects.get(action="sign_in_failed")
    assert event.detail["email"] == "alice@northgate.test"
    assert "wrong" not in str(event.detail)


def test_repeated_failures_lock_the_account_out(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice@northgate.test", "wrong")
    response = sign_in(client, "alice@northgate.test", "correct-horse-battery")
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()


def test_board_admin_home_shows_the_board(charlie_client):
    page = charlie_client.get("/").content.decode()
    assert "The board&#x27;s policies" in page or "The board's policies" in page
    assert "Audit trail" in page


def test_reviewer_home_shows_reviews(rita_client):
    assert "Your reviews" in rita_client.get("/").content.decode()


def test_sign_out_is_a_post(alice_client):
    assert alice_client.get("/sign-out/").status_code == 405
    response = alice_client.post("/sign-out/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="sign_out").count() == 1
