from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .sessions import IDLE, TOO_LONG, idle_limit_seconds, session_expiry

MESSAGES = {
    IDLE: "You were signed out because you had not done anything for {minutes} minutes. "
    "Sign in again to carry on.",
    TOO_LONG: "You were signed out because you had been signed in for {hours:g} hours. "
    "Sign in again to carry on.",
}


class SessionExpiryMiddleware:
    """Sign a person out when their session has been idle too long or has lasted too long.

    Django's own expiry slides forward whenever the session is saved, so the absolute lifetime
    (SESSION_COOKIE_AGE) is counted here from the moment of signing in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = session_expiry(request.session, user)
            if reason is not None:
                return self.signed_out(request, user, reason)
        return self.get_response(request)

    def signed_out(self, request, user, reason: str):
        logout(request)
        messages.info(
            request,
            MESSAGES[reason].format(
                minutes=idle_limit_seconds(user) // 60,
                hours=round(settings.SESSION_COOKIE_AGE / 3600, 1),
            ),
        )
        login_url = reverse(settings.LOGIN_URL)
        if request.method == "GET":
            login_url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(login_url)
