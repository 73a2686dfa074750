"""Board admins ask for an export, watch its progress and download the file."""

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from audit.decorators import permission_required
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
    else:
        initial["cycle"] = selectors.cycle_current()
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
            # Info, not success: nothing has been built yet.
            messages.info(request, f"{export} requested. It is being built.")
            return redirect(export.get_absolute_url())
    exports = selectors.exports_for_user(request.user)[:20]
    status = 400 if request.method == "POST" else 200
    return render(
        request, "summaries/exports/list.html", {"form": form, "exports": exports}, status=status
    )


def _status(export: Export) -> dict:
    """What the export page shows, on first render and as it updates itself in place."""
    Status = Export.Status
    pending = export.status in (Status.PENDING, Status.PROCESSING)
    if pending:
        message = f"{export.get_status_display()}: {export.progress}% done"
    elif export.status == Status.READY:
        message = "Ready to download"
    else:
        message = (
            f"It could not be built: {export.last_error}. Start the export again; "
            "if it fails again, tell the service's support."
        )
    return {
        "status": export.status,
        "pending": pending,
        "status_label": export.get_status_display(),
        "progress": export.progress,
        "message": message,
        "error": export.last_error if export.status == Status.FAILED else "",
        "download_url": (
            reverse("summaries:export_download", args=[export.pk])
            if export.status == Status.READY
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
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.download_name,
        content_type=content_types[export.format],
    )
    # Every agency's findings: never kept by a browser or a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
