"""What a reviewer tells the evidence finder from a review step."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.services import access_refused
from reviews.models import Expectation
from reviews.selectors import review_get_for_user, review_to_edit

from .feedback import NotASuggestion, suggestion_dismiss


@login_required
@require_POST
def suggestion_not_relevant(request, pk: int):
    """Mark a suggested passage as not relevant to an expectation: it is demoted on this policy
    version. Only the review's reviewer, while the review can still be changed."""
    review = review_to_edit(request.user, pk)
    if review is None:
        # A 404 if they may not see the review at all, else a 403; both audited.
        review = review_get_for_user(request, pk)
        raise access_refused(
            request,
            obj=review,
            agency=review.agency,
            reason="only the reviewer marks suggestions, and only before submission",
        )
    try:
        expectation_id = int(request.POST.get("expectation", ""))
        passage_id = int(request.POST.get("passage", ""))
        suggestion_dismiss(
            review=review,
            expectation_id=expectation_id,
            passage_id=passage_id,
            by=request.user,
            request=request,
        )
    except (ValueError, NotASuggestion):
        messages.error(request, "That passage is not a suggestion for this review.")
        return redirect("reviews:review", review.pk)
    if request.headers.get("X-Requested-With") == "fetch":
        # The step's script moves the passage itself; the page the reviewer is typing on stays.
        return HttpResponse(status=204)
    expectation = (
        Expectation.objects.select_related("section")
        .only("code", "section__number")
        .get(pk=expectation_id)
    )
    messages.success(request, f"The passage is marked not relevant to {expectation.code}.")
    url = reverse("reviews:section", args=[review.pk, expectation.section.number])
    return redirect(f"{url}#finding-{expectation.code}")
