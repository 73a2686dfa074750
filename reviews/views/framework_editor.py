"""Board admins write a framework draft: its details, sections and expectations; then publish
it, or discard it. Every change carries the draft's lock version, so a change made on a page
that someone else has since changed is refused with the draft as it is now."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.decorators import permission_required
from audit.services import access_refused

from ..forms.frameworks import ExpectationForm, FrameworkDetailsForm, SectionForm
from ..models import Expectation, Framework, Section
from ..selectors_frameworks import (
    MANAGE_FRAMEWORKS,
    framework_changes,
    framework_for_user,
    framework_problems,
)
from ..services.framework_drafts import (
    DraftConflict,
    framework_draft_discard,
    framework_draft_update,
    framework_publish,
)
from ..services.framework_sections import (
    DOWN,
    UP,
    framework_expectation_add,
    framework_expectation_edit,
    framework_expectation_move,
    framework_expectation_remove,
    framework_section_add,
    framework_section_edit,
    framework_section_move,
    framework_section_remove,
)
from ..services.guards import TransitionRefused
from .frameworks import edit_url

REFUSALS = (TransitionRefused, DraftConflict)


def _draft(request, code: str, version: int) -> Framework:
    """The draft with its content; a published version is refused: it never changes."""
    framework = framework_for_user(request, code=code, version=version)
    if not framework.is_draft:
        raise access_refused(request, reason="framework published", obj=framework)
    return framework


def _section(framework: Framework, number: int) -> Section:
    return get_object_or_404(framework.sections.all(), number=number)


def _expectation(framework: Framework, pk: int) -> Expectation:
    return get_object_or_404(framework.expectations.select_related("section"), pk=pk)


def _lock(request) -> int:
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        return -1


def _refused(request, framework: Framework, refusal, *, template: str, context: dict):
    """The page again with the refusal, and the draft as it is now."""
    fresh = framework_for_user(request, code=framework.code, version=framework.version)
    status = 409 if isinstance(refusal, DraftConflict) else 400
    context = {**context, "framework": fresh, "problem": refusal.reason}
    return render(request, template, context, status=status)


def _editor(request, framework: Framework, *, form=None, problem: str = "", status: int = 200):
    context = {
        "framework": framework,
        "form": form or FrameworkDetailsForm(initial=_details(framework)),
        "problem": problem,
        "problems": framework_problems(framework),
        "changes": framework_changes(framework),
    }
    return render(request, "reviews/frameworks/edit.html", context, status=status)


def _details(framework: Framework) -> dict:
    return {name: getattr(framework, name) for name in FrameworkDetailsForm.base_fields}


@permission_required(MANAGE_FRAMEWORKS)
def framework_edit(request, code: str, version: int):
    framework = _draft(request, code, version)
    if request.method != "POST":
        return _editor(request, framework)
    form = FrameworkDetailsForm(request.POST)
    if not form.is_valid():
        return _editor(request, framework, form=form, status=400)
    try:
        framework_draft_update(
            framework=framework,
            lock_version=_lock(request),
            by=request.user,
            fields=form.cleaned_data,
            request=request,
        )
    except REFUSALS as refusal:
        fresh = framework_for_user(request, code=code, version=version)
        status = 409 if isinstance(refusal, DraftConflict) else 400
        return _editor(request, fresh, form=form, problem=refusal.reason, status=status)
    messages.success(request, "Details saved")
    return redirect(edit_url(framework))


def _moved(request, framework: Framework, service, **kwargs):
    """A POST button's change: back to the editor, or the editor with the refusal."""
    try:
        service(lock_version=_lock(request), by=request.user, request=request, **kwargs)
    except REFUSALS as refusal:
        fresh = framework_for_user(request, code=framework.code, version=framework.version)
        status = 409 if isinstance(refusal, DraftConflict) else 400
        return _editor(request, fresh, problem=refusal.reason, status=status)
    return redirect(edit_url(framework))


def _direction(request) -> str:
    return UP if request.POST.get("direction") == UP else DOWN


@permission_required(MANAGE_FRAMEWORKS)
def section_new(request, code: str, version: int):
    framework = _draft(request, code, version)
    form = SectionForm(request.POST or None, submit="Add section")
    context = {"framework": framework, "form": form, "section": None}
    if request.method == "POST" and form.is_valid():
        try:
            section = framework_section_add(
                framework=framework,
                lock_version=_lock(request),
                by=request.user,
                title=form.cleaned_data["title"],
                request=request,
            )
        except REFUSALS as refusal:
            return _refused(
                request,
                framework,
                refusal,
                template="reviews/frameworks/section.html",
                context=context,
            )
        messages.success(request, f"Section {section.number} added")
        return redirect(edit_url(framework))
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/frameworks/section.html", context, status=status)


@permission_required(MANAGE_FRAMEWORKS)
def section_edit(request, code: str, version: int, number: int):
    framework = _draft(request, code, version)
    section = _section(framework, number)
    form = SectionForm(request.POST or None, initial={"title": section.title})
    context = {"framework": framework, "form": form, "section": section}
    if request.method == "POST" and form.is_valid():
        try:
            framework_section_edit(
                section=section,
                lock_version=_lock(request),
                by=request.user,
                title=form.cleaned_data["title"],
                request=request,
            )
        except REFUSALS as refusal:
            return _refused(
                request,
                framework,
                refusal,
                template="reviews/frameworks/section.html",
                context=context,
            )
        messages.success(request, f"Section {section.number} saved")
        return redirect(edit_url(framework))
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/frameworks/section.html", context, status=status)


