"""Checking outcomes is limited per address and per server: each check starts a parser child."""

import time
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_ratelimit import core

from config.request_limits import server_slot
from demo.documents import make_pdf
from outcomes import checking

pytestmark = pytest.mark.django_db

CHECK = "/outcomes/check/"


def check(client, content: bytes = b"not a pdf at all", **extra):
    return client.post(CHECK, {"file": SimpleUploadedFile("outcome.pdf", content)}, **extra)


@pytest.fixture(autouse=True)
def one_moment(monkeypatch):
    """The clock the rate is counted by stands still, so no test straddles two minutes."""
    monkeypatch.setattr(core, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))


@pytest.fixture
def children_started(monkeypatch):
    """The parser children the check starts, counted instead of run."""
    started = []

    def fake_verify(data, trusted):
        started.append(len(data))
        return {"verdict": "not_signed"}

    monkeypatch.setattr(checking, "_verify_in_child", fake_verify)
    return started


def test_the_eleventh_check_in_a_minute_from_one_address_is_refused(client):
    for _ in range(10):
        assert check(client).status_code == 200

    response = check(client)

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "You have checked too many files in a short time" in response.content.decode()


def test_another_address_can_still_check(client):
    for _ in range(11):
        check(client)

    response = check(client, REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 200


def test_looking_at_the_page_is_not_counted(client):
    for _ in range(11):
        assert client.get(CHECK).status_code == 200
    assert check(client).status_code == 200


def test_the_rate_is_a_setting(client, settings):
    settings.OUTCOME_CHECK_RATE = "2/m"
    check(client)
    check(client)

    assert check(client).status_code == 429


def test_when_every_slot_is_taken_the_check_is_turned_away_without_a_child(
    client, settings, children_started
):
    settings.OUTCOME_CHECK_CONCURRENCY = 2
    with (
        server_slot("outcome-check", slots=2, expiry_seconds=60) as first,
        server_slot("outcome-check", slots=2, expiry_seconds=60) as second,
    ):
        assert first and second
        response = check(client, make_pdf([["An outcome."]]))

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "The service is busy checking other files" in response.content.decode()
    assert children_started == []


def test_a_finished_check_gives_its_slot_back(client, settings, children_started):
    settings.OUTCOME_CHECK_CONCURRENCY = 1

    assert check(client, make_pdf([["An outcome."]])).status_code == 200
    assert check(client, make_pdf([["Another outcome."]])).status_code == 200
    assert len(children_started) == 2


def test_a_slot_held_by_a_process_that_died_frees_itself(settings):
    with server_slot("outcome-check", slots=1, expiry_seconds=0.05) as taken:
        assert taken
        time.sleep(0.1)
        with server_slot("outcome-check", slots=1, expiry_seconds=60) as next_one:
            assert next_one
