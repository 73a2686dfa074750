from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods

from audit.services import access_refused

from . import two_factor
from .forms import SecondFactorCodeForm, SecondFactorSetUpForm, SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisation_sign_in=settings.OIDC_ENABLED,
            provider_name=settings.OIDC_PROVIDER_NAME,
            **kwargs,
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        two_factor.second_factor_session_start(self.request, method="password")
        step = two_factor.second_factor_step(self.request)
        if step is None:
            return response
        target = "second_factor_code" if step == "code" else "second_factor"
        return redirect(f"{reverse(target)}?{urlencode({'next': self.get_success_url()})}")


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("home")


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_code(request):
    """The second step of a password sign-in: a code from the app, or a recovery code."""
    if two_factor.second_factor_step(request) != "code":
        return redirect(_next_url(request))
    form = SecondFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            two_factor.second_factor_verify(
                person=request.user, code=form.cleaned_data["code"], request=request
            )
        except two_factor.CodeRefused as refusal:
            form.add_error("code", refusal.message)
        else:
            return redirect(_next_url(request))
    status = 400 if form.errors else 200
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/second_factor_code.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request):
    """Set up an authenticator app; or, once set up, say so."""
    user = request.user
    if not two_factor.second_factor_offered(user):
        raise Http404
    if two_factor.totp_device_for(user) is not None:
        if two_factor.second_factor_step(request) == "code":
            query = urlencode({"next": _next_url(request)})
            return redirect(f"{reverse('second_factor_code')}?{query}")
        context = {"recovery_codes_left": two_factor.recovery_codes_left(user)}
        return render(request, "accounts/second_factor_done.html", context)
    device = two_factor.totp_enrolment_start(person=user)
    form = SecondFactorSetUpForm(request.POST or None)
    if form.is_valid():
        codes = two_factor.totp_enrolment_confirm(
            device=device, code=form.cleaned_data["code"], request=request
        )
        if codes is not None:
            request.session[two_factor.RECOVERY_CODES_TO_SHOW] = codes
            query = urlencode({"next": _next_url(request)})
            return redirect(f"{reverse('recovery_codes')}?{query}")
        form.add_error("code", "The code is not right. Enter the latest code from your app")
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_code": two_factor.totp_qr_code(device),
        "key_groups": two_factor.totp_key_groups(device),
        "required": two_factor.second_factor_required(user),
    }
    status = 400 if form.errors else 200
    return render(request, "accounts/second_factor_set_up.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """The new recovery codes, shown once, until the person says they have saved them."""
    codes = request.session.get(two_factor.RECOVERY_CODES_TO_SHOW)
    if request.method == "POST" or not codes:
        request.session.pop(two_factor.RECOVERY_CODES_TO_SHOW, None)
        return redirect(_next_url(request))
    context = {"codes": codes, "next": _next_url(request)}
    return render(request, "accounts/recovery_codes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_reset(request, user_id: int):
    """A board admin removes someone's app and recovery codes (asked to confirm first)."""
    person = get_object_or_404(get_user_model(), pk=user_id)
    if not two_factor.second_factor_reset_allowed(person=person, by=request.user):
        raise access_refused(request, reason="second factor reset", obj=person)
    if request.method == "POST":
        two_factor.second_factor_reset(person=person, by=request.user, request=request)
        messages.success(
            request, f"{person}'s second factor has been reset. They set up a new one next time."
        )
        return redirect("second_factor_reset", user_id=person.pk)
    context = {"person": person, "has_device": two_factor.totp_device_for(person) is not None}
    return render(request, "accounts/second_factor_reset.html", context)
