import rules


@rules.predicate
def is_board_admin(user) -> bool:
    return bool(getattr(user, "is_board_admin", False))


@rules.predicate
def is_member_of_agency(user, agency) -> bool:
    if agency is None or not user.is_authenticated:
        return False
    return agency.pk in member_agency_ids(user)


def member_agency_ids(user) -> frozenset[int]:
    """The agencies a person belongs to, read once per request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_member_agency_ids", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("agency_id", flat=True))
        user._member_agency_ids = cached
    return cached


rules.add_perm("policies.upload_to_agency", is_member_of_agency)
rules.add_perm("policies.view_overdue", is_board_admin)
rules.add_perm("policies.view_all_agencies", is_board_admin)
rules.add_perm("audit.view_events", is_board_admin)
