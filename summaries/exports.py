"""Exports of a cycle or a year: an XLSX workbook, a CSV of findings and a PDF annual summary.

Rows are streamed from the database in chunks and written as they come (openpyxl's write-only
mode), so memory stays flat however many agencies there are. Every figure comes from
`figures`, the same counts the dashboard shows.
"""

import csv
from collections.abc import Callable, Iterator
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from outcomes.rendering import html_to_pdf
from policies.models import Agency
from reviews.answers import ANSWER_FIELDS, SELF_ASSESSMENT_VIEW_FIELDS, review_reference
from reviews.models import Finding, Review

from . import charts, figures
from .models import Action
from .self_assessment_figures import with_self_ratings

Progress = Callable[[int], None]
CHUNK = 2000

RATING_LABELS = dict(Finding.Rating.choices)
STATE_LABELS = dict(Review.State.choices)
OUTCOME_LABELS = dict(Review.Outcome.choices)
ACTION_STATUS_LABELS = dict(Action.Status.choices)
VIEW_LABELS = {
    Finding.SelfAssessmentView.AGREE: "Agrees",
    Finding.SelfAssessmentView.CHALLENGE: "Challenges",
}

FINDING_COLUMNS = [
    "Cycle",
    "Agency",
    "Sector",
    "Review reference",
    "Policy",
    "Policy version",
    "Signed off",
    "Expectation",
    "Rating",
    "Evidence quote",
    "Evidence page",
    "Evidence section",
    "Comment",
    "Reason not applicable",
    # Where the agency assessed itself: its own rating and evidence, and the reviewer's view.
    "Agency's own rating",
    "Agency's quote",
    "Agency's page",
    "Reviewer's view of the agency's rating",
    "Why the reviewer challenged it",
]
ACTION_COLUMNS = [
    "Cycle",
    "Agency",
    "Review reference",
    "Expectation",
    "Finding rating",
    "What will be done",
    "Owner",
    "Due",
    "Status",
    "Overdue",
    "Completed",
    "What was done",
]
AGENCY_COLUMNS = [
    "Cycle",
    "Agency",
    "Sector",
    "Review reference",
    "State",
    "Overall outcome",
    "Met",
    "Partially met",
    "Not met",
    "Not applicable",
    "Actions outstanding",
    "Actions overdue",
]
EXPECTATION_COLUMNS = [
    "Expectation",
    "Text",
    "Met",
    "Partially met",
    "Not met",
    "Not applicable",
    "Total",
    "Met, % of applicable",
]


# A cell starting with one of these is read as a formula by spreadsheet programs (OWASP: CSV
# injection), e.g. a comment "=HYPERLINK(...)" or "=cmd|' /C calc'!A0".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A CSV cell that no spreadsheet program runs: text that could start a formula gets a
    leading apostrophe, which they show as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_cells(ws, row: list) -> list:
    """A workbook row whose text is always text: openpyxl would store "=..." as a formula."""
    # Imported here: openpyxl is heavy to load, and only the worker that builds exports needs it.
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in row:
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            # Excel keeps a quote-prefixed cell as text even when someone edits it.
            cell.quotePrefix = True
            value = cell
        cells.append(value)
    return cells


def _local_date(value: datetime | None):
    return timezone.localtime(value).date() if value else None


