"""Everyone's own pages: their account, signing out elsewhere, accepting an invitation, and
the privacy notice and accessibility statement."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from policies.models import Membership

from . import selectors, services
from .forms import AcceptInvitationForm
from .models import Invitation
from .services import ChangeRefused


@login_required
def account(request):
    user = request.user
    memberships = Membership.objects.filter(user=user).select_related("agency")
    return render(request, "people/account.html", {"person": user, "memberships": memberships})


@require_POST
@login_required
def sign_out_everywhere(request):
    ended = services.sessions_end_elsewhere(request=request)
    messages.success(
        request,
        f"You are signed out of {ended} other device{'s' if ended != 1 else ''}"
        if ended
        else "You were not signed in anywhere else",
    )
    return redirect("people:account")


@never_cache
def invitation_accept(request, token: str):
    invitation = selectors.invitation_by_token(token)
    usable = (
        invitation is not None
        and invitation.status == Invitation.Status.PENDING
        and invitation.person.is_active
    )
    if not usable:
        return render(
            request,
            "people/invitation_invalid.html",
            {"invitation": invitation},
            status=404 if invitation is None else 410,
        )
    form = AcceptInvitationForm(invitation.person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["new_password1"],
                request=request,
            )
        except ChangeRefused:
            return render(
                request, "people/invitation_invalid.html", {"invitation": None}, status=410
            )
        messages.success(request, "Your password is set. Sign in with your email address.")
        return redirect(settings.LOGIN_URL)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "people/invitation_accept.html",
        {"form": form, "person": invitation.person},
        status=status,
    )


def _board_details() -> dict:
    return {
        "board_contact_email": settings.BOARD_CONTACT_EMAIL,
        "board_address": settings.BOARD_ADDRESS,
        "session_idle_board": settings.SESSION_IDLE_TIMEOUT_BOARD_MINUTES,
        "session_idle": settings.SESSION_IDLE_TIMEOUT_MINUTES,
    }


def privacy_notice(request):
    return render(request, "people/privacy.html", _board_details())


def accessibility_statement(request):
    return render(request, "people/accessibility.html", _board_details())
