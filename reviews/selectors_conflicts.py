"""Open reviews whose reviewer or moderator has since joined the agency under review: they can no
longer move the review, and a board admin needs to reassign it."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from policies.models import Membership

from .models import Review

CLOSED_STATES = (Review.State.SIGNED_OFF, Review.State.OUTCOME_ISSUED, Review.State.WITHDRAWN)


def open_reviews() -> QuerySet[Review]:
    return Review.objects.exclude(state__in=CLOSED_STATES)


def reviews_in_conflict_with(*, user, agency) -> QuerySet[Review]:
    """The open reviews of `agency` that `user` reviews or moderates."""
    return (
        open_reviews()
        .filter(Q(reviewer=user) | Q(moderator=user), agency=agency)
        .select_related("cycle", "agency", "reviewer", "moderator")
        .order_by("cycle__name")
    )


def reviews_in_conflict(*, cycle=None, review=None) -> QuerySet[Review]:
    """Open reviews (of a cycle, or just this one) whose reviewer or moderator is a member of
    the agency under review. One query, whatever the number of reviews."""
    member = Membership.objects.filter(agency_id=OuterRef("agency_id"))
    reviews = (
        open_reviews()
        .annotate(
            reviewer_is_member=Exists(member.filter(user_id=OuterRef("reviewer_id"))),
            moderator_is_member=Exists(member.filter(user_id=OuterRef("moderator_id"))),
        )
        .filter(Q(reviewer_is_member=True) | Q(moderator_is_member=True))
    )
    if cycle is not None:
        reviews = reviews.filter(cycle=cycle)
    if review is not None:
        reviews = reviews.filter(pk=review.pk)
    return reviews.select_related("agency", "reviewer", "moderator").order_by("agency__name")
