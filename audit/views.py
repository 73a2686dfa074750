from datetime import datetime, time, timedelta

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from . import spreadsheet
from .decorators import permission_required
from .details import actor_label, event_details
from .forms import AuditFilterForm
from .models import AuditEvent
from .services import audit_record

EVENTS_PER_PAGE = 25


def _filtered_events(form: AuditFilterForm):
    events = AuditEvent.objects.select_related("agency")
    if not form.is_valid():
        return events
    data = form.cleaned_data
    if data["action"]:
        events = events.filter(action=data["action"])
    if data["person"]:
        events = events.filter(actor_email__icontains=data["person"])
    if data["agency"]:
        events = events.filter(agency=data["agency"])
    tz = timezone.get_current_timezone()
    if data["date_from"]:
        events = events.filter(at__gte=datetime.combine(data["date_from"], time.min, tz))
    if data["date_to"]:
        end = datetime.combine(data["date_to"] + timedelta(days=1), time.min, tz)
        events = events.filter(at__lt=end)
    return events


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@permission_required("audit.view_events")
def event_list(request):
    form = AuditFilterForm(request.GET or None)
    page = Paginator(_filtered_events(form), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for event in page.object_list:
        details, technical = event_details(event)
        rows.append(
            {"event": event, "who": actor_label(event), "details": details, "technical": technical}
        )
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "rows": rows, "query": _query(request)},
    )


@permission_required("audit.view_events")
def event_download(request):
    """The filtered trail as a spreadsheet, written as it is read."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # Show the filters' errors rather than quietly sending every event.
        return redirect(f"{reverse('audit:events')}?{_query(request)}")
    audit_record(
        action=AuditEvent.Action.EXPORT_DOWNLOADED,
        request=request,
        detail={"export": "Audit trail (CSV)", "filters": form.filters() if form.is_bound else {}},
    )
    response = StreamingHttpResponse(
        spreadsheet.csv_lines(_filtered_events(form)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="audit-trail-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    return response
