from urllib.parse import urlencode

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from audit.decorators import permission_required
from audit.models import AuditEvent
from audit.services import access_refused, audit_record

from . import selectors
from .forms import NewPolicyForm, PageSearchForm, PolicyFilterForm, PolicyVersionForm
from .models import Agency, PolicyVersion
from .rules import member_agency_ids
from .services import UploadRefused, policy_version_upload


@login_required
def policy_list(request):
    visible = selectors.agencies_for_user(request.user).order_by("name")
    agencies = list(visible)
    form = PolicyFilterForm(request.GET or None, agencies=visible)
    filters = form.cleaned_data if form.is_valid() else {}
    agency = filters.get("agency")
    search = filters.get("q", "").strip()
    documents = selectors.document_list(
        user=request.user, agency_id=agency.pk if agency else None, search=search
    )
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    query = {"agency": agency.pk} if agency else {}
    if search:
        query["q"] = search
    can_upload = any(may_upload(request.user, a) for a in agencies)
    past_review = 0
    if member_agency_ids(request.user):
        past_review = selectors.member_documents_past_review(user=request.user).count()
    return render(
        request,
        "policies/policy_list.html",
        {
            "page": page,
            "form": form,
            "filtered": bool(agency or search),
            "query": urlencode(query),
            "choose_agency": len(agencies) > 1,
            "can_upload": can_upload,
            "past_review": past_review,
        },
    )


def may_upload(user, agency) -> bool:
    """Only an agency's own members upload its policies. The rule is tested itself, not through
    user.has_perm, which grants a superuser every permission."""
    return rules.has_perm("policies.upload_to_agency", user, agency)


def _upload_agencies(user):
    """Active agencies the person may upload to: only those they are a member of."""
    allowed = [
        agency.pk
        for agency in selectors.agencies_for_user(user).filter(is_active=True)
        if may_upload(user, agency)
    ]
    return Agency.objects.filter(pk__in=allowed).order_by("name")


@login_required
def policy_new(request):
    agencies = _upload_agencies(request.user)
    if not agencies:
        raise access_refused(
            request,
            reason="not a member of an active agency",
        )
    form = NewPolicyForm(
        request.POST or None,
        request.FILES or None,
        agencies=agencies,
        max_mb=settings.POLICY_UPLOAD_MAX_MB,
    )
    if request.method == "POST" and form.is_valid():
        version = _upload(
            request,
            form,
            agency=form.cleaned_data["agency"],
            title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
        )
        if version is not None:
            return redirect(version.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "policies/policy_new.html", {"form": form}, status=status)


def _upload(request, form, **where) -> PolicyVersion | None:
    """Store the form's file, or put the reason it was refused on the form."""
    try:
        version = policy_version_upload(
            by=request.user,
            uploaded_file=form.cleaned_data["file"],
            metadata=form.metadata(),
            request=request,
            **where,
        )
    except UploadRefused as refusal:
        form.add_error("file", refusal.reason)
        return None
    messages.success(request, "Uploaded. We are checking the file and reading its text.")
    if version.removed_content:
        messages.info(
            request,
            f"We removed {'; '.join(version.removed_content)} before storing it, "
            "so it cannot run on reviewers’ computers.",
        )
    return version


@login_required
def document_detail(request, pk: int):
    document = selectors.document_get_for_user(request, pk)
    # Reviewers and moderators see only the versions under their own reviews.
    versions = (
        selectors.versions_for_user(request.user)
        .filter(document=document)
        .select_related("uploaded_by")
        .order_by("-number")
    )
    page = Paginator(versions, 50).get_page(request.GET.get("page"))
    current = versions.filter(pk=document.current_version_id).first()
    can_upload = may_upload(request.user, document.agency)
    return render(
        request,
        "policies/document_detail.html",
        {"document": document, "page": page, "current": current, "can_upload": can_upload},
    )


@login_required
def version_new(request, pk: int):
    document = selectors.document_get_for_user(request, pk)
    if not may_upload(request.user, document.agency):
        raise access_refused(
            request,
            obj=document,
            agency=document.agency,
            reason="only the agency's members upload",
        )
    previous = document.versions.exclude(status=PolicyVersion.Status.REJECTED).first()
    initial = {}
    if previous is not None:
        initial = {
            "owner": previous.owner,
            "classification": previous.classification,
            "retention_period": previous.retention_period,
        }
    form = PolicyVersionForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        max_mb=settings.POLICY_UPLOAD_MAX_MB,
    )
    if request.method == "POST" and form.is_valid():
        version = _upload(request, form, agency=document.agency, document=document)
        if version is not None:
            return redirect(version.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request, "policies/version_new.html", {"form": form, "document": document}, status=status
    )


@login_required
def version_detail(request, pk: int, number: int):
    version = selectors.version_get_for_user(request, pk, number)
    search_form = PageSearchForm(request.GET or None)
    search = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
    pages = Paginator(selectors.version_pages(version=version, search=search), 1)
    page = pages.get_page(request.GET.get("page"))
    return render(
        request,
        "policies/version_detail.html",
        {
            "version": version,
            "document": version.document,
            "is_current": version.pk == version.document.current_version_id,
            "page": page,
            "search_form": search_form,
            "search": search,
            "query": urlencode({"q": search}) if search else "",
        },
    )


@require_GET
@login_required
def version_status(request, pk: int, number: int):
    version = selectors.version_get_for_user(request, pk, number)
    return JsonResponse(
        {
            "status": version.status,
            "label": version.get_status_display(),
            "reason": version.rejection_reason,
        }
    )


@require_GET
@login_required
def version_download(request, pk: int, number: int):
    version = selectors.version_get_for_user(request, pk, number)
    if not version.file:
        raise Http404("This version's file was not kept because it did not pass the checks.")
    audit_record(
        action=AuditEvent.Action.DOWNLOAD,
        request=request,
        obj=version,
        agency=version.document.agency,
    )
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.download_name,
        content_type=version.media_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required("policies.view_overdue")
def policies_past_review(request):
    documents = selectors.documents_past_review(user=request.user)
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    return render(request, "policies/past_review.html", {"page": page})
