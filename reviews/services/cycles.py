"""Review cycles: a board admin opens one for a framework version and the agencies in scope,
and may add agencies to it, take out one not yet reviewed, or change its self-assessment
deadline and reply window, until it closes."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from policies.models import Agency

from ..models import Framework, Review, ReviewCycle, SelfAssessment
from ..selectors_cycles import cycle_has_closed
from .guards import TransitionRefused, audited_refusals


def cycle_open(
    *,
    by,
    name: str,
    framework: Framework,
    opens_on: date,
    closes_on: date,
    agencies: Iterable[Agency],
    self_assessment_due_on: date | None = None,
    reply_window_days: int | None = None,
    request=None,
) -> ReviewCycle:
    agencies = list(agencies)
    if not by.is_board_admin:
        raise TransitionRefused("Only a board admin opens review cycles.")
    if closes_on < opens_on:
        raise TransitionRefused("The closing date must be the same as or after the opening date")
    if not agencies:
        raise TransitionRefused("Select at least one agency")
    if self_assessment_due_on is not None and not opens_on <= self_assessment_due_on <= closes_on:
        raise TransitionRefused("The self-assessment deadline must be within the cycle")
    with transaction.atomic():
        cycle = ReviewCycle.objects.create(
            name=name,
            framework=framework,
            opens_on=opens_on,
            closes_on=closes_on,
            self_assessment_due_on=self_assessment_due_on,
            reply_window_days=reply_window_days,
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
                "self_assessment_due_on": (
                    self_assessment_due_on.isoformat() if self_assessment_due_on else None
                ),
                "reply_window_days": reply_window_days,
                "agencies": sorted(agency.name for agency in agencies),
            },
        )
    return cycle


def _refuse_unless_scope_can_change(*, cycle: ReviewCycle, by) -> None:
    if not by.is_board_admin:
        raise TransitionRefused("Only a board admin changes the agencies in a review cycle.")
    if cycle_has_closed(cycle):
        raise TransitionRefused(
            f"{cycle} closed on {cycle.closes_on:%-d %B %Y}, so its agencies can no longer change"
        )


@audited_refusals
def cycle_agencies_add(
    *, cycle: ReviewCycle, agencies: Iterable[Agency], by, request=None
) -> list[Agency]:
    """Bring agencies into an open cycle's scope, all or none; each addition is audited."""
    agencies = list(dict.fromkeys(agencies))
    _refuse_unless_scope_can_change(cycle=cycle, by=by)
    if not agencies:
        raise TransitionRefused("Select at least one agency to add")
    in_scope = set(cycle.agencies.values_list("pk", flat=True))
    problems = [f"{agency} is no longer active" for agency in agencies if not agency.is_active]
    problems += [f"{agency} is already in {cycle}" for agency in agencies if agency.pk in in_scope]
    if problems:
        raise TransitionRefused("; ".join(problems))
    with transaction.atomic():
        cycle.agencies.add(*agencies)
        for agency in agencies:
            audit_record(
                action=AuditEvent.Action.CYCLE_AGENCY_ADDED,
                request=request,
                actor=by,
                obj=cycle,
                agency=agency,
                detail={"agency": agency.name},
            )
    return agencies


