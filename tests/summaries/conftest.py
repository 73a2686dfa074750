import pytest

from ..factories import lscb_framework, make_cycle
from .helpers import counted_review


@pytest.fixture
def framework(db):
    return lscb_framework()


@pytest.fixture
def cycle(framework, northgate, southport):
    return make_cycle(agencies=[northgate, southport], framework=framework)


@pytest.fixture
def northgate_review(cycle, northgate, rita, mo):
    """Northgate's signed-off review: 1.2 partially met, 2.1 not met, the rest met."""
    return counted_review(
        agency=northgate,
        cycle=cycle,
        reviewer=rita,
        moderator=mo,
        ratings={"1.2": "partially_met", "2.1": "not_met"},
    )


@pytest.fixture
def southport_review(cycle, southport, rita, mo):
    return counted_review(
        agency=southport, cycle=cycle, reviewer=rita, moderator=mo, ratings={"3.1": "not_met"}
    )
