"""Limits on what a request may cost: its body's size, and how many heavy checks run at once.

Django reads a form's whole body (spooling files to disk) before a view can look at its size, so a
huge POST costs the server time and disk even though it is refused in the end. This middleware
runs before anything reads the body: a declared length over the limit is answered 413 at once,
and a body with no declared length is read through a reader that stops at the limit.
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.urls import Resolver404, resolve

# The form's other fields and the multipart wrapping around an uploaded file.
FORM_MARGIN_BYTES = 1024 * 1024
MEGABYTE = 1024 * 1024

# Pages that take a file, by URL name, and the setting that caps the file, in megabytes.
_FILE_PAGES = {
    "policies:new": "POLICY_UPLOAD_MAX_MB",
    "policies:version_new": "POLICY_UPLOAD_MAX_MB",
    "outcomes:check": "OUTCOME_CHECK_MAX_MB",
}


def body_limit(path: str) -> int:
    """The largest request body, in bytes, the page at path accepts."""
    try:
        name = resolve(path).view_name
    except Resolver404:
        name = ""
    setting = _FILE_PAGES.get(name)
    if setting is not None:
        return getattr(settings, setting) * MEGABYTE + FORM_MARGIN_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE + FORM_MARGIN_BYTES


class BoundedInput:
    """A request body stream that refuses to give more than limit bytes."""

    def __init__(self, stream, limit: int) -> None:
        self._stream = stream
        self._remaining = limit
        self.exceeded = False

    def _check(self, data: bytes) -> bytes:
        self._remaining -= len(data)
        if self._remaining < 0:
            self.exceeded = True
            raise RequestDataTooBig("The request body is larger than this page accepts.")
        return data

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(64 * 1024), b""))
        # One byte past the limit is enough to know it was exceeded.
        return self._check(self._stream.read(min(size, self._remaining + 1)))

    def readline(self, size: int = -1) -> bytes:
        allowed = self._remaining + 1
        return self._check(self._stream.readline(allowed if size < 0 else min(size, allowed)))


class RequestBodyLimitMiddleware:
    """Answer 413 to a body larger than its page accepts, without reading it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = body_limit(request.path_info)
        declared = request.META.get("CONTENT_LENGTH")
        if declared:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = False
            if too_large:
                return too_large_response(request, limit)
            return self.get_response(request)
        if "wsgi.input" not in request.META:
            return self.get_response(request)
        # No declared length (a chunked body, say): whatever reads it stops at the limit.
        bounded = BoundedInput(request.META["wsgi.input"], limit)
        request.META["wsgi.input"] = bounded
        try:
            response = self.get_response(request)
        except RequestDataTooBig:
            if not bounded.exceeded:
                raise
        # Whatever read too much has already turned the error into a response; this one says why.
        if bounded.exceeded:
            return too_large_response(request, limit)
        return response


def too_large_response(request, limit: int):
    return render(request, "413.html", {"limit_mb": max(limit // MEGABYTE, 1)}, status=413)


@contextmanager
def server_slot(name: str, *, slots: int, expiry_seconds: float) -> Iterator[bool]:
    """Take one of a few places shared by every web process; yield whether one was free.

    Each place is a key in the shared cache, added atomically; it expires on its own, so a
    process that dies holding one does not keep it.
    """
    token = secrets.token_hex(8)
    taken = next(
        (
            key
            for key in (f"slot:{name}:{number}" for number in range(slots))
            if cache.add(key, token, timeout=expiry_seconds)
        ),
        None,
    )
    try:
        yield taken is not None
    finally:
        if taken is not None and cache.get(taken) == token:
            cache.delete(taken)


def retry_later_response(request, template: str, *, status: int, seconds: int):
    response = render(request, template, status=status)
    response["Retry-After"] = str(max(int(seconds), 1))
    return response