@audited_refusals
def cycle_agency_remove(*, cycle: ReviewCycle, agency: Agency, by, request=None) -> None:
    """Take an agency out of an open cycle's scope while it has no review there (a withdrawn
    review does not count: it stays on the cycle's page)."""
    _refuse_unless_scope_can_change(cycle=cycle, by=by)
    scope = ReviewCycle.agencies.through.objects.filter(reviewcycle_id=cycle.pk)
    if not scope.filter(agency_id=agency.pk).exists():
        raise TransitionRefused(f"{agency} is not in {cycle}")
    live = Review.objects.filter(cycle_id=cycle.pk, agency_id=agency.pk).exclude(
        state=Review.State.WITHDRAWN
    )
    review = live.first()
    if review is not None:
        raise TransitionRefused(
            f"{agency} cannot be taken out of {cycle}: it has a review "
            f"({review.get_state_display().lower()}). Withdraw the review first"
        )
    if scope.count() == 1:
        raise TransitionRefused(f"{agency} is the only agency in {cycle}: a cycle needs one")
    with transaction.atomic():
        # Deleted only while still unreviewed, so an assignment made meanwhile keeps its agency.
        live_now = live.filter(agency_id=OuterRef("agency_id"))
        deleted, _ = scope.filter(agency_id=agency.pk).exclude(Exists(live_now)).delete()
        if not deleted:
            raise TransitionRefused(f"{agency} was assigned a review meanwhile, so it stays")
        audit_record(
            action=AuditEvent.Action.CYCLE_AGENCY_REMOVED,
            request=request,
            actor=by,
            obj=cycle,
            agency=agency,
            detail={"agency": agency.name},
        )


class DeadlineRefused(TransitionRefused):
    """A self-assessment deadline the cycle cannot have: the refusal is about that date."""


def _refuse_bad_deadline(*, cycle: ReviewCycle, due_on: date | None, today: date) -> None:
    if due_on is None:
        started = cycle.self_assessments.exclude(state=SelfAssessment.State.NOT_STARTED)
        if started.exists():
            raise DeadlineRefused(
                "Agencies have started their self-assessments, so the cycle must keep a deadline"
            )
        return
    if not cycle.opens_on <= due_on <= cycle.closes_on:
        raise DeadlineRefused(
            "The self-assessment deadline must be within the cycle, between "
            f"{cycle.opens_on:%-d %B %Y} and {cycle.closes_on:%-d %B %Y}"
        )
    # An earlier date in the past would close agencies' self-assessments without warning.
    if due_on < today:
        raise DeadlineRefused(
            f"The self-assessment deadline must be today ({today:%-d %B %Y}) or later"
        )


@audited_refusals
def cycle_settings_change(
    *,
    cycle: ReviewCycle,
    by,
    self_assessment_due_on: date | None,
    reply_window_days: int | None,
    today: date | None = None,
    request=None,
) -> bool:
    """Change an open cycle's self-assessment deadline and reply window, from the values the
    admin read (`cycle` as they saw it). A new reply window applies to reviews signed off from
    now on: one already open for reply keeps the date it was given. False: nothing changed."""
    today = today or timezone.localdate()
    if not by.is_board_admin:
        raise TransitionRefused("Only a board admin changes a review cycle.")
    if cycle_has_closed(cycle):
        raise TransitionRefused(
            f"{cycle} closed on {cycle.closes_on:%-d %B %Y}, so it can no longer change"
        )
    before = {
        "self_assessment_due_on": cycle.self_assessment_due_on,
        "reply_window_days": cycle.reply_window_days,
    }
    after = {
        "self_assessment_due_on": self_assessment_due_on,
        "reply_window_days": reply_window_days,
    }
    if after == before:
        return False
    if self_assessment_due_on != cycle.self_assessment_due_on:
        _refuse_bad_deadline(cycle=cycle, due_on=self_assessment_due_on, today=today)
    if reply_window_days is not None and reply_window_days < 1:
        raise TransitionRefused("Enter a reply window of 1 working day or more, or none")
    with transaction.atomic():
        # Only from the settings the admin read: another admin's change is not overwritten.
        changed = ReviewCycle.objects.filter(pk=cycle.pk, **before).update(**after)
        if not changed:
            raise TransitionRefused(
                "Another board admin changed this cycle's settings meanwhile. Check them, "
                "then make your change again"
            )
        audit_record(
            action=AuditEvent.Action.CYCLE_SETTINGS_CHANGED,
            request=request,
            actor=by,
            obj=cycle,
            detail={
                name: {"from": _plain(before[name]), "to": _plain(after[name])}
                for name in after
                if after[name] != before[name]
            },
        )
    cycle.refresh_from_db()
    return True


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value
