from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

from .models import AuditEvent


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: a forwarded header is whatever the client says it is unless a trusted
    # proxy sets it, and the proxy's address is still a true record of where the request came from.
    return request.META.get("REMOTE_ADDR") if request is not None else None


def audit_record(
    *,
    action: str,
    request=None,
    actor=None,
    obj: models.Model | None = None,
    agency=None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        actor_email=getattr(actor, "email", "") or "",
        agency=agency,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        path=request.get_full_path()[:500] if request is not None else "",
        ip_address=client_ip(request),
        detail=detail or {},
    )


def access_refused(
    request,
    *,
    reason: str = "",
    permission: str = "",
    obj: models.Model | None = None,
    agency=None,
    error: Exception | None = None,
) -> Exception:
    """Record a refused access and give back the error to raise: a 403 (PermissionDenied)
    unless `error` says otherwise, such as a 404 where the object is not the person's to know of.
    """
    audit_record(
        action=AuditEvent.Action.ACCESS_REFUSED,
        request=request,
        obj=obj,
        agency=agency,
        detail={"permission": permission} if permission else {"reason": reason},
    )
    return error if error is not None else PermissionDenied()
