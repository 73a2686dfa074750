from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from audit.services import audit_record


def permission_required(perm: str):
    """Sign-in required, then `perm`; a refusal is a 403 and an audit event."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                audit_record(
                    action=AuditEvent.Action.ACCESS_REFUSED,
                    request=request,
                    detail={"permission": perm},
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