def finding_rows(cycles) -> Iterator[list]:
    """Every finding of every counted review in the scope, with its evidence and, where the
    agency assessed itself, its own rating beside the board's."""
    rows = (
        with_self_ratings(figures.counted_findings(cycles))
        .order_by("review__cycle__opens_on", "review__agency__name", "expectation__order")
        .values_list(
            "review__cycle__name",
            "review__agency__name",
            "review__agency__sector",
            "review__assigned_at",
            "review_id",
            "review__policy_version__document__title",
            "review__policy_version__version_label",
            "review__signed_off_at",
            "expectation__code",
            *ANSWER_FIELDS,  # the rating first, then the rest as saved
            "self_rating",
            "self_quote",
            "self_page",
            *SELF_ASSESSMENT_VIEW_FIELDS,
        )
    )
    own_at = 9 + len(ANSWER_FIELDS)
    sectors = dict(_sectors())
    for row in rows.iterator(chunk_size=CHUNK):
        (cycle, agency, sector, assigned_at, review_id, title, label, signed_off, code, rating) = (
            row[:10]
        )
        yield [
            cycle,
            agency,
            sectors.get(sector, sector),
            review_reference(assigned_at=assigned_at, pk=review_id),
            title,
            label,
            _local_date(signed_off),
            code,
            RATING_LABELS.get(rating, "Not rated"),
            *row[10:own_at],
            *self_assessed(*row[own_at:]),
        ]


def self_assessed(own: str | None, quote: str | None, page, view: str, why: str) -> list:
    """The agency's own rating beside a finding, blank where it submitted none."""
    return [RATING_LABELS.get(own or "", ""), quote or "", page, VIEW_LABELS.get(view, ""), why]


def _sectors():
    return Agency.Sector.choices


def action_rows(cycles) -> Iterator[list]:
    today = timezone.localdate()
    actions = (
        Action.objects.filter(figures.final("review__"), review__cycle__in=cycles)
        .order_by("review__cycle__opens_on", "agency__name", "finding__expectation__order", "pk")
        .values_list(
            "review__cycle__name",
            "agency__name",
            "review__assigned_at",
            "review_id",
            "finding__expectation__code",
            "finding__rating",
            "description",
            "owner",
            "due_on",
            "status",
            "completed_at",
            "done_note",
        )
    )
    for row in actions.iterator(chunk_size=CHUNK):
        cycle, agency, assigned_at, review_id, code, rating, text, owner, due, status = row[:10]
        yield [
            cycle,
            agency,
            review_reference(assigned_at=assigned_at, pk=review_id),
            code,
            RATING_LABELS.get(rating, rating),
            text,
            owner,
            due,
            ACTION_STATUS_LABELS.get(status, status),
            status != Action.Status.DONE and due < today,
            _local_date(row[10]),
            row[11],
        ]


def agency_rows(cycles) -> Iterator[list]:
    """One row per counted review: its agency and how its findings were rated."""
    today = timezone.localdate()
    R, S = Finding.Rating, Action.Status
    reviews = (
        figures.counted_reviews(cycles)
        .order_by("cycle__opens_on", "agency__name")
        .annotate(
            met=Count("findings", filter=Q(findings__rating=R.MET), distinct=True),
            partially=Count("findings", filter=Q(findings__rating=R.PARTIALLY_MET), distinct=True),
            not_met=Count("findings", filter=Q(findings__rating=R.NOT_MET), distinct=True),
            not_applicable=Count(
                "findings", filter=Q(findings__rating=R.NOT_APPLICABLE), distinct=True
            ),
            outstanding=Count("actions", filter=~Q(actions__status=S.DONE), distinct=True),
            overdue=Count(
                "actions",
                filter=~Q(actions__status=S.DONE) & Q(actions__due_on__lt=today),
                distinct=True,
            ),
        )
        .values_list(
            "cycle__name",
            "agency__name",
            "agency__sector",
            "assigned_at",
            "pk",
            "state",
            "overall_outcome",
            "met",
            "partially",
            "not_met",
            "not_applicable",
            "outstanding",
            "overdue",
        )
    )
    sectors = dict(_sectors())
    for row in reviews.iterator(chunk_size=CHUNK):
        cycle, agency, sector, assigned_at, pk, state, outcome = row[:7]
        yield [
            cycle,
            agency,
            sectors.get(sector, sector),
            review_reference(assigned_at=assigned_at, pk=pk),
            STATE_LABELS.get(state, state),
            OUTCOME_LABELS.get(outcome, ""),
            *row[7:],
        ]


