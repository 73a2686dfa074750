"""The demo's own clock, so that its invented history is dated when the story says it happened.

Only demo seeding uses this. While it runs, `django.utils.timezone.now` reads the clock, and so
does every field whose default is `timezone.now` (such as the audit event's `at`) when a row is
made without it: the services' timestamps, `auto_now_add` fields and audit events are stamped
with the moment set for each step of the story as the rows are created. Nothing is rewritten
afterwards, so an audit event's hash covers the time it carries, and the services stay as they
are. A moment still in the future is never used: the clock stops at the real time, so nothing is
dated after the day the demo was seeded.
"""

import contextlib
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.db.models.signals import pre_init
from django.utils import timezone


class DemoClock:
    def __init__(self, real_now):
        self._real_now = real_now
        self._moment = real_now()
        self._set_at = time.monotonic()

    def set(self, day: date, hour: int = 9, minute: int = 0) -> None:
        """Move the clock to `day` at `hour`:`minute`, board time; it then runs on from there."""
        self._moment = timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))
        self._set_at = time.monotonic()

    def now(self) -> datetime:
        # Runs on in real time from the moment set, so events of one step keep their order.
        moment = self._moment + timedelta(seconds=time.monotonic() - self._set_at)
        return min(moment, self._real_now())


@contextlib.contextmanager
def demo_clock() -> Iterator[DemoClock]:
    """Within this block, what the services write is stamped by the clock it gives back."""
    real_now = timezone.now
    clock = DemoClock(real_now)

    def stamp_defaults(sender, args, kwargs, **_):
        # A field's default was bound to the real `timezone.now` when its model was defined.
        # Only rows made by keyword, as the services make them; rows read back come positionally.
        if args:
            return
        for field in sender._meta.concrete_fields:
            if field.default is real_now and field.attname not in kwargs:
                kwargs[field.attname] = clock.now()

    timezone.now = clock.now
    pre_init.connect(stamp_defaults, weak=False, dispatch_uid="demo_clock")
    try:
        yield clock
    finally:
        pre_init.disconnect(dispatch_uid="demo_clock")
        timezone.now = real_now
