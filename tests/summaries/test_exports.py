"""Exports: every figure in the workbook, the CSV and the PDF is recounted from the file and
compared with the database."""

import csv
import datetime
import io
from collections import Counter

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from reviews.models import Finding
from summaries import figures
from summaries.models import Action, Export
from summaries.services.exports import export_build_file, export_request

from ..factories import AgencyFactory, UserFactory, lscb_framework, make_cycle
from ..worker import running_worker, wait_for
from .helpers import counted_review

LABELS = dict(Finding.Rating.choices)


@pytest.fixture
def scope(cycle, northgate_review, southport_review, rita, mo):
    """Two counted reviews, one still in progress, one withdrawn, and two actions."""
    counted_review(
        agency=AgencyFactory(name="Eastfield Academy"),
        cycle=cycle,
        reviewer=rita,
        moderator=mo,
        state="in_progress",
        ratings="not_met",
    )
    counted_review(
        agency=AgencyFactory(name="Westmoor Trust"),
        cycle=cycle,
        reviewer=rita,
        moderator=mo,
        state="withdrawn",
        ratings="not_met",
    )
    finding = northgate_review.findings.get(expectation__code="2.1")
    Action.objects.create(
        finding=finding,
        review=northgate_review,
        agency=northgate_review.agency,
        description="Write a section on contact online.",
        owner="Head of Safeguarding",
        due_on=timezone.localdate() - datetime.timedelta(days=5),
    )
    Action.objects.create(
        finding=finding,
        review=northgate_review,
        agency=northgate_review.agency,
        description="Train staff.",
        owner="Training lead",
        due_on=timezone.localdate() + datetime.timedelta(days=5),
        status=Action.Status.DONE,
        done_note="All staff trained.",
    )
    return cycle


def build(export_format, *, by, cycle=None, year=None) -> Export:
    export = Export.objects.create(format=export_format, cycle=cycle, year=year, requested_by=by)
    export_build_file(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.READY, export.last_error
    return export


def db_ratings(cycles) -> Counter:
    return Counter(
        figures.counted_findings(cycles).values_list("expectation__code", "rating").iterator()
    )


@pytest.mark.django_db
def test_workbook_figures_equal_the_database(scope, charlie):
    export = build("xlsx", by=charlie, cycle=scope)
    workbook = openpyxl.load_workbook(export.file.path)
    assert workbook.sheetnames == ["Summary", "Agencies", "Expectations", "Findings", "Actions"]

    findings = workbook["Findings"]
    header = [c.value for c in findings[1]]
    assert findings.freeze_panes == "A2" and findings.auto_filter.ref.startswith("A1:")
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in findings.iter_rows(2)]
    recount = Counter((r["Expectation"], r["Rating"]) for r in rows)
    expected = Counter(
        {(code, LABELS[rating]): n for (code, rating), n in db_ratings([scope]).items()}
    )
    assert recount == expected
    assert {r["Agency"] for r in rows} == {"Northgate Council", "Southport Police"}
    assert all(isinstance(r["Signed off"], datetime.datetime) for r in rows)
    assert all(isinstance(r["Evidence page"], int) for r in rows if r["Rating"] != "Not met")

    expectations = {row[0].value: row for row in workbook["Expectations"].iter_rows(2)}
    db = db_ratings([scope])
    for code, row in expectations.items():
        met, partially, not_met, na, total = (c.value for c in row[2:7])
        assert (met, partially, not_met, na) == (
            db[(code, "met")],
            db[(code, "partially_met")],
            db[(code, "not_met")],
            db[(code, "not_applicable")],
        )
        assert total == met + partially + not_met + na

    agencies = {row[1].value: [c.value for c in row] for row in workbook["Agencies"].iter_rows(2)}
    assert set(agencies) == {"Northgate Council", "Southport Police"}
    northgate = agencies["Northgate Council"]
    assert northgate[6:12] == [13, 1, 1, 0, 1, 1]

    actions = [[c.value for c in row] for row in workbook["Actions"].iter_rows(2)]
    assert len(actions) == Action.objects.count() == 2
    overdue = {row[5]: row[9] for row in actions}
    assert overdue == {"Write a section on contact online.": True, "Train staff.": False}

    summary = {
        row[0].value: row[1].value for row in workbook["Summary"].iter_rows() if row[0].value
    }
    coverage = figures.coverage([scope])
    assert summary["Signed off"] == coverage.signed_off == 2
    assert summary["Agencies in scope"] == coverage.in_scope == 4
    assert summary["In progress (including returned)"] == 1
    assert summary["Actions overdue"] == 1


