"""Writes to a framework draft's sections and expectations: add, edit, remove, move.

Sections are numbered by their place (1, 2, 3 …); expectations keep the codes the board gives
them, and their order follows the sections'. Each change is one guarded step on the draft.
"""

from django.db import transaction
from django.db.models import F, Max

from ..models import Expectation, Framework, Section
from .framework_drafts import audited_draft_refusals, draft_record, draft_take
from .guards import TransitionRefused

UP, DOWN = "up", "down"


def _renumber(framework: Framework, sections: list[Section]) -> None:
    """Number the sections 1, 2, 3 … in the given order, and the expectations to follow them."""
    # Out of the way first: section numbers are unique within a framework at every moment.
    Section.objects.filter(framework=framework).update(number=F("number") + 1000)
    for number, section in enumerate(sections, 1):
        Section.objects.filter(pk=section.pk).update(number=number)
        section.number = number
    expectations = Expectation.objects.filter(framework=framework).order_by(
        "section__number", "order"
    )
    for order, pk in enumerate(expectations.values_list("pk", flat=True), 1):
        Expectation.objects.filter(pk=pk).update(order=order)


def _sections(framework: Framework) -> list[Section]:
    return list(framework.sections.order_by("number"))


def _code_free(framework: Framework, code: str, *, besides: Expectation | None = None) -> None:
    taken = framework.expectations.filter(code=code)
    if besides is not None:
        taken = taken.exclude(pk=besides.pk)
    if taken.exists():
        raise TransitionRefused(f"Expectation code {code} is already used in this framework.")


@audited_draft_refusals
def framework_section_add(
    *, framework: Framework, lock_version: int, by, title: str, request=None
) -> Section:
    with transaction.atomic():
        draft_take(framework, lock_version=lock_version)
        number = (framework.sections.aggregate(n=Max("number"))["n"] or 0) + 1
        section = Section.objects.create(framework=framework, number=number, title=title)
        draft_record(framework, by=by, request=request, what=f"section {number} added")
        return section


@audited_draft_refusals
def framework_section_edit(*, section: Section, lock_version: int, by, title: str, request=None):
    with transaction.atomic():
        draft_take(section.framework, lock_version=lock_version)
        section.title = title
        section.save(update_fields=["title"])
        draft_record(
            section.framework, by=by, request=request, what=f"section {section.number} renamed"
        )


@audited_draft_refusals
def framework_section_remove(*, section: Section, lock_version: int, by, request=None) -> None:
    """Remove a section with its expectations; the sections after it move up."""
    framework = section.framework
    with transaction.atomic():
        draft_take(framework, lock_version=lock_version)
        codes = list(section.expectations.values_list("code", flat=True))
        section.expectations.all().delete()
        section.delete()
        _renumber(framework, _sections(framework))
        draft_record(
            framework,
            by=by,
            request=request,
            what=f"section {section.number} removed",
            expectation=", ".join(codes),
        )


@audited_draft_refusals
def framework_section_move(
    *, section: Section, lock_version: int, by, direction: str, request=None
) -> None:
    framework = section.framework
    with transaction.atomic():
        draft_take(framework, lock_version=lock_version)
        sections = _sections(framework)
        at = next(i for i, s in enumerate(sections) if s.pk == section.pk)
        to = at - 1 if direction == UP else at + 1
        if not 0 <= to < len(sections):
            raise TransitionRefused("The section is already at that end of the framework.")
        sections[at], sections[to] = sections[to], sections[at]
        _renumber(framework, sections)
        draft_record(
            framework, by=by, request=request, what=f"section moved {direction} to {to + 1}"
        )


@audited_draft_refusals
def framework_expectation_add(
    *, section: Section, lock_version: int, by, fields: dict, request=None
) -> Expectation:
    """A new expectation at the end of its section."""
    framework = section.framework
    with transaction.atomic():
        draft_take(framework, lock_version=lock_version)
        _code_free(framework, fields["code"])
        last = framework.expectations.filter(section__number__lte=section.number).aggregate(
            o=Max("order")
        )["o"]
        # Room after the section's last expectation; the renumbering closes the gaps.
        framework.expectations.filter(order__gt=last or 0).update(order=F("order") + 1)
        expectation = Expectation.objects.create(
            framework=framework, section=section, order=(last or 0) + 1, **fields
        )
        draft_record(
            framework,
            by=by,
            request=request,
            what="expectation added",
            expectation=expectation.code,
        )
        return expectation


@audited_draft_refusals
def framework_expectation_edit(
    *, expectation: Expectation, lock_version: int, by, fields: dict, request=None
) -> None:
    """Change an expectation's wording, code or section (to the end of the new section)."""
    framework = expectation.framework
    with transaction.atomic():
        draft_take(framework, lock_version=lock_version)
        _code_free(framework, fields["code"], besides=expectation)
        moved = fields["section"].pk != expectation.section_id
        for name, value in fields.items():
            setattr(expectation, name, value)
        if moved:
            expectation.order = 10_000
        expectation.save(update_fields=[*fields, "order"])
        if moved:
            _renumber(framework, _sections(framework))
        draft_record(
            framework,
            by=by,
            request=request,
            what="expectation changed",
            expectation=expectation.code,
        )


@audited_draft_refusals
def framework_expectation_remove(
    *, expectation: Expectation, lock_version: int, by, request=None
) -> None:
    framework = expectation.framework
    with transaction.atomic():
        draft_take(framework, lock_version=lock_version)
        expectation.delete()
        _renumber(framework, _sections(framework))
        draft_record(
            framework,
            by=by,
            request=request,
            what="expectation removed",
            expectation=expectation.code,
        )


@audited_draft_refusals
def framework_expectation_move(
    *, expectation: Expectation, lock_version: int, by, direction: str, request=None
) -> None:
    """Swap an expectation with its neighbour in the same section."""
    framework = expectation.framework
    with transaction.atomic():
        draft_take(framework, lock_version=lock_version)
        siblings = list(expectation.section.expectations.order_by("order"))
        at = next(i for i, e in enumerate(siblings) if e.pk == expectation.pk)
        to = at - 1 if direction == UP else at + 1
        if not 0 <= to < len(siblings):
            raise TransitionRefused("The expectation is already at that end of its section.")
        other = siblings[to]
        Expectation.objects.filter(pk=expectation.pk).update(order=other.order)
        Expectation.objects.filter(pk=other.pk).update(order=expectation.order)
        draft_record(
            framework,
            by=by,
            request=request,
            what=f"expectation moved {direction}",
            expectation=expectation.code,
        )
