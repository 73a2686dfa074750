"""The project's URLs plus the benchmark's floor: a page with the same middleware and session
lookup as every other page, and no work of its own."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def minimal(request):
    return HttpResponse("ok" if request.user.is_authenticated else "anonymous")


urlpatterns = [path("bench/minimal/", minimal), *project_urlpatterns]
