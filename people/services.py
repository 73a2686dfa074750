"""Changes to people, their rights and agencies, made by board admins in the app. Every change
is audited with what it changed from and to; refusals raise ChangeRefused."""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import normalise_email
from audit.models import AuditEvent
from audit.services import audit_record, change_record, field_changes
from policies.models import Agency, Membership

from .models import INVITATION_LIFETIME, Invitation, token_digest
from .sessions import sessions_end_for

logger = logging.getLogger(__name__)

User = get_user_model()

# The rights a board admin may give or take away; nothing else about a person's rights.
BOARD_ROLES = {
    "is_board_admin": "Board admin",
    "is_reviewer": "Reviewer",
    "is_moderator": "Moderator",
}

SUPERUSER_REFUSAL = (
    "This is a technical administrator's account. Only the service's technical administrator "
    "can change it."
)


class ChangeRefused(Exception):
    def __init__(self, reason: str, *, protected_account: bool = False):
        super().__init__(reason)
        self.reason = reason
        # The person is out of a board admin's reach, not merely in the wrong state.
        self.protected_account = protected_account


@dataclass(frozen=True)
class InvitationSent:
    invitation: Invitation
    link: str
    emailed: bool


def _refuse_protected(person) -> None:
    if person.is_superuser:
        raise ChangeRefused(SUPERUSER_REFUSAL, protected_account=True)


def _refuse_unknown_roles(roles: Iterable[str]) -> set[str]:
    roles = set(roles)
    if not roles <= BOARD_ROLES.keys():
        raise ChangeRefused("Only the board admin, reviewer and moderator roles can be given.")
    return roles


def _email_taken(email: str, *, other_than=None) -> bool:
    people = User.objects.filter(email__iexact=email)
    if other_than is not None:
        people = people.exclude(pk=other_than.pk)
    return people.exists()


