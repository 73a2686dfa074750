"""An audit event in the board's words: who made it, and its details labelled and formatted,
with the technical ones (fingerprints, ids, paths, addresses) kept apart."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.dateformat import format as date_format

from .models import AuditEvent

# Known detail keys, as services record them, and what they mean.
LABELS = {
    "after": "After",
    "agencies": "Agencies",
    "before": "Before",
    "certificate_sha256": "Signing certificate fingerprint (SHA-256)",
    "changes": "Changes",
    "closes_on": "Closes",
    "cycle": "Review cycle (id)",
    "due_on": "Due",
    "email": "Email address entered",
    "error": "Error",
    "evidence_version": "Evidence policy version (id)",
    "expectation": "Expectation",
    "export": "Export",
    "file": "Data file",
    "filename": "File name",
    "filters": "Filters",
    "action": "What happened",
    "person": "Person's email contains",
    "agency": "Agency",
    "date_from": "From",
    "date_to": "To",
    "format": "Format",
    "framework": "Framework",
    "from_review": "Carried forward from review (id)",
    "method": "Sign-in method",
    "moderator": "Moderator",
    "opens_on": "Opens",
    "pages": "Pages",
    "permission": "Permission needed",
    "invitation_expires_at": "Invitation link valid until",
    "reason": "Reason",
    "reference": "Reference",
    "removed": "Active content removed before storing",
    "review_moved": "Review marked as outcome issued",
    "reviewer": "Reviewer",
    "round": "Round",
    "route": "Made through",
    "service": "Step refused",
    "sessions_ended": "Other sign-ins ended",
    "sha256": "File fingerprint (SHA-256)",
    "size": "File size",
    "status": "Status",
    "version": "Version",
    "year": "Year",
}

# Details that matter to whoever investigates rather than to the board's everyday reading.
TECHNICAL = {
    "certificate_sha256",
    "cycle",
    "error",
    "evidence_version",
    "file",
    "from_review",
    "service",
    "sha256",
}

ROUTES = {
    "app": "The service's pages",
    "admin": "The Django admin",
    "command": "A management command",
    "changepassword": "The changepassword command",
    "createsuperuser": "The createsuperuser command",
}

# Who made an event that no person made.
SYSTEM = "System (background task)"
NOT_SIGNED_IN = "Not signed in"


@dataclass(frozen=True)
class Detail:
    label: str
    value: str


def actor_label(event: AuditEvent) -> str:
    """A person's email; otherwise a web request by someone not signed in, or the worker's own
    work, which has no request and so no path."""
    if event.actor_email:
        return event.actor_email
    return NOT_SIGNED_IN if event.path else SYSTEM


def label(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").capitalize()


def _date(value: str) -> str:
    try:
        return date_format(datetime.date.fromisoformat(value), "j F Y")
    except ValueError:
        return value


def value_text(key: str, value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "None"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        if key == "changes":
            return "; ".join(
                f"{label(field)} from {value_text(field, change.get('from'))}"
                f" to {value_text(field, change.get('to'))}"
                if isinstance(change, dict)
                else f"{label(field)}: {value_text(field, change)}"
                for field, change in value.items()
            )
        return "; ".join(f"{label(k)}: {value_text(k, v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(value_text(key, item) for item in value)
    if key == "size" and isinstance(value, int):
        return filesizeformat(value).replace("\xa0", " ")
    if key == "route":
        return ROUTES.get(value, str(value))
    if key == "format":
        return str(value).upper()
    if isinstance(value, str) and (key.endswith("_on") or key.startswith("date_")):
        return _date(value)
    return str(value)


def _recorded(event: AuditEvent) -> list[tuple[str, Detail]]:
    return [
        (key, Detail(label(key), value_text(key, value)))
        for key, value in (event.detail or {}).items()
    ]


def event_details(event: AuditEvent) -> tuple[list[Detail], list[Detail]]:
    """The event's details to read, and its technical ones (including where the request came
    from and which record it was about)."""
    plain, technical = [], []
    for key, detail in _recorded(event):
        (technical if key in TECHNICAL else plain).append(detail)
    if event.object_type:
        technical.append(Detail("Record", f"{event.object_type} {event.object_id}".strip()))
    if event.path:
        technical.append(Detail("Page", event.path))
    if event.ip_address:
        technical.append(Detail("IP address", event.ip_address))
    return plain, technical


def details_text(event: AuditEvent) -> str:
    """The recorded details on one line, for a spreadsheet cell."""
    return "; ".join(f"{detail.label}: {detail.value}" for _, detail in _recorded(event))
