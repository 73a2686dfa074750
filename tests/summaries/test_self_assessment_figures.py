"""Agencies' own ratings against the board's: the dashboard's comparison, the exports' columns
and the reminders to assess."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from reviews.models import Finding
from summaries.models import SentReminder
from summaries.self_assessment_figures import self_assessment_comparison
from summaries.services.reminders import reminders_send_due

from ..factories import make_self_assessment
from .test_exports import build

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 6, 15)


@pytest.fixture
def assessed(cycle, northgate, alice, northgate_review, southport_review):
    """Northgate rated itself Met on everything but 3.1 (Not met); the board found 1.2 partially
    met and 2.1 not met, and challenged Northgate's 2.1."""
    make_self_assessment(cycle=cycle, agency=northgate, member=alice, ratings={"3.1": "not_met"})
    Finding.objects.filter(review=northgate_review, expectation__code="2.1").update(
        self_assessment_view="challenge",
        self_assessment_comment="Nothing in the policy covers contact online.",
    )
    return cycle


def test_the_comparison_counts_where_the_agency_rated_itself_higher(assessed):
    comparison = self_assessment_comparison([assessed])
    (northgate,) = comparison.by_agency  # Southport did not assess itself
    total = assessed.framework.expectations.count()
    assert (northgate.agency, northgate.compared) == ("Northgate Council", total)
    assert (northgate.higher, northgate.lower, northgate.same) == (2, 1, total - 3)
    assert northgate.challenged == 1
    assert [(o.code, o.own, o.board) for o in northgate.overrated] == [
        ("1.2", "Met", "Partially met"),
        ("2.1", "Met", "Not met"),
    ]
    by_code = {row.code: row for row in comparison.by_expectation}
    assert (by_code["2.1"].higher, by_code["3.1"].lower, by_code["1.1"].same) == (1, 1, 1)


def test_the_dashboard_shows_the_comparison_per_agency(assessed, charlie_client):
    assessed.self_assessment_due_on = DUE
    assessed.save(update_fields=["self_assessment_due_on"])
    page = charlie_client.get(reverse("summaries:dashboard", args=[assessed.pk])).content
    page = page.decode()
    assert "Self-assessed against the board's ratings" in page
    assert "1.2: Met (board: Partially met); 2.1: Met (board: Not met)" in page


def test_a_cycle_without_self_assessment_shows_no_comparison(cycle, charlie_client):
    page = charlie_client.get(reverse("summaries:dashboard", args=[cycle.pk])).content.decode()
    assert "Self-assessed against" not in page


def test_the_csv_carries_both_ratings_and_the_challenge(assessed, charlie):
    export = build("csv", by=charlie, cycle=assessed)
    rows = list(csv.DictReader(io.StringIO(export.file.open("rb").read().decode("utf-8-sig"))))
    northgate = {r["Expectation"]: r for r in rows if r["Agency"] == "Northgate Council"}
    assert (northgate["2.1"]["Rating"], northgate["2.1"]["Agency's own rating"]) == (
        "Not met",
        "Met",
    )
    assert northgate["2.1"]["Reviewer's view of the agency's rating"] == "Challenges"
    assert northgate["2.1"]["Why the reviewer challenged it"] == (
        "Nothing in the policy covers contact online."
    )
    assert northgate["1.1"]["Agency's quote"].startswith("Staff must not befriend")
    assert northgate["1.1"]["Agency's page"] == "1"
    southport = [r for r in rows if r["Agency"] == "Southport Police"]
    assert southport and {r["Agency's own rating"] for r in southport} == {""}


def test_the_workbook_carries_both_ratings(assessed, charlie):
    export = build("xlsx", by=charlie, cycle=assessed)
    sheet = openpyxl.load_workbook(export.file.open("rb"))["Findings"]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    own = header.index("Agency's own rating")
    found = {(r[1], r[7]): r for r in rows}
    assert found[("Northgate Council", "3.1")][own] == "Not met"
    assert found[("Northgate Council", "3.1")][header.index("Rating")] == "Met"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def go(today):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders_send_due(today=today)

    return go


def test_members_are_reminded_before_the_deadline_once_per_threshold(run, cycle, alice, bob):
    cycle.self_assessment_due_on = DUE
    cycle.save(update_fields=["self_assessment_due_on"])
    run(DUE - datetime.timedelta(days=7))
    run(DUE - datetime.timedelta(days=6))
    sent = SentReminder.objects.filter(kind=SentReminder.Kind.SELF_ASSESSMENT_DUE)
    assert sorted(r.recipient.email for r in sent) == ["alice@northgate.test", "bob@southport.test"]
    to_alice = [m for m in mail.outbox if m.to == ["alice@northgate.test"]]
    assert len(to_alice) == 1
    assert to_alice[0].subject == f"Self-assessment due on 15 June 2026: {cycle.name}"
    assert "Northgate Council's self-assessment" in to_alice[0].body


def test_a_submitted_or_closed_self_assessment_is_not_reminded(run, cycle, northgate, alice):
    cycle.self_assessment_due_on = DUE
    cycle.save(update_fields=["self_assessment_due_on"])
    make_self_assessment(cycle=cycle, agency=northgate, member=alice)
    run(DUE - datetime.timedelta(days=1))
    run(DUE + datetime.timedelta(days=1))
    recipients = SentReminder.objects.filter(
        kind=SentReminder.Kind.SELF_ASSESSMENT_DUE
    ).values_list("recipient__email", flat=True)
    assert "alice@northgate.test" not in recipients
