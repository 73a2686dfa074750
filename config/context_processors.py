import functools

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe


def board(request):
    return {"BOARD_NAME": settings.BOARD_NAME}


# The header's links, named as base.html uses them.
LINKS = {"home_url": "home", "logout_url": "logout"}

# The service navigation: label, URL name, who sees it, and whether the item is marked active
# on the page itself only ("page") or on every page under it ("section").
EVERYONE, AGENCY_MEMBERS, BOARD_ADMINS = "everyone", "agency members", "board admins"
NAVIGATION = [
    ("Home", "home", EVERYONE, "page"),
    ("Policies", "policies:list", EVERYONE, "section"),
    ("Frameworks", "reviews:frameworks", EVERYONE, "section"),
    ("Reviews", "reviews:reviews", EVERYONE, "page"),
    ("Action plan", "summaries:actions", AGENCY_MEMBERS, "section"),
    ("Dashboard", "summaries:dashboard_index", BOARD_ADMINS, "section"),
    ("Exports", "summaries:exports", BOARD_ADMINS, "section"),
    ("Messages", "summaries:messages", EVERYONE, "page"),
    ("Review cycles", "reviews:cycles", BOARD_ADMINS, "section"),
    ("Audit trail", "audit:events", BOARD_ADMINS, "section"),
    ("Agencies and people", "admin:index", BOARD_ADMINS, None),
]


# URLs never change while the process runs, so they are worked out once, not on every page.
@functools.cache
def _links() -> dict[str, str]:
    return {name: reverse(url_name) for name, url_name in LINKS.items()}


@functools.cache
def _navigation_urls() -> list[str]:
    return [reverse(url_name) for _, url_name, _, _ in NAVIGATION]


@functools.lru_cache(maxsize=256)
def _navigation_html(states: tuple[tuple[bool, bool, bool], ...]) -> str:
    """The list items, for each item (shown, active, current page)."""
    items = []
    for (label, _, _, _), url, (shown, active, current) in zip(
        NAVIGATION, _navigation_urls(), states, strict=True
    ):
        if shown:
            items.append(
                (
                    " govuk-service-navigation__item--active" if active else "",
                    url,
                    mark_safe(' aria-current="page"') if current else "",
                    label,
                )
            )
    return format_html_join(
        "\n",
        '<li class="govuk-service-navigation__item{}"><a class="govuk-service-navigation__link"'
        ' href="{}"{}>{}</a></li>',
        items,
    )


def _service_navigation(request) -> str:
    user = request.user
    audience = {
        EVERYONE: True,
        AGENCY_MEMBERS: not user.is_board_member,
        BOARD_ADMINS: user.is_board_admin,
    }
    path = request.path
    states = tuple(
        (
            audience[who],
            (path == url) if marks == "page" else (marks == "section" and url in path),
            marks is not None and path == url,
        )
        for (_, _, who, marks), url in zip(NAVIGATION, _navigation_urls(), strict=True)
    )
    return _navigation_html(states)


def navigation(request):
    # A callable: the template calls it only where the navigation is shown (people signed in).
    return {**_links(), "service_navigation": lambda: _service_navigation(request)}
