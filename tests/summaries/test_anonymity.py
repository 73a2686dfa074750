"""Agency members see their own results and an anonymised board-wide picture: no page of
theirs names another agency or shows one agency's figures."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from summaries.models import Action

from ..factories import AgencyFactory
from .helpers import counted_review

pytestmark = pytest.mark.django_db

OTHERS = ["Southport Police", "Eastfield Academy", "Westmoor Trust", "Harbour Health", "Lantern"]


@pytest.fixture
def board(cycle, northgate_review, southport_review, rita, mo):
    """Six agencies with signed-off reviews: Northgate and five others."""
    for name in OTHERS[1:]:
        counted_review(
            agency=AgencyFactory(name=name),
            cycle=cycle,
            reviewer=rita,
            moderator=mo,
            ratings={"1.2": "not_met"},
        )
    return cycle


def agency_pages(client, review):
    finding = review.findings.get(expectation__code="1.2")
    action = Action.objects.create(
        finding=finding,
        review=review,
        agency=review.agency,
        description="Write the section",
        owner="Lead",
        due_on=timezone.localdate() + datetime.timedelta(days=9),
    )
    urls = [
        reverse("summaries:actions"),
        reverse("summaries:review_actions", args=[review.pk]),
        reverse("summaries:action_new", args=[finding.pk]),
        action.get_absolute_url(),
        reverse("summaries:comparison", args=[review.pk]),
        reverse("summaries:messages"),
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def test_the_comparison_shows_own_ratings_and_board_wide_shares(
    alice_client, board, northgate_review
):
    page = alice_client.get(reverse("summaries:comparison", args=[northgate_review.pk]))
    html = page.content.decode()
    assert "all 6 agencies" in html
    # 1.2: Northgate partially met, Southport met, four others not met.
    row = html.split('<th scope="row" class="govuk-table__header">1.2<')[1].split("</tr>")[0]
    assert "Partially met" in row
    assert [cell.split("%")[0].split(">")[-1] for cell in row.split("numeric")[1:]] == [
        "17",
        "17",
        "67",
        "0",
    ]


def test_the_comparison_gives_each_expectations_text(alice_client, board, northgate_review):
    html = alice_client.get(reverse("summaries:comparison", args=[northgate_review.pk]))
    html = html.content.decode()
    for expectation in northgate_review.framework.expectations.all():
        assert escape(expectation.text) in html, expectation.code


def test_the_withheld_comparison_still_gives_each_expectations_text(alice_client, northgate_review):
    html = alice_client.get(reverse("summaries:comparison", args=[northgate_review.pk]))
    html = html.content.decode()
    assert "shown once at least 5 agencies" in html
    for expectation in northgate_review.framework.expectations.all():
        assert escape(expectation.text) in html, expectation.code


def test_no_agency_page_names_another_agency(alice_client, board, northgate_review):
    for url, html in agency_pages(alice_client, northgate_review).items():
        for name in OTHERS:
            assert name not in html, f"{name} appears on {url}"


def test_with_few_agencies_the_board_wide_picture_is_withheld(
    alice_client, northgate_review, southport_review
):
    html = alice_client.get(reverse("summaries:comparison", args=[northgate_review.pk]))
    html = html.content.decode()
    assert "shown once at least 5 agencies" in html
    assert "board-wide</th>" not in html and "<svg" not in html
    assert "Southport" not in html


def test_another_agencys_comparison_is_not_found(bob_client, board, northgate_review):
    url = reverse("summaries:comparison", args=[northgate_review.pk])
    assert bob_client.get(url).status_code == 404


def test_the_latest_comparison_opens_the_agencys_own_review(alice_client, board, northgate_review):
    response = alice_client.get(reverse("summaries:comparison_latest"))
    assert response.url == reverse("summaries:comparison", args=[northgate_review.pk])
