"""A real Celery worker in a thread of the test process, on the configured broker."""

import contextlib
import time

from celery.contrib.testing.worker import start_worker

from config.celery import app


@contextlib.contextmanager
def running_worker():
    app.control.purge()
    with start_worker(
        app,
        pool="threads",
        concurrency=2,
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=30,
    ):
        yield


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"gave up after {timeout} s waiting for {predicate.__doc__ or predicate}")
