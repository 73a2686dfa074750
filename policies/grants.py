"""Who else may see a policy version. Board admins and the agency's members see its policies by
the rules of this app; an app above this one that gives other people sight of a version (reviews:
reviewers and moderators see the versions under their reviews) registers a grant when it loads,
because this app may not import it."""

from collections.abc import Callable

from django.db.models import QuerySet

# A grant takes a signed-in person and gives the ids of the versions it lets them see, as a
# `values()` queryset, or None when it gives them nothing.
VersionGrant = Callable[[object], QuerySet | None]

_grants: dict[str, VersionGrant] = {}


def version_grant_register(name: str, grant: VersionGrant) -> None:
    """Add a grant under `name`; registering the same name again replaces it."""
    _grants[name] = grant


def versions_granted(user) -> list[QuerySet]:
    """The id querysets of every grant that gives `user` something."""
    return [ids for grant in _grants.values() if (ids := grant(user)) is not None]
