"""The board's dashboard: figures counted by the database, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review
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
    assert [g.code for g in gaps] == ["2.1", "1.2"]


def test_most_common_gaps_rank_not_met_above_partially_met(cycle, rita, mo):
    # 1.1: one Not met (2 points); 1.2: two Partially met (2 points, fewer Not met);
    # 1.3: one Partially met; 3.5: one Not met and one Partially met (3 points).
    counted_review(
        agency=AgencyFactory(),
        cycle=cycle,
        reviewer=rita,
        moderator=mo,
        ratings={"1.1": "not_met", "1.2": "partially_met", "3.5": "not_met"},
    )
    counted_review(
        agency=AgencyFactory(),
        cycle=cycle,
        reviewer=rita,
        moderator=mo,
        ratings={"1.2": "partially_met", "1.3": "partially_met", "3.5": "partially_met"},
    )
    gaps = figures.common_gaps(figures.ratings_by_expectation([cycle]))
    assert [g.code for g in gaps] == ["3.5", "1.1", "1.2", "1.3"]


def test_the_dashboard_says_how_gaps_are_ranked(charlie_client, cycle, northgate_review):
    page = charlie_client.get(reverse("summaries:dashboard", args=[cycle.pk])).content.decode()
    assert "each Not met counts 2 and each Partially met counts 1" in page
    gaps = page[page.index('id="gaps"') :]
    assert gaps.index("<strong>2.1</strong>: 1 Not met, 0 Partially met") < gaps.index(
        "<strong>1.2</strong>: 0 Not met, 1 Partially met"
    )


def _two_cycles(framework):
    before = make_cycle(agencies=[], name="2025 review", framework=framework)
    before.opens_on = datetime.date(2025, 1, 1)
    before.closes_on = datetime.date(2025, 12, 31)
    before.save()
    return before, make_cycle(agencies=[], name="2026 review", framework=framework)


def test_change_since_the_previous_cycle_counts_only_agencies_in_both(framework, rita, mo):
    before, now = _two_cycles(framework)
    agencies = [AgencyFactory(name=f"Agency {n}") for n in range(4)]
    for agency in agencies[:3]:
        counted_review(agency=agency, cycle=before, reviewer=rita, moderator=mo, ratings="not_met")
        counted_review(
            agency=agency, cycle=now, reviewer=rita, moderator=mo, ratings={"1.1": "not_met"}
        )
    # Counted only this cycle: it must not move the comparison.
    counted_review(agency=agencies[3], cycle=now, reviewer=rita, moderator=mo)
    summary = figures.cycle_summary(now)
    assert summary.previous == [before]
    assert summary.change.agencies == 3 and summary.change.shown
    by_code = {c.label: c for c in summary.change_by_expectation}
    assert (by_code["1.1"].before, by_code["1.1"].after, by_code["1.1"].difference) == (
        0.0,
        0.0,
        0.0,
    )
    assert by_code["1.2"].difference == 100.0
    assert [c.label for c in summary.change_by_agency] == ["Agency 0", "Agency 1", "Agency 2"]
    assert {(c.before, c.after) for c in summary.change_by_agency} == {(0.0, 93.3)}


def test_no_change_is_shown_for_too_few_agencies_in_both_cycles(
    charlie_client, framework, rita, mo
):
    before, now = _two_cycles(framework)
    agencies = [AgencyFactory() for _ in range(3)]
    for agency in agencies:
        counted_review(agency=agency, cycle=before, reviewer=rita, moderator=mo, ratings="not_met")
    counted_review(agency=agencies[0], cycle=now, reviewer=rita, moderator=mo)
    summary = figures.cycle_summary(now)
    assert summary.change.agencies == 1
    assert not summary.change.shown
    assert summary.change_by_expectation == [] and summary.change_by_agency == []
    page = charlie_client.get(reverse("summaries:dashboard", args=[now.pk])).content.decode()
    assert "only 1 agency was counted in both 2026 review and 2025 review" in page
    assert f"at least {figures.MIN_AGENCIES_TO_COMPARE} agencies" in page
    assert "Change per expectation" not in page and "+100" not in page


def test_the_change_table_says_which_agencies_it_compares_and_what_a_dash_means(
    charlie_client, framework, rita, mo
):
    before, now = _two_cycles(framework)
    for _ in range(3):
        agency = AgencyFactory()
        for cycle in (before, now):
            counted_review(agency=agency, cycle=cycle, reviewer=rita, moderator=mo)
    page = charlie_client.get(reverse("summaries:dashboard", args=[now.pk])).content.decode()
    assert "counting only the 3 agencies whose reviews were counted in both" in page
    assert "A dash (–) means there is no share to compare" in page


def test_dashboard_shows_charts_tables_and_text_alternatives(
    charlie_client, cycle, northgate_review, southport_review
):
    page = charlie_client.get(reverse("summaries:dashboard", args=[cycle.pk])).content.decode()
    assert page.count("<svg") == 2
    assert 'role="img"' in page and '<title id="ratings-title">' in page
    assert "Most serious gaps: 2.1 with 1 not met and 0 partially met" in page
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


def test_coverage_counts_reviews_open_for_reply_in_their_own_row(cycle, rita, mo):
    reviews = [
        counted_review(
            agency=AgencyFactory(), cycle=cycle, reviewer=rita, moderator=mo, state=state
        )
        for state in ("submitted", "in_reply", "in_reply", "in_reply", "outcome_issued")
    ]
    # One reply has closed: its findings are final and its outcome is being prepared.
    Review.objects.filter(pk=reviews[3].pk).update(reply_closed_at=timezone.now())
    coverage = figures.coverage([cycle])
    rows = dict(coverage.rows())
    assert rows["Open for reply"] == 2
    assert rows["Signed off, outcome not yet issued"] == 1
    buckets = (
        "Assigned, not started",
        "In progress (including returned)",
        "Submitted, waiting for moderation",
        "Open for reply",
        "Signed off, outcome not yet issued",
        "Outcome issued",
    )
    # Every live review is in exactly one state's row.
    assert sum(rows[label] for label in buckets) == rows["Reviews assigned"] == 5
    counted = rows["Counted in these figures (signed off or outcome issued)"]
    assert counted == figures.counted_reviews([cycle]).count() == 2
