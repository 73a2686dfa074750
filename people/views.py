"""Board admins manage people and agencies; everyone has their own account page; invited
people set a password; anyone reads the privacy notice and accessibility statement."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.two_factor import totp_device_for
from audit.decorators import permission_required
from audit.services import access_refused
from policies.models import Membership
from reviews.selectors_conflicts import reviews_in_conflict_with

from . import selectors, services
from .forms import (
    AgencyForm,
    InviteForm,
    MembershipForm,
    PeopleFilterForm,
    PersonForm,
    RolesForm,
)
from .services import ChangeRefused

MANAGE = "people.manage_people"
PEOPLE_PER_PAGE = 50
# Rights a board admin can never give: a form that sends one was not made by these pages.
FORGED_FIELDS = {"is_superuser", "is_staff", "groups", "user_permissions", "password"}


def _person(request, pk: int):
    person = selectors.person_detail(user=request.user, pk=pk)
    if person is None:
        raise Http404
    return person


def _person_to_change(request, pk: int):
    """The person, if a board admin may change them: never a technical administrator, and never
    through a form asking for rights the pages do not offer."""
    person = _person(request, pk)
    if person.is_superuser:
        raise access_refused(request, reason=services.SUPERUSER_REFUSAL, obj=person)
    _refuse_forged_rights(request, person)
    return person


def _refuse_forged_rights(request, person=None) -> None:
    """A form asking for rights these pages never offer was not made by them."""
    forged = sorted(FORGED_FIELDS & set(request.POST))
    if forged:
        raise access_refused(
            request, reason=f"Asked for rights the app never gives: {', '.join(forged)}", obj=person
        )


def _refused(request, refusal: ChangeRefused, obj=None) -> str:
    """What to tell the board admin about a refused change; a protected account is not theirs to
    change at all, so that refusal is a 403, audited."""
    if refusal.protected_account:
        raise access_refused(request, reason=refusal.reason, obj=obj)
    return refusal.reason


def _announce_invitation(request, sent: services.InvitationSent) -> None:
    person = sent.invitation.person
    if sent.emailed:
        messages.success(request, f"Invitation sent to {person.email}")
    else:
        messages.warning(
            request,
            f"{person}'s account is ready but the invitation email could not be sent. "
            "Send the invitation again from this page.",
        )


@permission_required(MANAGE)
def person_list(request):
    form = PeopleFilterForm(request.GET or None, agencies=selectors.agencies_for(request.user))
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "search": data["q"].strip(),
            "role": data["role"],
            "agency": data["agency"],
            "status": data["status"],
        }
    people = selectors.people_list(user=request.user, **filters)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(filters.values()),
        },
    )


@permission_required(MANAGE)
def person_detail(request, pk: int):
    person = _person(request, pk)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "status": selectors.person_status(person),
            "invitation": next(iter(person.invitations.all()), None),
            "can_join": selectors.agencies_to_join(user=request.user, person=person).exists(),
            "has_second_factor": totp_device_for(person) is not None,
        },
    )


@permission_required(MANAGE)
def person_invite(request):
    _refuse_forged_rights(request)
    agencies = selectors.agencies_for(request.user).filter(is_active=True).order_by("name")
    form = InviteForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.person_invite(
                full_name=data["full_name"],
                email=data["email"],
                roles=data["roles"],
                agency=data["agency"],
                by=request.user,
                request=request,
            )
        except ChangeRefused as refusal:
            form.add_error(None, _refused(request, refusal))
        else:
            _announce_invitation(request, sent)
            return redirect("people:person", sent.invitation.person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "people/person_invite.html", {"form": form}, status=status)


@permission_required(MANAGE)
def person_edit(request, pk: int):
    person = _person_to_change(request, pk)
    form = PersonForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person=person,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                by=request.user,
                request=request,
            )
        except ChangeRefused as refusal:
            form.add_error(None, _refused(request, refusal, person))
        else:
            messages.success(request, f"{person}'s details saved")
            return redirect("people:person", person.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "people/person_edit.html", {"person": person, "form": form}, status=status
    )


@permission_required(MANAGE)
def person_roles(request, pk: int):
    person = _person_to_change(request, pk)
    form = RolesForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_roles_set(
                person=person, roles=form.cleaned_data["roles"], by=request.user, request=request
            )
        except ChangeRefused as refusal:
            form.add_error(None, _refused(request, refusal, person))
        else:
            messages.success(request, f"{person}'s roles saved")
            return redirect("people:person", person.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "people/person_roles.html", {"person": person, "form": form}, status=status
    )


@permission_required(MANAGE)
def membership_add(request, pk: int):
    person = _person_to_change(request, pk)
    agencies = selectors.agencies_to_join(user=request.user, person=person)
    form = MembershipForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data["agency"]
        try:
            services.membership_add(person=person, agency=agency, by=request.user, request=request)
        except ChangeRefused as refusal:
            form.add_error(None, _refused(request, refusal, person))
        else:
            messages.success(request, f"{person} is now a member of {agency}")
            conflicts = list(reviews_in_conflict_with(user=person, agency=agency))
            if conflicts:
                messages.warning(
                    request,
                    f"{person} now belongs to {agency}, so cannot go on reviewing or moderating "
                    "its policy. Reassign: "
                    + "; ".join(f"{r.cycle} ({r.get_state_display()})" for r in conflicts),
                )
            return redirect("people:person", person.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "people/membership_add.html",
        {"person": person, "form": form, "has_choices": agencies.exists()},
        status=status,
    )


@permission_required(MANAGE)
def membership_end(request, pk: int, membership_pk: int):
    person = _person_to_change(request, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("agency", "user"), pk=membership_pk, user=person
    )
    if request.method == "POST":
        services.membership_end(membership=membership, by=request.user, request=request)
        messages.success(request, f"{person} is no longer a member of {membership.agency}")
        return redirect("people:person", person.pk)
    return render(
        request, "people/membership_end.html", {"person": person, "membership": membership}
    )


@permission_required(MANAGE)
def person_deactivate(request, pk: int):
    person = _person_to_change(request, pk)
    problem = ""
    if person.pk == request.user.pk:
        problem = "You cannot deactivate your own account. Ask another board admin to do it."
    elif request.method == "POST":
        try:
            services.person_deactivate(person=person, by=request.user, request=request)
        except ChangeRefused as refusal:
            problem = _refused(request, refusal, person)
        else:
            messages.success(request, f"{person}'s account is deactivated")
            return redirect("people:person", person.pk)
    return render(
        request,
        "people/person_deactivate.html",
        {"person": person, "problem": problem},
        status=400 if problem and request.method == "POST" else 200,
    )


@require_POST
@permission_required(MANAGE)
def person_reactivate(request, pk: int):
    person = _person_to_change(request, pk)
    services.person_reactivate(person=person, by=request.user, request=request)
    messages.success(request, f"{person}'s account is active again")
    return redirect("people:person", person.pk)


@require_POST
@permission_required(MANAGE)
def invitation_resend(request, pk: int):
    person = _person_to_change(request, pk)
    try:
        sent = services.invitation_resend(person=person, by=request.user, request=request)
    except ChangeRefused as refusal:
        messages.error(request, _refused(request, refusal, person))
    else:
        _announce_invitation(request, sent)
    return redirect("people:person", person.pk)


@permission_required(MANAGE)
def agency_list(request):
    return render(
        request, "people/agency_list.html", {"agencies": selectors.agency_list(user=request.user)}
    )


@permission_required(MANAGE)
def agency_new(request):
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = services.agency_create(**form.cleaned_data, by=request.user, request=request)
        except ChangeRefused as refusal:
            form.add_error(None, _refused(request, refusal))
        else:
            messages.success(request, f"{agency} added")
            return redirect("people:agencies")
    status = 400 if request.method == "POST" else 200
    return render(request, "people/agency_form.html", {"form": form}, status=status)


@permission_required(MANAGE)
def agency_edit(request, pk: int):
    agency = get_object_or_404(selectors.agencies_for(request.user), pk=pk)
    form = AgencyForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_update(
                agency=agency, **form.cleaned_data, by=request.user, request=request
            )
        except ChangeRefused as refusal:
            form.add_error(None, _refused(request, refusal, agency))
        else:
            messages.success(request, f"{agency} saved")
            return redirect("people:agencies")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "people/agency_form.html", {"form": form, "agency": agency}, status=status
    )
