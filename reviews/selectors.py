"""Reads of reviews, always limited to what the person may see."""

from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from audit.services import access_refused
from policies.rules import member_agency_ids

from .answers import ANSWER_FIELDS, SELF_ASSESSMENT_VIEW_FIELDS
from .models import Finding, Review, ReviewCycle

# What an agency sees of its own reviews: the findings once signed off, as a draft while it may
# reply to them.
AGENCY_STATES = (*Review.PUBLISHED_STATES, Review.State.IN_REPLY)


def reviews_for_user(user) -> QuerySet[Review]:
    """Board admins see every review; reviewers and moderators their own; an agency its own,
    once signed off (never drafts), including while it is open for the agency's reply."""
    # Only the joins every caller needs: a wide join costs PostgreSQL more to plan than to run.
    reviews = Review.objects.select_related("agency", "policy_version__document")
    if not user.is_authenticated:
        return reviews.none()
    if user.is_board_admin:
        return reviews
    visible = Q(reviewer=user) | Q(moderator=user)
    agencies = member_agency_ids(user)
    if agencies:
        visible |= Q(agency_id__in=agencies, state__in=AGENCY_STATES)
    return reviews.filter(visible)


def review_to_edit(user, pk: int) -> Review | None:
    """The review if this person is its reviewer and it can still be changed: the one check
    every review step makes, in one narrow query."""
    return (
        Review.objects.select_related("agency", "policy_version__document")
        .filter(pk=pk, reviewer_id=user.pk, state__in=Review.EDITABLE_STATES)
        .first()
    )


def review_for_step(user, pk: int) -> Review | None:
    """`review_to_edit` for showing a step: the review's own columns and only what the step's
    page shows of its agency and policy version."""
    return (
        Review.objects.select_related("agency", "policy_version__document")
        .only(
            *(field.attname for field in Review._meta.concrete_fields),
            "agency__name",
            "policy_version__document_id",
            "policy_version__number",
            "policy_version__version_label",
            "policy_version__sha256",
            "policy_version__status",
            "policy_version__page_count",
            "policy_version__document__title",
        )
        .filter(pk=pk, reviewer_id=user.pk, state__in=Review.EDITABLE_STATES)
        .first()
    )


def step_findings(*, review: Review, number: int) -> list[Finding]:
    """A step's findings with their expectations, in the framework's order: one query."""
    return list(
        review.findings.filter(expectation__section__number=number)
        .select_related("expectation__section")
        .only(
            *ANSWER_FIELDS,
            *SELF_ASSESSMENT_VIEW_FIELDS,
            "carried_forward",
            "review_id",
            "expectation__code",
            "expectation__text",
            "expectation__what_good_looks_like",
            "expectation__section__number",
            "expectation__section__title",
        )
        .order_by("expectation__order")
    )


def review_get_for_user(request, pk: int) -> Review:
    try:
        return reviews_for_user(request.user).get(pk=pk)
    except Review.DoesNotExist:
        other = Review.objects.filter(pk=pk).only("pk", "agency").first()
        if other is not None:
            raise access_refused(
                request,
                obj=other,
                agency=other.agency,
                reason="not the person's review",
                error=Http404("No such review."),
            ) from None
        raise Http404("No such review.") from None


def findings_of(review: Review) -> QuerySet[Finding]:
    return (
        review.findings.select_related("expectation__section", "reply")
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


def _finding_count(**filters) -> Coalesce:
    """How many of a review's findings match, counted apart from the review's own row so the
    list needs no grouping of wide rows."""
    counted = (
        Finding.objects.filter(review=OuterRef("pk"), **filters)
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def my_reviews(*, user) -> QuerySet[Review]:
    """The reviews a person reviews, with how many findings are rated."""
    return (
        reviews_for_user(user)
        .select_related("cycle")
        .filter(reviewer=user)
        .exclude(state=Review.State.WITHDRAWN)
        .annotate(
            # A carried-forward answer is not the reviewer's until they save it.
            rated=_finding_count(carried_forward=False, rating__gt=""),
            total=_finding_count(),
        )
        # Only what the list shows: building whole rows of five tables costs more than reading.
        .only(
            "due_on",
            "state",
            "reply_closed_at",
            "reviewer_id",
            "agency__name",
            "cycle__name",
            "policy_version__document__title",
        )
        .order_by("due_on", "pk")
    )


def reviews_to_moderate(*, user) -> QuerySet[Review]:
    return (
        reviews_for_user(user)
        .select_related("reviewer", "cycle")
        .filter(moderator=user)
        .exclude(state=Review.State.WITHDRAWN)
        .order_by("-state", "due_on", "pk")
    )


def reviews_for_board(
    *,
    user,
    cycle: ReviewCycle | None = None,
    state: str = "",
    agency=None,
    reviewer=None,
    overdue: bool = False,
    today: date | None = None,
) -> QuerySet[Review]:
    """Every review a board admin may see, filtered; overdue means still with the reviewer
    after its due date."""
    reviews = reviews_for_user(user).select_related("cycle", "reviewer")
    if cycle is not None:
        reviews = reviews.filter(cycle=cycle)
    if state:
        reviews = reviews.filter(state=state)
    if agency is not None:
        reviews = reviews.filter(agency=agency)
    if reviewer is not None:
        reviews = reviews.filter(reviewer=reviewer)
    if overdue:
        today = today or timezone.localdate()
        reviews = reviews.filter(state__in=Review.EDITABLE_STATES, due_on__lt=today)
    return reviews.order_by("-cycle__opens_on", "cycle__name", "agency__name", "pk")


def cycles_for_admin() -> QuerySet[ReviewCycle]:
    return ReviewCycle.objects.select_related("framework").annotate(
        agency_count=Count("agencies", distinct=True),
        review_count=Count("reviews", filter=~Q(reviews__state="withdrawn"), distinct=True),
    )
