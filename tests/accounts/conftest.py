"""A real OpenID provider (the npm package oidc-provider) run by Node for the sign-in tests."""

import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from accounts.oidc import provider_configuration_forget

PROVIDER_SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "policy-review"
CLIENT_SECRET = "test-client-secret-not-secret"
CALLBACKS = ["http://testserver/oidc/callback/"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def openid_provider():
    node = shutil.which("node")
    if node is None:
        pytest.fail("The organisation sign-in tests need Node (and `npm ci`).")
    port = _free_port()
    process = subprocess.Popen(
        [node, str(PROVIDER_SCRIPT)],
        cwd=PROVIDER_SCRIPT.parent,
        env={
            "PATH": "/usr/bin:/bin",
            "OIDC_TEST_PORT": str(port),
            "OIDC_TEST_CLIENT_ID": CLIENT_ID,
            "OIDC_TEST_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_TEST_REDIRECT_URIS": " ".join(CALLBACKS),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("ready "):
            pytest.fail(f"The test OpenID provider did not start: {line!r}")
        yield line.split()[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def organisation_sign_in_on(settings, openid_provider):
    """The service configured for the test provider, as the environment would configure it."""
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_DISCOVERY_URL = f"{openid_provider}/.well-known/openid-configuration"
    settings.OIDC_PROVIDER_NAME = "Test provider"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "accounts.oidc.OrganisationAccountBackend",
    ]
    provider_configuration_forget()
    yield openid_provider
    provider_configuration_forget()


class OrganisationAccount:
    """Signs a person in at the provider, as their browser would, and comes back."""

    def __init__(self, settings):
        self.settings = settings

    def start(self, client, who: str, next_url: str = ""):
        # The test provider signs in whoever the service names in login_hint.
        self.settings.OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"login_hint": who}
        response = client.get("/oidc/authenticate/" + (f"?next={next_url}" if next_url else ""))
        assert response.status_code == 302, response
        return response["Location"]

    def at_provider(self, location: str) -> str:
        """Follow the provider's redirects until it sends the browser back to the service."""
        browser = requests.Session()
        for _ in range(10):
            if location.startswith("http://testserver/"):
                return location.removeprefix("http://testserver")
            response = browser.get(location, allow_redirects=False, timeout=10)
            assert response.status_code in (302, 303), response.text
            location = urljoin(location, response.headers["Location"])
        raise AssertionError("The provider never sent the browser back.")

    def sign_in(self, client, who: str, next_url: str = ""):
        return client.get(self.at_provider(self.start(client, who, next_url)))


@pytest.fixture
def organisation_account(settings, organisation_sign_in_on):
    return OrganisationAccount(settings)
