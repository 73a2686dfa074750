"""The second factor: a TOTP code from an authenticator app, or a one-time recovery code.

A password alone never signs in a board admin, reviewer or moderator; for agency members the
board chooses (AGENCY_MEMBER_SECOND_FACTOR: off, offered or required). The sign-in pages mark
the session with how the person signed in; SecondFactorMiddleware then keeps them to the code
page (or to setting one up) until django-otp counts the session as verified.
"""

from base64 import b32decode, b32encode
from binascii import hexlify
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import audit_record

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

# Session keys, written by the sign-in pages.
SIGN_IN_METHOD = "sign_in_method"  # "password" or "oidc"
CODE_DUE = "second_factor_code_due"  # the person had a second factor when they signed in
PROVIDER_MFA = "second_factor_by_provider"  # the organisation's provider did more than a password
RECOVERY_CODES_TO_SHOW = "recovery_codes_to_show"

# Pages a person may reach before giving their second factor.
EXEMPT_PREFIXES = (
    "/sign-in/",
    "/sign-out/",
    "/account/second-factor/",
    "/oidc/",
    "/static/",
    "/outcomes/check/",
    "/privacy/",
    "/accessibility/",
    "/people/invitation/",
)


# Who needs one


def second_factor_required(user) -> bool:
    if user.is_board_member or user.is_superuser:
        return True
    return settings.AGENCY_MEMBER_SECOND_FACTOR == "required"


def second_factor_offered(user) -> bool:
    return second_factor_required(user) or settings.AGENCY_MEMBER_SECOND_FACTOR == "offered"


def totp_device_for(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# The session


def second_factor_session_start(request, *, method: str, provider_mfa: bool = False) -> None:
    """Called by the sign-in pages just after Django's login(): what this session still owes."""
    request.session[SIGN_IN_METHOD] = method
    request.session[PROVIDER_MFA] = provider_mfa
    request.session[CODE_DUE] = not provider_mfa and totp_device_for(request.user) is not None


def second_factor_step(request) -> str | None:
    """Where a signed-in person must go first: "code", "enrol", or nowhere (None).

    Sessions not made by the sign-in pages (the test client's force_login) owe nothing.
    """
    session = request.session
    if SIGN_IN_METHOD not in session or session.get(PROVIDER_MFA):
        return None
    # Just after login() the person is a plain User, not yet wrapped by OTPMiddleware.
    if getattr(request.user, "otp_device", None) is not None:
        return None
    if session.get(CODE_DUE):
        return "code"
    if second_factor_required(request.user):
        return "enrol"
    return None


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path_info.startswith(EXEMPT_PREFIXES):
            step = second_factor_step(request)
            if step is not None:
                target = "second_factor_code" if step == "code" else "second_factor"
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)


# Setting one up


def totp_enrolment_start(*, person) -> TOTPDevice:
    """The device being set up: unconfirmed until the person types a code from it."""
    device = totp_device_for(person, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=person, name=DEVICE_NAME, confirmed=False)
    return device


def totp_key_groups(device: TOTPDevice) -> list[str]:
    """The key as people type it into an app: base32, in groups of four."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return [key[i : i + 4] for i in range(0, len(key), 4)]


def totp_qr_code(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG data URI, for an <img>."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=4)


def totp_enrolment_confirm(*, device: TOTPDevice, code: str, request) -> list[str] | None:
    """Confirm the device with a code from it; give back fresh recovery codes, or None if the
    code was wrong (recorded)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(code.strip()):
            audit_record(
                action=AuditEvent.Action.SECOND_FACTOR_FAILED,
                request=request,
                detail={"step": "set up"},
            )
            return None
        TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_create(person=device.user)
        audit_record(action=AuditEvent.Action.SECOND_FACTOR_ADDED, request=request)
    otp_login(request, device)
    return codes


def recovery_codes_create(*, person) -> list[str]:
    """A new set of one-time recovery codes; any earlier set stops working."""
    StaticDevice.objects.filter(user=person).delete()
    device = StaticDevice.objects.create(user=person, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


# Signing in with one


class CodeRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def second_factor_verify(*, person, code: str, request):
    """Check a code from the app (6 digits) or a recovery code; sign the session in with the
    device that accepted it. Wrong codes are recorded and slow down further attempts."""
    code = "".join(code.split()).lower()
    device_class = TOTPDevice if code.isdigit() else StaticDevice
    refusal = None
    throttled = False
    with transaction.atomic():
        device = (
            device_class.objects.select_for_update()
            .filter(user=person, confirmed=True)
            .order_by("-pk")
            .first()
        )
        if device is None:
            refusal = "Enter the 6-digit code from your authenticator app"
        elif not device.verify_is_allowed()[0]:
            throttled = True
            refusal = "You have entered too many wrong codes. Wait a minute, then try again"
        elif not device.verify_token(code):
            refusal = "The code is not right. Enter the latest code from your app"
        if refusal is not None:
            audit_record(
                action=AuditEvent.Action.SECOND_FACTOR_FAILED,
                request=request,
                detail={
                    "step": "sign in",
                    "kind": "app" if device_class is TOTPDevice else "recovery code",
                    "throttled": throttled,
                },
            )
    if refusal is not None:
        raise CodeRefused(refusal)
    otp_login(request, device)
    request.session[CODE_DUE] = False
    return device


# Resetting one


def second_factor_reset(*, person, by, request=None) -> None:
    """Remove a person's app and recovery codes: they set up a new one when they next sign in.
    Callers check that `by` may do this."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person).delete()
        audit_record(
            action=AuditEvent.Action.SECOND_FACTOR_RESET,
            request=request,
            actor=by,
            obj=person,
            detail={"person": person.email},
        )


def second_factor_reset_allowed(*, person, by) -> bool:
    if not (by.is_active and (by.is_board_admin or by.is_superuser)):
        return False
    return by.is_superuser or not person.is_superuser


# Demo


# Every demo account's authenticator app: local demo only, written in the README.
DEMO_TOTP_KEY = "WEXC OMBE DEMO KEY2 LOCA LUSE ONLY 2345"


def demo_devices_create(users, key: str) -> None:
    """Give each demo account a confirmed app with the same base32 key (local demo only)."""
    hex_key = hexlify(b32decode(key.upper().replace(" ", ""))).decode("ascii")
    for user in users:
        TOTPDevice.objects.update_or_create(
            user=user, name=DEVICE_NAME, defaults={"key": hex_key, "confirmed": True}
        )