@pytest.mark.django_db
def test_csv_of_findings_equals_the_database(scope, charlie):
    export = build("csv", by=charlie, cycle=scope)
    text = export.file.open("rb").read().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == figures.counted_findings([scope]).count() == 30
    recount = Counter((r["Expectation"], r["Rating"]) for r in rows)
    assert recount == Counter(
        {(code, LABELS[rating]): n for (code, rating), n in db_ratings([scope]).items()}
    )
    assert "Eastfield Academy" not in text and "Westmoor Trust" not in text


@pytest.mark.django_db
def test_pdf_annual_summary_states_the_databases_figures(scope, charlie):
    export = build("pdf", by=charlie, cycle=scope)
    text = "\n".join(page.extract_text() for page in PdfReader(export.file.path).pages)
    coverage = figures.coverage([scope])
    assert f"{coverage.in_scope} agencies were in scope" in text
    assert f"{coverage.counted} reviews were signed off" in text
    assert "1 action outstanding, 1 of them overdue, and 1 done" in text
    assert "The most common gaps were 1.2 (1 agency), 2.1 (1 agency), 3.1 (1 agency)" in text
    assert "Ratings per expectation across agencies" in text


@pytest.mark.django_db
def test_a_years_export_takes_every_cycle_that_opened_that_year(scope, charlie, rita, mo):
    other = make_cycle(agencies=[], name="2026 second round", framework=lscb_framework())
    counted_review(agency=AgencyFactory(), cycle=other, reviewer=rita, moderator=mo)
    export = build("csv", by=charlie, year=2026)
    rows = list(csv.DictReader(io.StringIO(export.file.open("rb").read().decode("utf-8-sig"))))
    assert len(rows) == 45
    assert {r["Cycle"] for r in rows} == {scope.name, "2026 second round"}


@pytest.mark.django_db
def test_agency_member_cannot_export_or_download(scope, charlie, alice, alice_client):
    export = build("csv", by=charlie, cycle=scope)
    assert alice_client.get(reverse("summaries:exports")).status_code == 403
    download = reverse("summaries:export_download", args=[export.pk])
    assert alice_client.get(download).status_code == 403
    assert AuditEvent.objects.filter(action="access_refused", actor=alice).count() == 2


@pytest.mark.django_db
def test_the_export_form_needs_a_cycle_or_a_year(charlie_client):
    response = charlie_client.post(reverse("summaries:exports"), {"format": "xlsx", "year": ""})
    assert response.status_code == 400
    assert "Select a review cycle, or enter a year" in response.content.decode()
    assert not Export.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_workbook_and_the_admin_downloads_it():
    framework = lscb_framework()
    agency = AgencyFactory(name="Worker Council")
    reviewer = UserFactory(is_reviewer=True)
    moderator = UserFactory(is_moderator=True)
    admin = UserFactory(is_board_admin=True)
    cycle = make_cycle(agencies=[agency], framework=framework)
    counted_review(
        agency=agency, cycle=cycle, reviewer=reviewer, moderator=moderator, ratings="partially_met"
    )
    from django.test import Client

    client = Client()
    client.force_login(admin)
    with running_worker():
        response = client.post(reverse("summaries:exports"), {"format": "xlsx", "cycle": cycle.pk})
        assert response.status_code == 302
        export = Export.objects.get()

        def finished():
            """the export to be built"""
            connection.close()
            return Export.objects.filter(pk=export.pk, status__in=["ready", "failed"]).first()

        done = wait_for(finished)
    assert done.status == Export.Status.READY, done.last_error
    status = client.get(reverse("summaries:export_status", args=[export.pk])).json()
    assert status["progress"] == 100 and status["download_url"]
    download = client.get(status["download_url"])
    assert download["Content-Disposition"].startswith("attachment")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    ratings = Counter(row[8].value for row in workbook["Findings"].iter_rows(2))
    assert ratings == {"Partially met": 15}
    assert AuditEvent.objects.filter(action="export_downloaded", actor=admin).count() == 1


def test_export_request_is_refused_to_an_agency_member(db, alice, cycle):
    from summaries.services.exports import ExportRefused

    with pytest.raises(ExportRefused):
        export_request(by=alice, format="xlsx", cycle=cycle)
    assert not Export.objects.exists()
