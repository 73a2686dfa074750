"""Fixed people with known access, as in the product's own words.

alice is a member of Northgate Council, bob of Southport Police; charlie is the board admin;
rita reviews and mo moderates.
"""

import pytest
from django.core.cache import cache
from django.test import Client

from policies.models import Agency

from .factories import AgencyFactory, UserFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rendered parts of pages are cached by row ids, which a later test's rows may reuse."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media_files(settings):
    """The files under the media root, for checking that nothing was left behind."""

    def listing() -> list:
        return sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())

    return listing


@pytest.fixture
def northgate(db):
    return AgencyFactory(name="Northgate Council", sector=Agency.Sector.LOCAL_AUTHORITY)


@pytest.fixture
def southport(db):
    return AgencyFactory(name="Southport Police", sector=Agency.Sector.POLICE)


@pytest.fixture
def alice(northgate):
    return UserFactory(email="alice@northgate.test", full_name="Alice Archer", agency=northgate)


@pytest.fixture
def bob(southport):
    return UserFactory(email="bob@southport.test", full_name="Bob Baker", agency=southport)


@pytest.fixture
def charlie(db):
    return UserFactory(email="charlie@board.test", full_name="Charlie Chen", is_board_admin=True)


@pytest.fixture
def rita(db):
    return UserFactory(email="rita@board.test", full_name="Rita Reyes", is_reviewer=True)


@pytest.fixture
def mo(db):
    return UserFactory(email="mo@board.test", full_name="Mo Moreau", is_moderator=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice):
    return _client_for(alice)


@pytest.fixture
def bob_client(bob):
    return _client_for(bob)


@pytest.fixture
def charlie_client(charlie):
    return _client_for(charlie)


@pytest.fixture
def rita_client(rita):
    return _client_for(rita)
