"""Frameworks: everyone reads the published versions; board admins start drafts, import them,
preview a version as a reviewer sees it, and export any version as YAML or CSV."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.decorators import permission_required
from audit.models import AuditEvent
from audit.services import audit_record

from ..forms.frameworks import FrameworkImportForm, FrameworkStartForm
from ..framework_files import framework_write_csv, framework_write_yaml
from ..models import Framework
from ..selectors_frameworks import (
    MANAGE_FRAMEWORKS,
    framework_changes,
    framework_content,
    framework_for_user,
    frameworks_for_user,
)
from ..services.framework_drafts import (
    framework_draft_import,
    framework_draft_new_version,
    framework_draft_start,
)
from ..services.guards import TransitionRefused

EXPORTS = {
    "yaml": (framework_write_yaml, "application/yaml", "yaml"),
    "csv": (framework_write_csv, "text/csv", "csv"),
}


def edit_url(framework: Framework) -> str:
    return reverse("reviews:framework_edit", args=[framework.code, framework.version])


@login_required
def framework_list(request):
    frameworks = frameworks_for_user(request.user)
    context = {
        "frameworks": frameworks,
        "can_manage": rules.has_perm(MANAGE_FRAMEWORKS, request.user),
    }
    return render(request, "reviews/frameworks/list.html", context)


@login_required
def framework_detail(request, code: str, version: int):
    framework = framework_for_user(request, code=code, version=version)
    if framework.is_draft:
        return redirect(edit_url(framework))
    other_versions = frameworks_for_user(request.user).filter(code=code).exclude(pk=framework.pk)
    return render(
        request,
        "reviews/frameworks/detail.html",
        {
            "framework": framework,
            "other_versions": other_versions,
            "changes": framework_changes(framework),
            "draft": other_versions.filter(status=Framework.Status.DRAFT).first(),
            "can_manage": rules.has_perm(MANAGE_FRAMEWORKS, request.user),
        },
    )


@permission_required(MANAGE_FRAMEWORKS)
def framework_preview(request, code: str, version: int):
    framework = framework_for_user(request, code=code, version=version)
    return render(request, "reviews/frameworks/preview.html", {"framework": framework})


@permission_required(MANAGE_FRAMEWORKS)
def framework_export(request, code: str, version: int, kind: str):
    if kind not in EXPORTS:
        raise Http404
    framework = framework_for_user(request, code=code, version=version)
    write, content_type, extension = EXPORTS[kind]
    body = write(framework_content(framework))
    audit_record(
        action=AuditEvent.Action.FRAMEWORK_EXPORTED,
        request=request,
        obj=framework,
        detail={"version": framework.version, "format": kind},
    )
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{framework.code}-version-{framework.version}.{extension}"'
    )
    return response


@permission_required(MANAGE_FRAMEWORKS)
def framework_new(request):
    form = FrameworkStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            framework = framework_draft_start(
                by=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                request=request,
            )
        except TransitionRefused as refusal:
            form.add_error("name", refusal.reason)
        else:
            messages.success(request, f"Draft of {framework.name} started")
            return redirect(edit_url(framework))
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/frameworks/new.html", {"form": form}, status=status)


@require_POST
@permission_required(MANAGE_FRAMEWORKS)
def framework_version_new(request, code: str):
    latest = frameworks_for_user(request.user).filter(code=code).order_by("-version").first()
    if latest is None:
        raise Http404
    try:
        framework = framework_draft_new_version(code=code, by=request.user, request=request)
    except TransitionRefused as refusal:
        return render(
            request,
            "reviews/frameworks/refused.html",
            {"framework": latest, "problem": refusal.reason},
            status=409,
        )
    messages.success(request, f"Version {framework.version} started as a draft")
    return redirect(edit_url(framework))


@permission_required(MANAGE_FRAMEWORKS)
def framework_import(request):
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            framework = framework_draft_import(
                data=form.cleaned_data["data"],
                by=request.user,
                file_name=form.cleaned_data["file"].name[:200],
                request=request,
            )
        except TransitionRefused as refusal:
            form.add_error("file", refusal.reason)
        else:
            messages.success(
                request, f"{framework.name} imported as draft version {framework.version}"
            )
            return redirect(edit_url(framework))
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/frameworks/import.html", {"form": form}, status=status)