@permission_required(MANAGE_FRAMEWORKS)
def section_remove(request, code: str, version: int, number: int):
    framework = _draft(request, code, version)
    section = _section(framework, number)
    if request.method == "POST":
        response = _moved(request, framework, framework_section_remove, section=section)
        if response.status_code == 302:
            messages.success(request, f"Section {number}, {section.title}, removed")
        return response
    context = {"framework": framework, "section": section}
    return render(request, "reviews/frameworks/section_remove.html", context)


@require_POST
@permission_required(MANAGE_FRAMEWORKS)
def section_move(request, code: str, version: int, number: int):
    framework = _draft(request, code, version)
    section = _section(framework, number)
    return _moved(
        request, framework, framework_section_move, section=section, direction=_direction(request)
    )


def _expectation_fields(form: ExpectationForm) -> dict:
    return {name: form.cleaned_data[name] for name in ExpectationForm.base_fields}


@permission_required(MANAGE_FRAMEWORKS)
def expectation_new(request, code: str, version: int, number: int):
    framework = _draft(request, code, version)
    section = _section(framework, number)
    form = ExpectationForm(
        request.POST or None,
        framework=framework,
        initial={"section": section.pk},
        submit="Add expectation",
    )
    context = {"framework": framework, "form": form, "section": section, "expectation": None}
    if request.method == "POST" and form.is_valid():
        fields = _expectation_fields(form)
        try:
            expectation = framework_expectation_add(
                section=fields.pop("section"),
                lock_version=_lock(request),
                by=request.user,
                fields=fields,
                request=request,
            )
        except REFUSALS as refusal:
            return _refused(
                request,
                framework,
                refusal,
                template="reviews/frameworks/expectation.html",
                context=context,
            )
        messages.success(request, f"Expectation {expectation.code} added")
        return redirect(edit_url(framework))
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/frameworks/expectation.html", context, status=status)


@permission_required(MANAGE_FRAMEWORKS)
def expectation_edit(request, code: str, version: int, pk: int):
    framework = _draft(request, code, version)
    expectation = _expectation(framework, pk)
    initial = {
        "code": expectation.code,
        "text": expectation.text,
        "what_good_looks_like": expectation.what_good_looks_like,
        "concepts": "\n".join(expectation.concepts),
        "section": expectation.section_id,
    }
    form = ExpectationForm(request.POST or None, framework=framework, initial=initial)
    context = {
        "framework": framework,
        "form": form,
        "section": expectation.section,
        "expectation": expectation,
    }
    if request.method == "POST" and form.is_valid():
        try:
            framework_expectation_edit(
                expectation=expectation,
                lock_version=_lock(request),
                by=request.user,
                fields=_expectation_fields(form),
                request=request,
            )
        except REFUSALS as refusal:
            return _refused(
                request,
                framework,
                refusal,
                template="reviews/frameworks/expectation.html",
                context=context,
            )
        messages.success(request, f"Expectation {expectation.code} saved")
        return redirect(edit_url(framework))
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/frameworks/expectation.html", context, status=status)


@permission_required(MANAGE_FRAMEWORKS)
def expectation_remove(request, code: str, version: int, pk: int):
    framework = _draft(request, code, version)
    expectation = _expectation(framework, pk)
    if request.method == "POST":
        response = _moved(request, framework, framework_expectation_remove, expectation=expectation)
        if response.status_code == 302:
            messages.success(request, f"Expectation {expectation.code} removed")
        return response
    context = {"framework": framework, "expectation": expectation}
    return render(request, "reviews/frameworks/expectation_remove.html", context)


@require_POST
@permission_required(MANAGE_FRAMEWORKS)
def expectation_move(request, code: str, version: int, pk: int):
    framework = _draft(request, code, version)
    expectation = _expectation(framework, pk)
    return _moved(
        request,
        framework,
        framework_expectation_move,
        expectation=expectation,
        direction=_direction(request),
    )


@permission_required(MANAGE_FRAMEWORKS)
def framework_publish_confirm(request, code: str, version: int):
    framework = _draft(request, code, version)
    context = {
        "framework": framework,
        "problems": framework_problems(framework),
        "changes": framework_changes(framework),
    }
    if request.method != "POST":
        return render(request, "reviews/frameworks/publish.html", context)
    try:
        framework_publish(
            framework=framework, lock_version=_lock(request), by=request.user, request=request
        )
    except REFUSALS as refusal:
        return _refused(
            request, framework, refusal, template="reviews/frameworks/publish.html", context=context
        )
    messages.success(request, f"Version {framework.version} of {framework.name} published")
    return redirect(framework.get_absolute_url())


@permission_required(MANAGE_FRAMEWORKS)
def framework_discard_confirm(request, code: str, version: int):
    framework = _draft(request, code, version)
    if request.method != "POST":
        return render(request, "reviews/frameworks/discard.html", {"framework": framework})
    try:
        framework_draft_discard(
            framework=framework, lock_version=_lock(request), by=request.user, request=request
        )
    except REFUSALS as refusal:
        return _refused(
            request, framework, refusal, template="reviews/frameworks/discard.html", context={}
        )
    messages.success(request, f"Draft version {framework.version} of {framework.name} discarded")
    return redirect("reviews:frameworks")
