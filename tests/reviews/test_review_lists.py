"""The Reviews page: every review for a board admin, filtered and paged; each person's own lists
for reviewers, moderators and agencies; and the way back from a review to where it was listed."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ..factories import AgencyFactory, UserFactory, lscb_framework, make_cycle
from ..summaries.helpers import counted_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    return lscb_framework()


@pytest.fixture
def cycle(framework, northgate, southport):
    return make_cycle(agencies=[northgate, southport], framework=framework)


@pytest.fixture
def last_year(framework):
    cycle = make_cycle(agencies=[], name="2025 social media policy review", framework=framework)
    cycle.opens_on, cycle.closes_on = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    cycle.save(update_fields=["opens_on", "closes_on"])
    return cycle


@pytest.fixture
def mo_client(mo):
    client = Client()
    client.force_login(mo)
    return client


def listed(response) -> list[str]:
    """The agencies of the reviews on the board admin's list, in order."""
    return [review.agency.name for review in response.context["all_reviews"].object_list]


def test_board_admin_sees_every_review_on_the_reviews_page(
    charlie_client, cycle, last_year, northgate, southport, rita, mo
):
    counted_review(agency=northgate, cycle=cycle, reviewer=rita, moderator=mo, state="assigned")
    counted_review(agency=southport, cycle=cycle, reviewer=rita, moderator=mo)
    counted_review(agency=northgate, cycle=last_year, reviewer=rita, moderator=mo)
    response = charlie_client.get("/reviews/")
    assert listed(response) == ["Northgate Council", "Southport Police", "Northgate Council"]
    page = response.content.decode()
    assert "3 reviews" in page
    assert "2025 social media policy review" in page


def test_board_admin_with_no_reviews_yet_is_told_so(charlie_client):
    assert "No reviews have been assigned yet." in charlie_client.get("/reviews/").content.decode()


@pytest.fixture
def spread(cycle, last_year, northgate, southport, rita, mo):
    """Reviews across two cycles, two agencies, two reviewers and several states."""
    rachel = UserFactory(full_name="Rachel Roe", is_reviewer=True)
    overdue = timezone.localdate() - datetime.timedelta(days=2)
    counted_review(
        agency=northgate,
        cycle=cycle,
        reviewer=rita,
        moderator=mo,
        state="in_progress",
        due_on=overdue,
    )
    counted_review(agency=southport, cycle=cycle, reviewer=rachel, moderator=mo, state="submitted")
    counted_review(agency=northgate, cycle=last_year, reviewer=rachel, moderator=mo)
    counted_review(agency=southport, cycle=last_year, reviewer=rita, moderator=mo, due_on=overdue)
    return {"rachel": rachel}


def test_filtering_by_cycle(charlie_client, spread, last_year):
    response = charlie_client.get("/reviews/", {"cycle": last_year.pk})
    assert listed(response) == ["Northgate Council", "Southport Police"]
    assert "2 reviews match your filters" in response.content.decode()


def test_filtering_by_state(charlie_client, spread):
    assert listed(charlie_client.get("/reviews/", {"state": "submitted"})) == ["Southport Police"]


def test_filtering_by_agency(charlie_client, spread, northgate):
    response = charlie_client.get("/reviews/", {"agency": northgate.pk})
    assert listed(response) == ["Northgate Council", "Northgate Council"]


def test_filtering_by_reviewer(charlie_client, spread, cycle):
    response = charlie_client.get("/reviews/", {"reviewer": spread["rachel"].pk})
    assert [r.reviewer.full_name for r in response.context["all_reviews"].object_list] == [
        "Rachel Roe",
        "Rachel Roe",
    ]


def test_overdue_means_still_with_the_reviewer_after_the_due_date(charlie_client, spread):
    # Southport's review last year was due two days ago but is signed off, so is not overdue.
    response = charlie_client.get("/reviews/", {"overdue": "on"})
    assert listed(response) == ["Northgate Council"]
    assert "Overdue</strong>" in response.content.decode()


def test_filters_combine(charlie_client, spread, cycle, southport):
    response = charlie_client.get("/reviews/", {"cycle": cycle.pk, "agency": southport.pk})
    assert listed(response) == ["Southport Police"]
    none = charlie_client.get("/reviews/", {"cycle": cycle.pk, "state": "outcome_issued"})
    assert "No reviews match your filters." in none.content.decode()


def test_a_filter_value_not_in_the_list_is_explained(charlie_client, spread):
    response = charlie_client.get("/reviews/", {"state": "lost"})
    assert response.status_code == 200
    assert "Select a state from the list" in response.content.decode()


