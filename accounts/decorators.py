from functools import wraps

from django.contrib.auth.decorators import login_required

from audit.services import access_refused


def permission_required(perm: str):
    """Sign-in required, then `perm`; a refusal is a 403 and an audit event."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise access_refused(request, permission=perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
