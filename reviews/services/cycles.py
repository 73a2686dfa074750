"""Review cycles: a board admin opens one for a framework version and the agencies in scope."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_record
from policies.models import Agency

from ..models import Framework, ReviewCycle
from .reviews import TransitionRefused


def cycle_open(
    *,
    by,
    name: str,
    framework: Framework,
    opens_on: date,
    closes_on: date,
    agencies: Iterable[Agency],
    request=None,
) -> ReviewCycle:
    agencies = list(agencies)
    if not by.is_board_admin:
        raise TransitionRefused("Only a board admin opens review cycles.")
    if closes_on < opens_on:
        raise TransitionRefused("The closing date must be the same as or after the opening date")
    if not agencies:
        raise TransitionRefused("Select at least one agency")
    with transaction.atomic():
        cycle = ReviewCycle.objects.create(
            name=name,
            framework=framework,
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=by,
        )
        cycle.agencies.set(agencies)
        audit_record(
            action=AuditEvent.Action.CYCLE_OPENED,
            request=request,
            actor=by,
            obj=cycle,
            detail={
                "framework": str(framework),
                "opens_on": opens_on.isoformat(),
                "closes_on": closes_on.isoformat(),
                "agencies": sorted(agency.name for agency in agencies),
            },
        )
    return cycle