def test_the_list_is_paged_and_pages_keep_the_filters(charlie_client, monkeypatch, cycle, rita, mo):
    monkeypatch.setattr("reviews.views.cycles.REVIEWS_PER_PAGE", 2)
    for _ in range(5):
        counted_review(agency=AgencyFactory(), cycle=cycle, reviewer=rita, moderator=mo)
    response = charlie_client.get("/reviews/", {"cycle": cycle.pk, "page": 2})
    page = response.context["all_reviews"]
    assert (page.number, page.paginator.num_pages, len(page.object_list)) == (2, 3, 2)
    html = response.content.decode()
    assert "Page 2 of 3" in html
    assert f'href="?cycle={cycle.pk}&amp;page=3"' in html


def listing_queries(client: Client, url: str) -> tuple[int, int]:
    """How many queries the page ran, and how many reviews it listed."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(response.context["all_reviews"].object_list)


def add_reviews(cycle, count: int, *, mo) -> None:
    for _ in range(count):
        reviewer = UserFactory(is_reviewer=True)
        counted_review(
            agency=AgencyFactory(),
            cycle=cycle,
            reviewer=reviewer,
            moderator=mo,
            state="in_progress",
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )


@pytest.mark.parametrize("query", ["", "?overdue=on&state=in_progress"])
def test_the_reviews_page_runs_the_same_queries_for_2_or_30_reviews(
    charlie_client, cycle, mo, query
):
    add_reviews(cycle, 2, mo=mo)
    small, listed_small = listing_queries(charlie_client, f"/reviews/{query}")
    add_reviews(cycle, 28, mo=mo)
    large, listed_large = listing_queries(charlie_client, f"/reviews/{query}")
    assert (listed_small, listed_large) == (2, 30)
    assert large == small


def test_a_reviewer_sees_only_their_own_reviews_not_every_review(
    rita_client, cycle, northgate, southport, rita, mo
):
    counted_review(agency=northgate, cycle=cycle, reviewer=rita, moderator=mo, state="assigned")
    other = UserFactory(full_name="Rachel Roe", is_reviewer=True)
    counted_review(agency=southport, cycle=cycle, reviewer=other, moderator=mo, state="assigned")
    response = rita_client.get("/reviews/")
    assert "all_reviews" not in response.context
    assert [r.agency.name for r in response.context["to_review"]] == ["Northgate Council"]
    assert "Southport Police" not in response.content.decode()


def test_the_moderators_list_names_each_reviews_cycle(
    mo_client, cycle, last_year, northgate, rita, mo
):
    counted_review(agency=northgate, cycle=cycle, reviewer=rita, moderator=mo, state="submitted")
    counted_review(agency=northgate, cycle=last_year, reviewer=rita, moderator=mo)
    page = mo_client.get("/reviews/").content.decode()
    table = page.split("Reviews you moderate</caption>")[1].split("</table>")[0]
    assert '<th scope="col" class="govuk-table__header">Cycle</th>' in table
    assert "2026 social media policy review" in table
    assert "2025 social media policy review" in table


@pytest.fixture
def signed_off(cycle, northgate, rita, mo):
    return counted_review(agency=northgate, cycle=cycle, reviewer=rita, moderator=mo)


def back_link(response) -> str:
    html = response.content.decode()
    return html.split('class="govuk-back-link"')[0].rsplit("<a href=", 1)[1].strip('" ')


def test_an_agency_member_goes_back_from_a_review_to_the_reviews_page(alice_client, signed_off):
    listing = alice_client.get("/reviews/").content.decode()
    assert f'href="/reviews/{signed_off.pk}/"' in listing
    response = alice_client.get(f"/reviews/{signed_off.pk}/")
    assert back_link(response) == "/reviews/"
    assert "Back to reviews" in response.content.decode()


def test_from_the_action_plan_the_way_back_is_to_its_actions(alice_client, signed_off):
    response = alice_client.get(f"/reviews/{signed_off.pk}/", {"from": "actions"})
    assert back_link(response) == f"/summaries/actions/reviews/{signed_off.pk}/"


def test_an_address_given_as_the_way_back_is_never_used(alice_client, signed_off):
    response = alice_client.get(f"/reviews/{signed_off.pk}/", {"from": "https://evil.test/"})
    assert back_link(response) == "/reviews/"
    assert "evil.test" not in response.content.decode()


def test_a_board_admin_goes_back_from_a_review_to_the_reviews_page(charlie_client, signed_off):
    assert back_link(charlie_client.get(f"/reviews/{signed_off.pk}/")) == "/reviews/"
