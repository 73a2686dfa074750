"""Reviewers and moderators see the policy versions under their reviews (a withdrawn review gives
nothing): registered with the policies app's selectors, which may not import this app."""

from django.db.models import Q, QuerySet

from policies.grants import version_grant_register

from .models import Review


def versions_under_reviews(user) -> QuerySet | None:
    if not (user.is_reviewer or user.is_moderator):
        return None
    assigned = Review.objects.filter(Q(reviewer=user) | Q(moderator=user))
    return assigned.exclude(state=Review.State.WITHDRAWN).values("policy_version")


version_grant_register("reviews.assigned", versions_under_reviews)
