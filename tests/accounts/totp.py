"""Codes from a person's authenticator app, as the app would show them."""

import time

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the app shows now, or the next one if the current one has been used."""
    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step + device.drift + steps_ahead
    step = max(now, device.last_t + 1)
    return str(hotp(device.bin_key, step, digits=device.digits)).zfill(device.digits)
