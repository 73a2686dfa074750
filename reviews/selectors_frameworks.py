"""Reads of frameworks: what each person may see, a version's content, and what changed."""

from dataclasses import dataclass, field

import rules
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from audit.services import access_refused

from .models import Expectation, Framework, Section

MANAGE_FRAMEWORKS = "reviews.manage_frameworks"


def frameworks_for_user(user) -> QuerySet[Framework]:
    """Published versions for everyone; drafts only for the board admins who write them."""
    frameworks = Framework.objects.annotate(expectation_count=Count("expectations"))
    if not rules.has_perm(MANAGE_FRAMEWORKS, user):
        frameworks = frameworks.filter(status=Framework.Status.PUBLISHED)
    return frameworks


def _with_content(queryset: QuerySet[Framework]) -> QuerySet[Framework]:
    return queryset.prefetch_related(
        Prefetch(
            "sections",
            queryset=Section.objects.prefetch_related(
                Prefetch("expectations", queryset=Expectation.objects.order_by("order"))
            ).order_by("number"),
        )
    )


def framework_for_user(request, *, code: str, version: int) -> Framework:
    """A version with its sections and expectations; someone else's draft is not there."""
    framework = _with_content(Framework.objects.filter(code=code, version=version)).first()
    if framework is None:
        raise Http404
    if framework.is_draft and not rules.has_perm(MANAGE_FRAMEWORKS, request.user):
        raise access_refused(request, reason="framework draft", obj=framework, error=Http404())
    return framework


def framework_content(framework: Framework) -> dict:
    """A version as the data file that would make it (the shape every format reads into)."""
    sections = (
        Section.objects.filter(framework=framework)
        .order_by("number")
        .prefetch_related(Prefetch("expectations", queryset=Expectation.objects.order_by("order")))
    )
    return {
        "code": framework.code,
        "name": framework.name,
        "publisher": framework.publisher,
        "published_on": framework.published_on,
        "source": framework.source,
        "description": framework.description,
        "sections": [
            {
                "number": section.number,
                "title": section.title,
                "expectations": [
                    {
                        "code": e.code,
                        "text": e.text,
                        "what_good_looks_like": e.what_good_looks_like,
                        "concepts": list(e.concepts),
                    }
                    for e in section.expectations.all()
                ],
            }
            for section in sections
        ],
    }


def framework_problems(framework: Framework) -> list[str]:
    """What stops a draft being published, in the words a board admin reads."""
    sections = list(framework.sections.annotate(count=Count("expectations")).order_by("number"))
    if not sections:
        return ["Add at least one section"]
    problems = [
        f"Add an expectation to section {s.number}, {s.title}, or remove the section"
        for s in sections
        if s.count == 0
    ]
    codes = list(framework.expectations.values_list("code", flat=True))
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    problems += [f"Expectation code {code} is used more than once" for code in repeated]
    return problems


def framework_previous(framework: Framework) -> Framework | None:
    """The published version before this one."""
    return (
        Framework.objects.filter(
            code=framework.code,
            status=Framework.Status.PUBLISHED,
            version__lt=framework.version,
        )
        .order_by("-version")
        .first()
    )


@dataclass
class FrameworkChanges:
    previous: Framework
    added: list[Expectation] = field(default_factory=list)
    removed: list[Expectation] = field(default_factory=list)
    reworded: list[tuple[Expectation, Expectation]] = field(default_factory=list)
    guidance: list[Expectation] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.reworded or self.guidance)


def framework_changes(framework: Framework) -> FrameworkChanges | None:
    """What changed from the previous published version, expectation by expectation (by code)."""
    previous = framework_previous(framework)
    if previous is None:
        return None
    before = {e.code: e for e in previous.expectations.order_by("order")}
    after = {e.code: e for e in framework.expectations.order_by("order")}
    changes = FrameworkChanges(previous=previous)
    changes.added = [e for code, e in after.items() if code not in before]
    changes.removed = [e for code, e in before.items() if code not in after]
    for code, new in after.items():
        old = before.get(code)
        if old is None:
            continue
        if old.text != new.text:
            changes.reworded.append((old, new))
        elif (old.what_good_looks_like, old.concepts) != (new.what_good_looks_like, new.concepts):
            changes.guidance.append(new)
    return changes
