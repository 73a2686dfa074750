"""Reads of outcomes, always through the reviews a person may see."""

from django.http import Http404

from reviews.selectors import review_get_for_user

from .models import Outcome


def outcome_get_for_user(request, review_pk: int) -> Outcome:
    """The outcome of a review this person may see (404 and an audit event otherwise)."""
    review = review_get_for_user(request, review_pk)
    outcome = Outcome.objects.filter(review=review).first()
    if outcome is None:
        raise Http404("This review has no outcome yet.")
    outcome.review = review
    return outcome
