from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AuditEvent
from audit.services import audit_record


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    method = "oidc" if getattr(user, "backend", "").startswith("accounts.oidc.") else "password"
    audit_record(
        action=AuditEvent.Action.SIGN_IN, request=request, actor=user, detail={"method": method}
    )


@receiver(user_logged_out)
def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditEvent.Action.SIGN_OUT, request=request, actor=user)


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    # Only the email address typed is kept; the password never is.
    audit_record(
        action=AuditEvent.Action.SIGN_IN_FAILED,
        request=request,
        detail={"email": str(credentials.get("username", ""))[:254]},
    )
