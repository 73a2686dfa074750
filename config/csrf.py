"""A form refused by Django's CSRF check: recorded, then the usual 403 page."""

from django.shortcuts import render

from audit.models import AuditEvent
from audit.services import audit_record


def csrf_failure(request, reason: str = ""):
    # The reason is Django's own short text (for example "CSRF token missing."), never the token.
    audit_record(
        action=AuditEvent.Action.CSRF_FAILED,
        request=request,
        detail={"reason": reason[:200], "method": request.method},
    )
    return render(request, "403.html", status=403)