def _invitation_create(*, person, by) -> tuple[Invitation, str]:
    now = timezone.now()
    # Any earlier link stops working: only the newest email can be used.
    Invitation.objects.filter(person=person, accepted_at=None, withdrawn_at=None).update(
        withdrawn_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        person=person,
        token_sha256=token_digest(token),
        invited_by=by,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    return invitation, token


def _invitation_email(*, invitation: Invitation, token: str) -> InvitationSent:
    """Email the link. The token exists only here and in the email, so it is sent now rather
    than by a task; a failure is reported and the board admin can send a new link."""
    path = reverse("people:invitation_accept", args=[token])
    link = settings.SITE_URL.rstrip("/") + path
    context = {
        "person": invitation.person,
        "link": link,
        "expires_at": invitation.expires_at,
        "board_name": settings.BOARD_NAME,
        "invited_by": invitation.invited_by,
    }
    try:
        send_mail(
            subject=f"You have been invited to {settings.BOARD_NAME}'s policy review service",
            message=render_to_string("people/email_invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.person.email],
        )
    except OSError as error:
        logger.warning("Invitation %s not emailed: %s", invitation.pk, error)
        return InvitationSent(invitation=invitation, link=link, emailed=False)
    return InvitationSent(invitation=invitation, link=link, emailed=True)


def person_invite(
    *,
    full_name: str,
    email: str,
    roles: Iterable[str],
    agency: Agency | None,
    by,
    request=None,
) -> InvitationSent:
    """Make an account that cannot be signed in to until the person sets a password through
    the link emailed to them."""
    roles = _refuse_unknown_roles(roles)
    email = normalise_email(email)
    if not roles and agency is None:
        raise ChangeRefused("Select a board role or an agency")
    if _email_taken(email):
        raise ChangeRefused(f"{email} already has an account")
    try:
        with transaction.atomic():
            person = User.objects.create_user(
                email, None, full_name=full_name.strip(), **dict.fromkeys(roles, True)
            )
            after = {
                "email": person.email,
                "full_name": person.full_name,
                **dict.fromkeys(sorted(roles), True),
            }
            if agency is not None:
                Membership.objects.create(user=person, agency=agency)
                after["agency"] = agency.name
            invitation, token = _invitation_create(person=person, by=by)
            after["invitation_expires_at"] = invitation.expires_at.isoformat()
            change_record(
                action=AuditEvent.Action.PERSON_INVITED,
                obj=person,
                changes={name: {"from": None, "to": value} for name, value in after.items()},
                request=request,
                actor=by,
                agency=agency,
            )
    except IntegrityError:
        # Someone added the same address a moment ago.
        raise ChangeRefused(f"{email} already has an account") from None
    return _invitation_email(invitation=invitation, token=token)


def invitation_resend(*, person, by, request=None) -> InvitationSent:
    _refuse_protected(person)
    if person.has_usable_password():
        raise ChangeRefused(f"{person} has already set a password, so needs no invitation.")
    if not person.is_active:
        raise ChangeRefused(f"{person}'s account is deactivated. Reactivate it first.")
    with transaction.atomic():
        previous = person.invitations.first()
        invitation, token = _invitation_create(person=person, by=by)
        change_record(
            action=AuditEvent.Action.PERSON_INVITED,
            obj=person,
            changes={
                "invitation_expires_at": {
                    "from": previous.expires_at.isoformat() if previous else None,
                    "to": invitation.expires_at.isoformat(),
                }
            },
            request=request,
            actor=by,
        )
    return _invitation_email(invitation=invitation, token=token)


def invitation_accept(*, invitation: Invitation, password: str, request=None):
    """Set the invited person's password; the link can never be used again."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("person").get(pk=invitation.pk)
        )
        person = invitation.person
        if invitation.status != Invitation.Status.PENDING or not person.is_active:
            raise ChangeRefused("This invitation link can no longer be used.")
        person.set_password(password)
        person.save(update_fields=["password"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        change_record(
            action=AuditEvent.Action.INVITATION_ACCEPTED,
            obj=person,
            changes={"password": {"from": "not set", "to": "set"}},
            request=request,
            actor=person,
        )
    return person


def person_update(*, person, full_name: str, email: str, by, request=None):
    _refuse_protected(person)
    email = normalise_email(email)
    if _email_taken(email, other_than=person):
        raise ChangeRefused(f"{email} already has an account")
    before = {"full_name": person.full_name, "email": person.email}
    person.full_name, person.email = full_name.strip(), email
    with transaction.atomic():
        person.save(update_fields=["full_name", "email"])
        change_record(
            action=AuditEvent.Action.PERSON_CHANGED,
            obj=person,
            changes=field_changes(before, {"full_name": person.full_name, "email": person.email}),
            request=request,
            actor=by,
        )
    return person


def person_roles_set(*, person, roles: Iterable[str], by, request=None):
    """Give the person exactly these board roles: one audit event per role given or removed."""
    _refuse_protected(person)
    roles = _refuse_unknown_roles(roles)
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if "is_board_admin" not in roles and person.is_board_admin:
            # Locking every active board admin makes two admins removing each other queue.
            others = list(
                User.objects.select_for_update()
                .filter(is_board_admin=True, is_active=True)
                .exclude(pk=person.pk)
                .values_list("pk", flat=True)
            )
            if not others:
                raise ChangeRefused(
                    "You are the only active board admin, so you cannot remove your board admin "
                    "role. Give the role to someone else first."
                    if person.pk == by.pk
                    else f"{person} is the only active board admin."
                )
        changed = []
        for role in BOARD_ROLES:
            before, after = getattr(person, role), role in roles
            if before == after:
                continue
            setattr(person, role, after)
            changed.append(role)
            change_record(
                action=AuditEvent.Action.ROLE_GIVEN if after else AuditEvent.Action.ROLE_REMOVED,
                obj=person,
                changes={role: {"from": before, "to": after}},
                request=request,
                actor=by,
            )
        if changed:
            person.save(update_fields=changed)
    return person


def membership_add(*, person, agency: Agency, by, request=None) -> Membership:
    _refuse_protected(person)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=person, agency=agency)
            change_record(
                action=AuditEvent.Action.MEMBERSHIP_ADDED,
                obj=person,
                changes={"agency": {"from": None, "to": agency.name}},
                request=request,
                actor=by,
                agency=agency,
            )
    except IntegrityError:
        raise ChangeRefused(f"{person} is already a member of {agency}") from None
    return membership


def membership_end(*, membership: Membership, by, request=None) -> None:
    person, agency = membership.user, membership.agency
    _refuse_protected(person)
    with transaction.atomic():
        deleted, _ = Membership.objects.filter(pk=membership.pk).delete()
        if deleted:
            change_record(
                action=AuditEvent.Action.MEMBERSHIP_ENDED,
                obj=person,
                changes={"agency": {"from": agency.name, "to": None}},
                request=request,
                actor=by,
                agency=agency,
            )


def person_deactivate(*, person, by, request=None):
    """The person can no longer sign in; their sessions and any invitation link end now."""
    _refuse_protected(person)
    if person.pk == by.pk:
        raise ChangeRefused("You cannot deactivate your own account.")
    if not person.is_active:
        return person
    with transaction.atomic():
        person.is_active = False
        person.save(update_fields=["is_active"])
        Invitation.objects.filter(person=person, accepted_at=None, withdrawn_at=None).update(
            withdrawn_at=timezone.now()
        )
        change_record(
            action=AuditEvent.Action.PERSON_DEACTIVATED,
            obj=person,
            changes={"is_active": {"from": True, "to": False}},
            request=request,
            actor=by,
        )
    sessions_end_for(user=person)
    return person


def person_reactivate(*, person, by, request=None):
    _refuse_protected(person)
    if person.is_active:
        return person
    with transaction.atomic():
        person.is_active = True
        person.save(update_fields=["is_active"])
        change_record(
            action=AuditEvent.Action.PERSON_REACTIVATED,
            obj=person,
            changes={"is_active": {"from": False, "to": True}},
            request=request,
            actor=by,
        )
    return person


def sessions_end_elsewhere(*, request) -> int:
    """Sign the person out of every other browser and device they are signed in on."""
    user = request.user
    ended = sessions_end_for(user=user, keep_session_key=request.session.session_key)
    audit_record(
        action=AuditEvent.Action.SIGNED_OUT_EVERYWHERE,
        request=request,
        actor=user,
        obj=user,
        detail={"sessions_ended": ended},
    )
    return ended


def _agency_fields(agency: Agency) -> dict:
    return {"name": agency.name, "sector": agency.sector, "is_active": agency.is_active}


def agency_create(*, name: str, sector: str, is_active: bool, by, request=None) -> Agency:
    try:
        with transaction.atomic():
            agency = Agency.objects.create(name=name.strip(), sector=sector, is_active=is_active)
            change_record(
                action=AuditEvent.Action.AGENCY_CREATED,
                obj=agency,
                changes={k: {"from": None, "to": v} for k, v in _agency_fields(agency).items()},
                request=request,
                actor=by,
                agency=agency,
            )
    except IntegrityError:
        raise ChangeRefused(f"An agency called {name.strip()} already exists") from None
    return agency


def agency_update(*, agency: Agency, name: str, sector: str, is_active: bool, by, request=None):
    before = _agency_fields(agency)
    agency.name, agency.sector, agency.is_active = name.strip(), sector, is_active
    try:
        with transaction.atomic():
            agency.save(update_fields=["name", "sector", "is_active"])
            change_record(
                action=AuditEvent.Action.AGENCY_CHANGED,
                obj=agency,
                changes=field_changes(before, _agency_fields(agency)),
                request=request,
                actor=by,
                agency=agency,
            )
    except IntegrityError:
        raise ChangeRefused(f"An agency called {agency.name} already exists") from None
    return agency
