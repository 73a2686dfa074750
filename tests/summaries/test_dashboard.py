"""The board's dashboard: figures counted by the database, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from summaries import figures
from summaries.models import Action

from ..factories import AgencyFactory, UserFactory, make_cycle
from .helpers import counted_review

pytestmark = pytest.mark.django_db


def test_coverage_counts_each_state_and_overdue(cycle, framework, rita, mo):
    past = timezone.localdate() - datetime.timedelta(days=3)
    for state in ("assigned", "in_progress", "returned", "submitted", "signed_off"):
        counted_review(
            agency=AgencyFactory(), cycle=cycle, reviewer=rita, moderator=mo, state=state
        )
    counted_review(
        agency=AgencyFactory(),
        cycle=cycle,
        reviewer=rita,
        moderator=mo,
        state="in_progress",
        due_on=past,
    )
    counted_review(
        agency=AgencyFactory(), cycle=cycle, reviewer=rita, moderator=mo, state="outcome_issued"
    )
    counted_review(
        agency=AgencyFactory(), cycle=cycle, reviewer=rita, moderator=mo, state="withdrawn"
    )
    coverage = figures.coverage([cycle])
    # Northgate and Southport are in scope with no review; eight more agencies were added.
    assert coverage.in_scope == 10
    assert coverage.assigned == 7
    assert coverage.not_assigned == 3
    assert (coverage.not_started, coverage.in_progress, coverage.submitted) == (1, 3, 1)
    assert (coverage.signed_off, coverage.outcome_issued, coverage.overdue) == (1, 1, 1)


def test_only_signed_off_reviews_count_in_ratings(cycle, northgate_review, southport, rita, mo):
    counted_review(
        agency=southport,
        cycle=cycle,
        reviewer=rita,
        moderator=mo,
        state="submitted",
        ratings="not_met",
    )
    rows = {row.code: row for row in figures.ratings_by_expectation([cycle])}
    assert rows["1.2"].counts == {"partially_met": 1}
    assert rows["2.1"].counts == {"not_met": 1}
    assert rows["1.1"].counts == {"met": 1}
    assert sum(row.total for row in rows.values()) == 15
    gaps = figures.common_gaps(list(rows.values()))
    assert [g.code for g in gaps] == ["1.2", "2.1"]


def test_change_since_the_previous_cycle(framework, northgate, rita, mo):
    before = make_cycle(agencies=[northgate], name="2025 review", framework=framework)
    before.opens_on = datetime.date(2025, 1, 1)
    before.closes_on = datetime.date(2025, 12, 31)
    before.save()
    now = make_cycle(agencies=[northgate], name="2026 review", framework=framework)
    counted_review(agency=northgate, cycle=before, reviewer=rita, moderator=mo, ratings="not_met")
    counted_review(
        agency=northgate, cycle=now, reviewer=rita, moderator=mo, ratings={"1.1": "not_met"}
    )
    summary = figures.cycle_summary(now)
    assert summary.previous == [before]
    by_code = {c.label: c for c in summary.change_by_expectation}
    assert (by_code["1.1"].before, by_code["1.1"].after, by_code["1.1"].difference) == (
        0.0,
        0.0,
        0.0,
    )
    assert by_code["1.2"].difference == 100.0
    (agency,) = summary.change_by_agency
    assert (agency.label, agency.before, agency.after) == ("Northgate Council", 0.0, 93.3)


def test_dashboard_shows_charts_tables_and_text_alternatives(
    charlie_client, cycle, northgate_review, southport_review
):
    page = charlie_client.get(reverse("summaries:dashboard", args=[cycle.pk])).content.decode()
    assert page.count("<svg") == 2
    assert 'role="img"' in page and '<title id="ratings-title">' in page
    assert "Most gaps: 1.2 with 1 partially met or not met" in page
    assert 'id="heat-map-table"' in page and "Partially met" in page
    assert "Southport Police" in page and "Northgate Council" in page


def test_agency_member_cannot_open_the_dashboard(alice_client, cycle):
    assert alice_client.get(reverse("summaries:dashboard", args=[cycle.pk])).status_code == 403


def _build(cycle, count, rita, mo):
    for n in range(count):
        review = counted_review(
            agency=AgencyFactory(),
            cycle=cycle,
            reviewer=rita,
            moderator=mo,
            ratings={"1.2": "partially_met", "3.3": "not_met"} if n % 2 else "met",
        )
        if n % 2:
            finding = review.findings.get(expectation__code="1.2")
            Action.objects.create(
                finding=finding,
                review=review,
                agency=review.agency,
                description="Fix",
                owner="Lead",
                due_on=datetime.date(2026, 1, 1),
            )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_agencies(charlie_client, framework, rita, mo):
    small = make_cycle(agencies=[], name="Small", framework=framework)
    large = make_cycle(agencies=[], name="Large", framework=framework)
    _build(small, 3, rita, mo)
    _build(large, 24, rita, mo)
    url = "summaries:dashboard"
    small_count = _queries(charlie_client, reverse(url, args=[small.pk]))
    large_count = _queries(charlie_client, reverse(url, args=[large.pk]))
    assert small_count == large_count
    assert figures.action_figures([large]).outstanding == 12
    assert figures.coverage([large]).signed_off == 24


def test_a_reviewer_sees_no_dashboard(cycle):
    reviewer = UserFactory(is_reviewer=True)
    from django.test import Client

    client = Client()
    client.force_login(reviewer)
    assert client.get(reverse("summaries:dashboard_index")).status_code == 403
