"""Sign-in with an organisation's account through OpenID Connect (mozilla-django-oidc).

The provider's endpoints come from its discovery document, fetched when first needed and kept
for an hour. Only people a board admin has invited can sign in: the provider's verified email
address must match an active account here. Nobody's account is ever created at sign-in.
"""

import threading
import time

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from audit.models import AuditEvent
from audit.services import audit_record

from .two_factor import second_factor_session_start

DISCOVERY_LIFETIME_SECONDS = 60 * 60
# Authentication methods (RFC 8176, and Microsoft Entra ID's own) that mean more than a password.
MFA_METHODS = {"mfa", "otp", "hwk", "sc", "fpt", "face", "iris", "retina", "sms", "tel", "fido"}
MFA_METHODS |= {"ngcmfa", "rsa"}


class ProviderUnavailable(Exception):
    pass


_discovery: dict = {}
_discovery_lock = threading.Lock()


def provider_configuration() -> dict:
    """The provider's discovery document, fetched at most once an hour per process."""
    url = settings.OIDC_DISCOVERY_URL
    with _discovery_lock:
        cached = _discovery.get(url)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise ProviderUnavailable(str(error)) from error
        required = ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"]
        if not all(isinstance(document.get(name), str) for name in required):
            raise ProviderUnavailable("The discovery document lacks an endpoint.")
        _discovery.clear()
        _discovery[url] = (time.monotonic() + DISCOVERY_LIFETIME_SECONDS, document)
        return document


def provider_configuration_forget() -> None:
    with _discovery_lock:
        _discovery.clear()


def axes_not_counted(request, credentials) -> bool:
    """The password lockout ignores the organisation sign-in's return (see settings)."""
    return request is not None and request.path_info == reverse("oidc_authentication_callback")


def provider_did_mfa(claims: dict) -> bool:
    methods = claims.get("amr") or []
    return isinstance(methods, list) and bool(MFA_METHODS.intersection(map(str, methods)))


def email_is_verified(claims: dict) -> bool:
    if claims.get("email_verified") is True:
        return True
    # Entra ID sends no email_verified claim at all; a board may choose to trust its directory.
    return settings.OIDC_TRUST_PROVIDER_EMAIL and "email_verified" not in claims


class OrganisationAccountBackend(OIDCAuthenticationBackend):
    """Finds the invited person whose verified email the provider gives; never creates one."""

    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):
        # Endpoints are read from the discovery document when a sign-in needs them, not each
        # time a signed-in person's request loads this backend.
        self.UserModel = get_user_model()

    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: provider_configuration()["token_endpoint"])
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: provider_configuration()["jwks_uri"])
    OIDC_OP_USER_ENDPOINT = property(
        lambda self: provider_configuration().get("userinfo_endpoint", "")
    )

    def authenticate(self, request, **kwargs):
        # Only the callback passes a nonce and code verifier: a password form never reaches here.
        if not settings.OIDC_ENABLED or request is None or "code_verifier" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if payload.get("iss") != provider_configuration()["issuer"]:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        if settings.OIDC_RP_CLIENT_ID not in audiences or "exp" not in payload:
            raise SuspiciousOperation("The ID token was not issued for this service.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The user info is about someone else.")
            claims.update(userinfo)
        # How the person signed in is only ever taken from the signed ID token.
        claims["amr"] = payload.get("amr") or []
        return claims

    def verify_claims(self, claims):
        return bool(claims.get("email"))

    def filter_users_by_claims(self, claims):
        email = str(claims.get("email", ""))
        if not email_is_verified(claims):
            self.refuse(email, reason="email address not verified by the provider")
            return self.UserModel.objects.none()
        users = self.UserModel.objects.filter(email__iexact=email, is_active=True)
        if not users.exists():
            self.refuse(email, reason="not invited")
        return users

    def create_user(self, claims):
        raise SuspiciousOperation("Accounts are made by invitation, never at sign-in.")

    def update_user(self, user, claims):
        user.provider_did_mfa = provider_did_mfa(claims)
        return user

    def refuse(self, email: str, *, reason: str) -> None:
        self.request.organisation_sign_in_refused = email
        audit_record(
            action=AuditEvent.Action.OIDC_SIGN_IN_REFUSED,
            request=self.request,
            detail={"email": email[:254], "reason": reason},
        )


class OrganisationSignInView(OIDCAuthenticationRequestView):
    """Sends the person to their organisation's provider, with state, nonce and PKCE."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_configuration()["authorization_endpoint"]
        except ProviderUnavailable:
            return render(
                request, "registration/organisation_failed.html", {"unavailable": True}, status=503
            )
        return super().get(request)


class OrganisationCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the person back here; a refusal is a page and an audit event."""

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        state = request.GET.get("state")
        if state and state not in request.session.get("oidc_states", {}):
            return self.failed(reason="unknown state")
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            return self.failed(reason=str(error))
        except (requests.RequestException, ProviderUnavailable) as error:
            return self.failed(reason=f"provider unavailable: {type(error).__name__}", status=502)

    def failed(self, *, reason: str, status: int = 400):
        audit_record(
            action=AuditEvent.Action.OIDC_SIGN_IN_REFUSED,
            request=self.request,
            detail={"reason": reason[:200]},
        )
        return render(self.request, "registration/organisation_failed.html", status=status)

    def login_failure(self):
        email = getattr(self.request, "organisation_sign_in_refused", None)
        if email is not None:
            return render(
                self.request, "registration/organisation_refused.html", {"email": email}, status=403
            )
        if self.request.GET.get("error"):
            return render(self.request, "registration/organisation_failed.html", status=400)
        return self.failed(reason="no person signed in")

    def login_success(self):
        response = super().login_success()
        second_factor_session_start(
            self.request,
            method="oidc",
            provider_mfa=settings.OIDC_TRUST_PROVIDER_MFA
            and getattr(self.user, "provider_did_mfa", False),
        )
        return response
