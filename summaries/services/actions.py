"""Agencies' actions: each written by a member of the agency, in a transaction, audited."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from policies.models import PolicyVersion
from policies.rules import member_agency_ids
from reviews.models import Finding
from reviews.selectors_replies import outcome_is_due

from ..figures import GAP_RATINGS
from ..models import Action

# Audit actions of this app; the audit trail shows them as recorded.
ACTION_RECORDED = AuditEvent.Action.ACTION_RECORDED
ACTION_UPDATED = AuditEvent.Action.ACTION_UPDATED


class ActionRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _check_member(*, by, agency_id: int) -> None:
    if agency_id not in member_agency_ids(by):
        raise ActionRefused("Only a member of the agency records its actions.")


def action_create(
    *, finding: Finding, by, description: str, owner: str, due_on: date, request=None
) -> Action:
    review = finding.review
    _check_member(by=by, agency_id=review.agency_id)
    if not outcome_is_due(review):
        raise ActionRefused("Actions are recorded once the review's findings are final.")
    if finding.rating not in GAP_RATINGS:
        raise ActionRefused("Only findings rated Partially met or Not met need an action.")
    with transaction.atomic():
        action = Action.objects.create(
            finding=finding,
            review=review,
            agency_id=review.agency_id,
            description=description.strip(),
            owner=owner.strip(),
            due_on=due_on,
            created_by=by,
            updated_by=by,
        )
        audit_record(
            action=ACTION_RECORDED,
            request=request,
            actor=by,
            obj=action,
            agency=review.agency,
            detail={"expectation": finding.expectation.code, "due_on": due_on.isoformat()},
        )
    return action


def action_update(
    *,
    action: Action,
    by,
    status: str,
    done_note: str = "",
    evidence_version: PolicyVersion | None = None,
    description: str | None = None,
    owner: str | None = None,
    due_on: date | None = None,
    request=None,
) -> Action:
    _check_member(by=by, agency_id=action.agency_id)
    if status not in Action.Status.values:
        raise ActionRefused("Select a status from the list.")
    done_note = done_note.strip()
    if status == Action.Status.DONE and not done_note and evidence_version is None:
        raise ActionRefused(
            "Say what was done, or choose the new policy version that shows it, to mark the "
            "action done."
        )
    if evidence_version is not None and evidence_version.document.agency_id != action.agency_id:
        raise ActionRefused("That policy version is not your agency's.")
    before = {"status": action.status, "due_on": action.due_on.isoformat()}
    with transaction.atomic():
        action.status = status
        action.done_note = done_note
        action.evidence_version = evidence_version
        if description is not None:
            action.description = description.strip()
        if owner is not None:
            action.owner = owner.strip()
        if due_on is not None:
            action.due_on = due_on
        action.completed_at = timezone.now() if status == Action.Status.DONE else None
        action.updated_by = by
        action.save(
            update_fields=[
                "status",
                "done_note",
                "evidence_version",
                "description",
                "owner",
                "due_on",
                "completed_at",
                "updated_by",
                "updated_at",
            ]
        )
        audit_record(
            action=ACTION_UPDATED,
            request=request,
            actor=by,
            obj=action,
            agency=action.agency,
            detail={
                "before": before,
                "after": {"status": status, "due_on": action.due_on.isoformat()},
                "evidence_version": evidence_version.pk if evidence_version else None,
            },
        )
    return action
