"""The audit trail as CSV, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from .details import actor_label, details_text
from .models import AuditEvent

COLUMNS = [
    "When",
    "Who",
    "What happened",
    "To what",
    "Record type",
    "Record id",
    "Agency",
    "Details",
    "Page",
    "IP address",
]

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text that a spreadsheet shows rather than runs."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def event_row(event: AuditEvent) -> list[str]:
    return [
        neutralise(cell)
        for cell in (
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            actor_label(event),
            event.get_action_display(),
            event.object_repr,
            event.object_type,
            event.object_id,
            event.agency.name if event.agency else "",
            details_text(event),
            event.path,
            event.ip_address,
        )
    ]


class _Line:
    """A file-like target for csv.writer that hands each line back instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Line())
    # A byte-order mark, so spreadsheet programs read the file as UTF-8.
    yield "\ufeff" + writer.writerow(COLUMNS)
    for event in events.iterator(chunk_size=500):
        yield writer.writerow(event_row(event))
