"""The service navigation: one item is active on every signed-in page, and a phone gets a Menu."""

import re

import pytest
from django.test import Client

from reviews.models import Review

from .factories import AgencyFactory, lscb_framework, make_cycle, make_review
from .summaries.helpers import counted_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(northgate, southport, charlie, rita, mo):
    """The objects the pages are about: a cycle, a review being worked on, signed-off ones."""
    cycle = make_cycle(agencies=[northgate, southport], framework=lscb_framework())
    in_progress = make_review(
        agency=southport, reviewer=rita, moderator=mo, admin=charlie, cycle=cycle
    )
    signed_off = counted_review(agency=northgate, cycle=cycle, reviewer=rita, moderator=mo)
    submitted = counted_review(
        agency=AgencyFactory(name="Eastbrook Health Trust"),
        cycle=cycle,
        reviewer=rita,
        moderator=mo,
        state=Review.State.SUBMITTED,
    )
    framework = cycle.framework
    return {
        "cycle": cycle.pk,
        "review": in_progress.pk,
        "signed_off": signed_off.pk,
        "submitted": submitted.pk,
        "framework": f"{framework.code}/{framework.version}",
    }


# Who looks, at which page, and which item should be the active one.
PAGES = [
    ("charlie", "/", "Home"),
    ("charlie", "/policies/", "Policies"),
    ("charlie", "/frameworks/", "Frameworks"),
    ("charlie", "/frameworks/{framework}/", "Frameworks"),
    ("charlie", "/reviews/", "Reviews"),
    ("charlie", "/cycles/", "Review cycles"),
    ("charlie", "/cycles/new/", "Review cycles"),
    ("charlie", "/cycles/{cycle}/", "Review cycles"),
    ("charlie", "/reviews/{review}/manage/", "Review cycles"),
    ("charlie", "/summaries/dashboard/", "Dashboard"),
    ("charlie", "/summaries/dashboard/cycles/{cycle}/", "Dashboard"),
    ("charlie", "/summaries/actions/all/", "Dashboard"),
    ("charlie", "/summaries/exports/", "Exports"),
    ("charlie", "/summaries/messages/", "Messages"),
    ("charlie", "/audit/", "Audit trail"),
    ("charlie", "/outcomes/check/", "Reviews"),
    ("rita", "/", "Home"),
    ("rita", "/reviews/", "Reviews"),
    ("rita", "/reviews/{review}/", "Reviews"),
    ("rita", "/reviews/{review}/section/1/", "Reviews"),
    ("rita", "/reviews/{review}/outcome/", "Reviews"),
    ("rita", "/reviews/{review}/check/", "Reviews"),
    ("mo", "/reviews/{submitted}/moderate/", "Reviews"),
    ("alice", "/", "Home"),
    ("alice", "/policies/", "Policies"),
    ("alice", "/reviews/", "Reviews"),
    ("alice", "/summaries/actions/", "Action plan"),
    ("alice", "/summaries/actions/reviews/{signed_off}/", "Action plan"),
    ("alice", "/summaries/comparison/{signed_off}/", "Action plan"),
    ("alice", "/summaries/messages/", "Messages"),
    ("alice", "/no-such-page/", "Home"),
]


ACTIVE_ITEM = re.compile(
    r'<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
    r"(.*?)</li>",
    re.S,
)


def active_items(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", item).strip() for item in ACTIVE_ITEM.findall(html)]


@pytest.mark.parametrize(("person", "page", "expected"), PAGES)
def test_exactly_one_navigation_item_is_active_on_every_page(
    request, places, person, page, expected
):
    client = Client()
    client.force_login(request.getfixturevalue(person))
    response = client.get(page.format(**places))
    assert response.status_code in (200, 404), response.status_code
    html = response.content.decode()
    assert active_items(html) == [expected]
    assert html.count("aria-current=") == 1


def test_the_active_item_is_the_current_page_only_on_the_item_s_own_page(charlie_client, places):
    own = charlie_client.get("/cycles/").content.decode()
    assert 'href="/cycles/" aria-current="page"' in own
    below = charlie_client.get(f"/cycles/{places['cycle']}/").content.decode()
    assert 'href="/cycles/" aria-current="true"' in below


def test_a_phone_gets_a_menu_button_that_shows_and_hides_the_navigation(alice_client):
    html = alice_client.get("/").content.decode()
    assert 'data-module="govuk-service-navigation"' in html
    assert re.search(
        r'<button type="button" class="govuk-service-navigation__toggle '
        r'govuk-js-service-navigation-toggle" aria-controls="navigation" hidden aria-hidden="true">'
        r"\s*Menu\s*</button>",
        html,
    )
    assert '<ul class="govuk-service-navigation__list" id="navigation">' in html


def test_board_only_items_are_not_shown_to_agency_members(alice_client, charlie_client):
    alice_sees = alice_client.get("/").content.decode()
    assert "Action plan" in alice_sees
    assert "Audit trail" not in alice_sees and "Review cycles" not in alice_sees
    charlie_sees = charlie_client.get("/").content.decode()
    assert "Audit trail" in charlie_sees and "Agencies and people" in charlie_sees
    assert "Action plan" not in charlie_sees


def test_the_sign_in_page_has_no_service_navigation(client):
    assert "govuk-service-navigation" not in client.get("/sign-in/").content.decode()