def expectation_rows(summary: figures.Summary) -> Iterator[list]:
    for row in summary.expectations:
        yield [row.code, row.text, *row.ordered_counts, row.total, row.met_percent]


def summary_rows(summary: figures.Summary) -> list[list]:
    cycles = ", ".join(c.name for c in summary.cycles) or "none"
    rows = [
        ["Board", settings.BOARD_NAME],
        ["Scope", summary.title],
        ["Review cycles", cycles],
        ["Produced", timezone.localtime().replace(tzinfo=None, microsecond=0)],
        [],
        ["Coverage", "Number"],
        *[[label, number] for label, number in summary.coverage.rows()],
        [],
        ["Actions", "Number"],
        ["Findings that need an action", summary.actions.findings_needing_action],
        ["Findings with no action yet", summary.actions.findings_without_action],
        ["Actions outstanding", summary.actions.outstanding],
        ["Actions overdue", summary.actions.overdue],
        ["Actions done", summary.actions.done],
    ]
    return rows


def _count_findings(cycles) -> int:
    return figures.counted_findings(cycles).count()


def write_xlsx(path, *, summary: figures.Summary, progress: Progress) -> None:
    # Imported here: openpyxl is heavy to load, and only the worker that builds exports needs it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cycles = summary.cycles
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title: str, columns: list[str], rows, *, count: int, step: Callable | None = None):
        ws = workbook.create_sheet(title)
        ws.freeze_panes = "A2"
        last = chr(ord("A") + len(columns) - 1)
        ws.auto_filter.ref = f"A1:{last}{count + 1}"
        header = []
        for name in columns:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for index, row in enumerate(rows, 1):
            ws.append(xlsx_cells(ws, row))
            if step is not None and index % CHUNK == 0:
                step(index)

    ws = workbook.create_sheet("Summary")
    for row in summary_rows(summary):
        ws.append(xlsx_cells(ws, row))
    progress(10)
    agencies = figures.counted_reviews(cycles).count()
    sheet("Agencies", AGENCY_COLUMNS, agency_rows(cycles), count=agencies)
    progress(20)
    sheet(
        "Expectations",
        EXPECTATION_COLUMNS,
        expectation_rows(summary),
        count=len(summary.expectations),
    )
    progress(25)
    total = _count_findings(cycles)
    sheet(
        "Findings",
        FINDING_COLUMNS,
        finding_rows(cycles),
        count=total,
        step=lambda done: progress(25 + int(60 * done / max(total, 1))),
    )
    progress(85)
    actions = Action.objects.filter(figures.final("review__"), review__cycle__in=cycles).count()
    sheet("Actions", ACTION_COLUMNS, action_rows(cycles), count=actions)
    progress(95)
    workbook.save(path)


def write_csv(path, *, summary: figures.Summary, progress: Progress) -> None:
    total = _count_findings(summary.cycles)
    with open(path, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(FINDING_COLUMNS)
        for index, row in enumerate(finding_rows(summary.cycles), 1):
            writer.writerow(["" if value is None else csv_safe(value) for value in row])
            if index % CHUNK == 0:
                progress(int(90 * index / max(total, 1)))


def write_pdf(path, *, summary: figures.Summary, progress: Progress) -> None:
    html = render_to_string(
        "summaries/pdf/annual_summary.html",
        {
            "summary": summary,
            "ratings": figures.RATINGS,
            "ratings_chart": charts.ratings_chart(summary.expectations, prefix="pdf-ratings"),
            "short": charts.SHORT,
            "BOARD_NAME": settings.BOARD_NAME,
            "produced": timezone.localtime(),
        },
    )
    progress(30)
    pdf = html_to_pdf(html)
    progress(90)
    with open(path, "wb") as out:
        out.write(pdf)


WRITERS = {"xlsx": write_xlsx, "csv": write_csv, "pdf": write_pdf}
