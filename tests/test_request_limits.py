"""Bodies larger than their page takes are refused before any of them is read."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory

from config.request_limits import RequestBodyLimitMiddleware, body_limit

pytestmark = pytest.mark.django_db

TWO_GIGABYTES = 2 * 1024 * 1024 * 1024


class UnreadableInput:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("The body was read.")

    readline = read


class EndlessInput:
    """A chunked body that never ends, counting what was read of it."""

    def __init__(self):
        self.given = 0

    def read(self, size=-1):
        size = 64 * 1024 if size is None or size < 0 else min(size, 64 * 1024)
        self.given += size
        return b"x" * size

    def readline(self, size=-1):
        return self.read(size)


def post_declaring(client, path: str, length: int):
    return client.generic(
        "POST",
        path,
        b"tiny",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableInput()},
    )


def test_a_two_gigabyte_check_is_refused_unread(client):
    response = post_declaring(client, "/outcomes/check/", TWO_GIGABYTES)

    assert response.status_code == 413
    page = response.content.decode()
    assert "The file is too large" in page
    assert "(21 MB)" in page


def test_a_two_gigabyte_upload_is_refused_unread(alice_client):
    response = post_declaring(alice_client, "/policies/new/", TWO_GIGABYTES)

    assert response.status_code == 413


def test_an_upload_just_over_its_limit_is_refused_and_one_under_it_is_read(alice_client, settings):
    settings.POLICY_UPLOAD_MAX_MB = 1
    limit = body_limit("/policies/new/")
    assert limit == 2 * 1024 * 1024  # the file's limit and a megabyte for the rest of the form

    assert post_declaring(alice_client, "/policies/new/", limit + 1).status_code == 413
    response = alice_client.post(
        "/policies/new/", {"file": SimpleUploadedFile("p.pdf", b"%PDF-1.7")}
    )
    assert response.status_code == 400  # read, and refused by the form for what it lacks


def test_other_pages_take_only_a_small_form(client, settings):
    assert body_limit("/sign-in/") == (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024)
    response = post_declaring(client, "/sign-in/", 10 * 1024 * 1024)

    assert response.status_code == 413


def test_a_chunked_body_is_cut_at_the_limit():
    endless = EndlessInput()
    request = RequestFactory().generic(
        "POST", "/outcomes/check/", HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": endless}
    )
    assert "CONTENT_LENGTH" not in request.META

    def read_everything(request):
        request.META["wsgi.input"].read()
        return HttpResponse("read it all")

    response = RequestBodyLimitMiddleware(read_everything)(request)

    assert response.status_code == 413
    assert endless.given <= body_limit("/outcomes/check/") + 1


def test_a_chunked_body_within_the_limit_reads_as_sent():
    request = RequestFactory().generic(
        "POST", "/outcomes/check/", **{"wsgi.input": io.BytesIO(b"a small body")}
    )

    def read_everything(request):
        return HttpResponse(request.META["wsgi.input"].read())

    response = RequestBodyLimitMiddleware(read_everything)(request)

    assert response.status_code == 200
    assert response.content == b"a small body"
