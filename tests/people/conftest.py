import pytest

from ..factories import UserFactory


@pytest.fixture
def root(db):
    """The service's technical administrator."""
    return UserFactory(
        email="root@board.test",
        full_name="Sam Root",
        is_superuser=True,
        is_staff=True,
        is_board_admin=True,
    )
