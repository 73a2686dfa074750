"""The passages suggested as evidence for a step's expectations, shown to a reviewer and to an
agency assessing itself. The evidence app, above this one, finds them: it registers its lookup
when it loads, because this app may not import it."""

from collections.abc import Callable

# Takes version_id, framework_id and section_number (keywords) and gives the suggestions per
# expectation id; an expectation missing from the result has none prepared yet.
SuggestionsLookup = Callable[..., dict[int, list[dict]]]

_lookups: dict[str, SuggestionsLookup] = {}


def suggestions_lookup_register(lookup: SuggestionsLookup) -> None:
    """Set the lookup; registering again replaces it."""
    _lookups["evidence"] = lookup


def step_suggestions(
    *, version_id: int | None, framework_id: int, section_number: int
) -> dict[int, list[dict]] | None:
    """The suggestions for one step, or None when no evidence finder is installed."""
    lookup = _lookups.get("evidence")
    if lookup is None or version_id is None:
        return None
    return lookup(version_id=version_id, framework_id=framework_id, section_number=section_number)
