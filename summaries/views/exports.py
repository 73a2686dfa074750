"""Board admins ask for an export, watch its progress and download the file."""

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.decorators import permission_required
from audit.services import audit_record

from .. import selectors
from ..forms import ExportForm
from ..models import Export
from ..services.exports import EXPORT_DOWNLOADED, ExportRefused, export_request

EXPORT = "summaries.export"


@permission_required(EXPORT)
def export_list(request):
    initial = {"format": Export.Format.XLSX}
    if request.GET.get("cycle", "").isdigit():
        initial["cycle"] = int(request.GET["cycle"])
    form = ExportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            export = export_request(
                by=request.user,
                format=data["format"],
                cycle=data["cycle"],
                year=data["year"],
                request=request,
            )
        except ExportRefused as refusal:
            form.add_error(None, refusal.reason)
        else:
            messages.success(request, f"{export} is being built")
            return redirect(export.get_absolute_url())
    exports = selectors.exports_for_user(request.user)[:20]
    status = 400 if request.method == "POST" else 200
    return render(
        request, "summaries/exports/list.html", {"form": form, "exports": exports}, status=status
    )


def _status(export: Export) -> dict:
    return {
        "status": export.status,
        "status_label": export.get_status_display(),
        "progress": export.progress,
        "error": export.last_error if export.status == Export.Status.FAILED else "",
        "download_url": (
            reverse("summaries:export_download", args=[export.pk])
            if export.status == Export.Status.READY
            else ""
        ),
    }


@permission_required(EXPORT)
def export_detail(request, pk: int):
    export = selectors.export_get_for_user(request, pk)
    return render(
        request, "summaries/exports/detail.html", {"export": export, "state": _status(export)}
    )


@permission_required(EXPORT)
def export_status(request, pk: int):
    return JsonResponse(_status(selectors.export_get_for_user(request, pk)))


@permission_required(EXPORT)
def export_download(request, pk: int):
    export = selectors.export_get_for_user(request, pk)
    if export.status != Export.Status.READY or not export.file:
        raise Http404("This export is not ready.")
    audit_record(action=EXPORT_DOWNLOADED, request=request, obj=export)
    content_types = {
        Export.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Export.Format.CSV: "text/csv; charset=utf-8",
        Export.Format.PDF: "application/pdf",
    }
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.download_name,
        content_type=content_types[export.format],
    )
