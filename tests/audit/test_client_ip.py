"""Where a request came from: REMOTE_ADDR, or behind trusted proxies the address the outermost
one saw, never what the client writes into X-Forwarded-For itself."""

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_ratelimit import core

from audit.models import AuditEvent
from audit.services import client_ip


def request(remote="10.0.0.2", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return SimpleNamespace(META=meta)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy: the header is the client's say-so
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's own entry is ignored
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer entries than proxies: not trusted
        (1, "not-an-address", "10.0.0.2"),
        (1, None, "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_address_is_what_the_outermost_trusted_proxy_saw(settings, proxies, forwarded, address):
    settings.TRUSTED_PROXIES = proxies
    assert client_ip(request(forwarded=forwarded)) == address


@pytest.mark.parametrize("value", ["-1", "11"])
def test_an_absurd_number_of_proxies_stops_the_service_starting(value):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            **os.environ,
            "TRUSTED_PROXIES": value,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
        },
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"TRUSTED_PROXIES is {value}: give a number from 0 to 10." in result.stderr


def test_no_request_has_no_address():
    assert client_ip(None) is None


@pytest.mark.django_db
def test_behind_a_proxy_people_are_limited_and_audited_by_their_own_address(
    settings, client, monkeypatch
):
    """Every request reaches the app from the proxy: one person's checks must not use up
    everyone's, and the audit trail records the person's address."""
    settings.TRUSTED_PROXIES = 1
    monkeypatch.setattr(core, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))

    def check(address):
        return client.post(
            "/outcomes/check/",
            {"file": SimpleUploadedFile("outcome.pdf", b"not a pdf at all")},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{len(address)}, {address}",
        )

    for _ in range(10):
        assert check("203.0.113.9").status_code == 200
    assert check("203.0.113.9").status_code == 429
    assert check("203.0.113.10").status_code == 200

    client.post(
        "/sign-in/",
        {"username": "nobody@example.test", "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.44",
    )
    failed = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED).latest("pk")
    assert failed.ip_address == "203.0.113.44"
