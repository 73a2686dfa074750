"""The moderator's page: read a submitted review on one page, then sign it off or return it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.services import access_refused

from .. import selectors
from ..forms.moderation import ReturnForm, SignOffForm
from ..services import TransitionRefused, review_return, review_sign_off

FORMS = {form.action: form for form in (SignOffForm, ReturnForm)}


@login_required
@require_http_methods(["GET", "POST"])
def review_moderate(request, pk: int):
    review = selectors.review_get_for_user(request, pk)
    if review.moderator_id != request.user.pk:
        raise access_refused(
            request,
            obj=review,
            agency=review.agency,
            reason="only the review's moderator moderates it",
        )
    sent = None
    if request.method == "POST":
        form_class = FORMS.get(request.POST.get("action"))
        if form_class is None:
            return HttpResponseBadRequest("Choose to sign off the review or to return it.")
        sent = form_class(request.POST)
        if sent.is_valid():
            try:
                if isinstance(sent, SignOffForm):
                    review_sign_off(review=review, by=request.user, attest=True, request=request)
                    message = "You signed off the review."
                else:
                    review_return(
                        review=review,
                        by=request.user,
                        comments=sent.cleaned_data["comments"],
                        request=request,
                    )
                    message = f"You returned the review to {review.reviewer} with your comments."
            except TransitionRefused as refusal:
                sent.add_error(None, refusal.reason)
            else:
                messages.success(request, message)
                return redirect("reviews:moderate", pk=review.pk)
    forms = {action: form_class() for action, form_class in FORMS.items()}
    if sent is not None:
        forms[sent.action] = sent
    return render(
        request,
        "reviews/moderation/moderate.html",
        {
            "review": selectors.review_with_history(review),
            "sent": sent,
            "sign_off_form": forms[SignOffForm.action],
            "return_form": forms[ReturnForm.action],
        },
        status=400 if sent is not None else 200,
    )
