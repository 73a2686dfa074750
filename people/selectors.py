"""Reads of people and agencies, limited to what the person asking may see: board admins see
everyone; nobody else sees anyone through these pages."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Prefetch, Q, QuerySet

from policies.models import Agency, Membership

from .models import Invitation, token_digest

User = get_user_model()

ACTIVE, INVITED, DEACTIVATED = "active", "invited", "deactivated"
STATUSES = [(ACTIVE, "Active"), (INVITED, "Invited, no password yet"), (DEACTIVATED, "Deactivated")]
ROLE_FILTERS = {
    "board_admin": ("is_board_admin", "Board admin"),
    "reviewer": ("is_reviewer", "Reviewer"),
    "moderator": ("is_moderator", "Moderator"),
    "agency_member": (None, "Agency member"),
}


def _memberships():
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("agency").order_by("agency__name"),
    )


def people_for(user) -> QuerySet:
    if not (user.is_authenticated and user.is_board_admin):
        return User.objects.none()
    return User.objects.all()


def people_list(
    *, user, search: str = "", role: str = "", agency: Agency | None = None, status: str = ""
) -> QuerySet:
    """People matching the filters, each with their memberships, in two queries however many."""
    people = people_for(user).prefetch_related(_memberships()).order_by("full_name", "email")
    if search:
        people = people.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    if role in ROLE_FILTERS:
        flag = ROLE_FILTERS[role][0]
        people = people.filter(**{flag: True}) if flag else people.filter(memberships__isnull=False)
    if agency is not None:
        people = people.filter(memberships__agency=agency)
    no_password = Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    if status == ACTIVE:
        people = people.filter(is_active=True).exclude(no_password)
    elif status == INVITED:
        people = people.filter(no_password, is_active=True)
    elif status == DEACTIVATED:
        people = people.filter(is_active=False)
    return people.distinct()


def person_status(person) -> str:
    if not person.is_active:
        return DEACTIVATED
    return ACTIVE if person.has_usable_password() else INVITED


def person_detail(*, user, pk: int):
    """The person, with memberships and invitations, or None if not the user's to see."""
    return (
        people_for(user)
        .prefetch_related(
            _memberships(),
            Prefetch("invitations", queryset=Invitation.objects.select_related("invited_by")),
        )
        .filter(pk=pk)
        .first()
    )


def agencies_for(user) -> QuerySet[Agency]:
    if not (user.is_authenticated and user.is_board_admin):
        return Agency.objects.none()
    return Agency.objects.all()


def agency_list(*, user) -> QuerySet[Agency]:
    return agencies_for(user).annotate(member_count=Count("memberships")).order_by("name")


def agencies_to_join(*, user, person) -> QuerySet[Agency]:
    """Active agencies the person is not yet a member of."""
    return (
        agencies_for(user).filter(is_active=True).exclude(memberships__user=person).order_by("name")
    )


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation the link belongs to, found by the token's digest alone."""
    return (
        Invitation.objects.select_related("person").filter(token_sha256=token_digest(token)).first()
    )
