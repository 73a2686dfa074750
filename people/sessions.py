"""When a sign-in ends: after a spell of inactivity, after its absolute lifetime, or when the
person signs out of every device. Times are kept in the session as seconds since the epoch."""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

SIGNED_IN_AT = "people_signed_in_at"
LAST_ACTIVE_AT = "people_last_active_at"
# Activity is written back at most this often, so most requests leave the session unsaved.
ACTIVITY_RESOLUTION_SECONDS = 60

IDLE, TOO_LONG = "idle", "too_long"


def session_start(session, *, now: float | None = None) -> None:
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = int(now)
    session[LAST_ACTIVE_AT] = int(now)


def idle_limit_seconds(user) -> int:
    minutes = (
        settings.SESSION_IDLE_TIMEOUT_BOARD_MINUTES
        if user.is_board_member
        else settings.SESSION_IDLE_TIMEOUT_MINUTES
    )
    return minutes * 60


def session_expiry(session, user, *, now: float | None = None) -> str | None:
    """Why the session has ended (IDLE or TOO_LONG), or None, noting this request's activity."""
    now = time.time() if now is None else now
    if SIGNED_IN_AT not in session or LAST_ACTIVE_AT not in session:
        # A session from before these stamps were kept: it starts counting now.
        session_start(session, now=now)
        return None
    if now - session[SIGNED_IN_AT] > settings.SESSION_COOKIE_AGE:
        return TOO_LONG
    if now - session[LAST_ACTIVE_AT] > idle_limit_seconds(user):
        return IDLE
    if now - session[LAST_ACTIVE_AT] >= ACTIVITY_RESOLUTION_SECONDS:
        session[LAST_ACTIVE_AT] = int(now)
    return None


def sessions_end_for(*, user, keep_session_key: str | None = None) -> int:
    """End every session of the person in the session store except `keep_session_key`.

    Sessions do not record whose they are in a column, so each live one is read; a board's
    sessions number in the hundreds. Needs a database-backed session engine (the default).
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(
        session_key=keep_session_key or ""
    )
    for row in live.iterator():
        if str(row.get_decoded().get(SESSION_KEY)) == str(user.pk):
            store(session_key=row.session_key).delete()
            ended += 1
    return ended
