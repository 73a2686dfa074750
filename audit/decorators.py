from functools import wraps

import rules
from django.contrib.auth.decorators import login_required

from .services import access_refused


def permission_required(perm: str):
    """Sign-in required, then `perm`; a refusal is a 403 and an audit event.

    The rule itself is asked, not `user.has_perm`, which lets a superuser through everything: the
    superuser is a technical role, and only the board roles give the board's rights.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not rules.has_perm(perm, request.user):
                raise access_refused(request, permission=perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
