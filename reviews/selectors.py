"""Reads of reviews, always limited to what the person may see."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from audit.models import AuditEvent
from audit.services import audit_record
from policies.rules import member_agency_ids

from .models import Finding, Review, ReviewCycle


def reviews_for_user(user) -> QuerySet[Review]:
    """Board admins see every review; reviewers and moderators their own; an agency its own,
    once signed off (never drafts)."""
    # Only the joins every caller needs: a wide join costs PostgreSQL more to plan than to run.
    reviews = Review.objects.select_related("agency", "policy_version__document")
    if not user.is_authenticated:
        return reviews.none()
    if user.is_board_admin:
        return reviews
    visible = Q(reviewer=user) | Q(moderator=user)
    agencies = member_agency_ids(user)
    if agencies:
        visible |= Q(agency_id__in=agencies, state__in=Review.PUBLISHED_STATES)
    return reviews.filter(visible)


def review_get_for_user(request, pk: int) -> Review:
    try:
        return reviews_for_user(request.user).get(pk=pk)
    except Review.DoesNotExist:
        other = Review.objects.filter(pk=pk).only("pk", "agency").first()
        if other is not None:
            audit_record(
                action=AuditEvent.Action.ACCESS_REFUSED,
                request=request,
                obj=other,
                agency=other.agency,
                detail={"reason": "not the person's review"},
            )
        raise Http404("No such review.") from None


def findings_of(review: Review) -> QuerySet[Finding]:
    return (
        review.findings.select_related("expectation__section")
        .prefetch_related("recommendations")
        .order_by("expectation__order")
    )


def review_with_history(review: Review) -> Review:
    """The review with its findings, recommendations, returns and sign-offs in a fixed number of
    queries."""
    return (
        Review.objects.select_related(
            "cycle",
            "agency",
            "reviewer",
            "moderator",
            "policy_version__document",
            "framework",
            "updated_by",
        )
        .prefetch_related(
            Prefetch("findings", queryset=findings_of(review)),
            "recommendations__findings__expectation",
            "returns__returned_by",
            "sign_offs",
        )
        .get(pk=review.pk)
    )


def my_reviews(*, user) -> QuerySet[Review]:
    """The reviews a person reviews, with how many findings are rated."""
    return (
        reviews_for_user(user)
        .select_related("cycle")
        .filter(reviewer=user)
        .exclude(state=Review.State.WITHDRAWN)
        .annotate(rated=Count("findings", filter=~Q(findings__rating="")), total=Count("findings"))
        .order_by("due_on", "pk")
    )


def reviews_to_moderate(*, user) -> QuerySet[Review]:
    return (
        reviews_for_user(user)
        .select_related("reviewer")
        .filter(moderator=user)
        .exclude(state=Review.State.WITHDRAWN)
        .order_by("-state", "due_on", "pk")
    )


def cycles_for_admin() -> QuerySet[ReviewCycle]:
    return ReviewCycle.objects.select_related("framework").annotate(
        agency_count=Count("agencies", distinct=True),
        review_count=Count("reviews", filter=~Q(reviews__state="withdrawn"), distinct=True),
    )
