import ipaddress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction

from .chain import TRIMMED_HASH
from .models import AuditEvent, chain_tip


def client_ip(request) -> str | None:
    """The address a request came from, for the audit trail, sign-in throttling and rate limits.

    With no proxy in front (TRUSTED_PROXIES = 0) that is REMOTE_ADDR. Behind N reverse proxies,
    each appending the address it was reached from to X-Forwarded-For, it is the N-th entry from
    the right: what the outermost proxy saw. Entries further left are whatever the client sent,
    so they are never read; a header shorter than that, or not an address, is not trusted.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote


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


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What changed between two snapshots of the same fields, as {field: {"from": x, "to": y}}."""
    return {
        name: {"from": before.get(name), "to": value}
        for name, value in after.items()
        if before.get(name) != value
    }


def change_record(
    *,
    action: str,
    obj: models.Model,
    changes: dict[str, dict[str, Any]],
    request=None,
    actor=None,
    agency=None,
    route: str = "app",
) -> AuditEvent | None:
    """Record a change to people, rights, agencies, frameworks or settings: what changed from
    what to what, and by which route (the app's pages, the Django admin, a management command).
    Nothing is recorded when nothing changed.
    """
    if not changes:
        return None
    return audit_record(
        action=action,
        request=request,
        actor=actor,
        obj=obj,
        agency=agency,
        detail={"changes": changes, "route": route},
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


@dataclass(frozen=True)
class TrailTrim:
    """What a retention run removes from the audit trail: the oldest events, through one event."""

    count: int
    through_id: int | None
    through_hash: str


def audit_trail_expired(*, before: datetime) -> TrailTrim:
    """The events older than `before`: always the oldest part of the trail, so what is left is
    still one unbroken chain."""
    last = AuditEvent.objects.filter(at__lt=before).order_by("-pk").values("pk", "hash").first()
    if last is None:
        return TrailTrim(0, None, "")
    count = AuditEvent.objects.filter(pk__lte=last["pk"]).count()
    return TrailTrim(count, last["pk"], last["hash"])


def audit_trail_trim(*, before: datetime) -> TrailTrim:
    """Remove the events older than `before` and record where the trail now begins: the hash of
    the last event removed, which the oldest event kept follows on from."""
    with transaction.atomic():
        # Under the chain's lock, so no event is written between the removal and its record.
        chain_tip()
        trim = audit_trail_expired(before=before)
        if not trim.count:
            return trim
        with connection.cursor() as cursor:
            # The one sanctioned removal of audit events; the models refuse every other.
            cursor.execute("DELETE FROM audit_auditevent WHERE id <= %s", [trim.through_id])
        audit_record(
            action=AuditEvent.Action.RETENTION_APPLIED,
            detail={
                "audit_events_removed": trim.count,
                "older_than": before.isoformat(),
                "removed_through_id": trim.through_id,
                TRIMMED_HASH: trim.through_hash,
            },
        )
    return trim
