import functools

from django.conf import settings
from django.urls import reverse


def board(request):
    return {"BOARD_NAME": settings.BOARD_NAME}


# The service navigation's links, named as base.html uses them. They never change while the
# process runs, so they are worked out once rather than on every page.
NAVIGATION = {
    "home_url": "home",
    "logout_url": "logout",
    "policies_url": "policies:list",
    "frameworks_url": "reviews:frameworks",
    "reviews_url": "reviews:reviews",
    "cycles_url": "reviews:cycles",
    "audit_url": "audit:events",
    "admin_url": "admin:index",
}


@functools.cache
def _navigation_urls() -> dict[str, str]:
    return {name: reverse(url_name) for name, url_name in NAVIGATION.items()}


def navigation(request):
    return _navigation_urls()
