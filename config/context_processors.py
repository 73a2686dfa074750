import functools
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse


def board(request):
    return {"BOARD_NAME": settings.BOARD_NAME}


# The header's links, named as base.html uses them.
LINKS = {"home_url": "home", "logout_url": "logout"}

EVERYONE, AGENCY_MEMBERS, BOARD_ADMINS = "everyone", "agency members", "board admins"


@dataclass(frozen=True)
class Section:
    """One item of the service navigation and the pages that belong to it.

    `pages` are prefixes of URL names ("reviews:section" is the review's step page). On any page
    the item shown to the person with the longest prefix matching the page's URL name is the active
    one; Home's empty prefix matches every page, so exactly one item is always active.
    """

    label: str
    url_name: str
    audience: str
    pages: tuple[str, ...]


NAVIGATION = [
    Section("Home", "home", EVERYONE, ("",)),
    Section("Policies", "policies:list", EVERYONE, ("policies:",)),
    Section("Frameworks", "reviews:frameworks", EVERYONE, ("reviews:framework",)),
    Section(
        "Reviews",
        "reviews:reviews",
        EVERYONE,
        (
            "reviews:review",
            "reviews:section",
            "reviews:outcome",
            "reviews:check",
            "reviews:moderate",
            "outcomes:",
        ),
    ),
    Section(
        "Action plan",
        "summaries:actions",
        AGENCY_MEMBERS,
        ("summaries:action", "summaries:review_actions", "summaries:comparison"),
    ),
    # A board admin reaches every agency's actions and a single action from the dashboard.
    Section(
        "Dashboard",
        "summaries:dashboard_index",
        BOARD_ADMINS,
        (
            "summaries:dashboard",
            "summaries:carry_forward",
            "summaries:actions_board",
            "summaries:action",
            "summaries:review_actions",
            "summaries:comparison",
        ),
    ),
    Section("Exports", "summaries:exports", BOARD_ADMINS, ("summaries:export",)),
    Section("Messages", "summaries:messages", EVERYONE, ("summaries:messages",)),
    # Managing one review (reassigning, withdrawing) is part of running its cycle.
    Section(
        "Review cycles", "reviews:cycles", BOARD_ADMINS, ("reviews:cycle", "reviews:review_manage")
    ),
    Section("Audit trail", "audit:events", BOARD_ADMINS, ("audit:",)),
    # A person's own account page ("people:account") is not part of managing the board's people.
    Section(
        "Agencies and people",
        "people:list",
        BOARD_ADMINS,
        (
            "people:list",
            "people:person",
            "people:invite",
            "people:roles",
            "people:membership",
            "people:deactivate",
            "people:reactivate",
            "people:invitation_resend",
            "people:agenc",
        ),
    ),
]


# URLs never change while the process runs, so they are worked out once, not on every page.
@functools.cache
def _links() -> dict[str, str]:
    return {name: reverse(url_name) for name, url_name in LINKS.items()}


@functools.cache
def _navigation_urls() -> tuple[str, ...]:
    return tuple(reverse(section.url_name) for section in NAVIGATION)


def _match(section: Section, view_name: str) -> int:
    """How closely the page belongs to the section: the longest matching prefix, or -1."""
    return max((len(page) for page in section.pages if view_name.startswith(page)), default=-1)


def navigation_items(request) -> list[dict]:
    """The items shown to the person, each with its label, URL and whether it is active."""
    user = request.user
    audience = {
        EVERYONE: True,
        AGENCY_MEMBERS: not user.is_board_member,
        BOARD_ADMINS: user.is_board_admin,
    }
    match = request.resolver_match
    view_name = match.view_name if match is not None else ""
    shown = [
        (section, url)
        for section, url in zip(NAVIGATION, _navigation_urls(), strict=True)
        if audience[section.audience]
    ]
    # max() keeps the first of equal matches, so the order of NAVIGATION breaks ties.
    active = max(shown, key=lambda item: _match(item[0], view_name))[0]
    return [
        {
            "label": section.label,
            "url": url,
            "active": section is active,
            "current": section is active and request.path == url,
        }
        for section, url in shown
    ]


def navigation(request):
    # A callable: the template calls it only where the navigation is shown (people signed in).
    return {**_links(), "service_navigation": lambda: navigation_items(request)}
