"""Reads of reviews, always limited to what the person may see."""

import functools

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from audit.services import access_refused
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


def review_to_edit(user, pk: int) -> Review | None:
    """The review if this person is its reviewer and it can still be changed: the one check
    every review step makes, in one narrow query."""
    return (
        Review.objects.select_related("agency", "policy_version__document")
        .filter(pk=pk, reviewer_id=user.pk, state__in=Review.EDITABLE_STATES)
        .first()
    )


@functools.cache
def _review_step_query(vendor: str) -> tuple[str, list[str], list[tuple[int, list, object]]]:
    """The SQL of `review_step_to_show`, the review's attribute names, and the conversions
    this database needs (none on PostgreSQL; dates and times on SQLite)."""
    fields = Review._meta.concrete_fields
    version_model = Review._meta.get_field("policy_version").related_model
    document_model = version_model._meta.get_field("document").related_model
    agency_model = Review._meta.get_field("agency").related_model
    states = ", ".join(["%s"] * len(Review.EDITABLE_STATES))
    sql = (
        f"SELECT {', '.join('r.' + field.column for field in fields)}, "  # noqa: S608
        "a.name, d.title, v.sha256 "
        f"FROM {Review._meta.db_table} r "
        f"JOIN {agency_model._meta.db_table} a ON a.id = r.agency_id "
        f"JOIN {version_model._meta.db_table} v ON v.id = r.policy_version_id "
        f"JOIN {document_model._meta.db_table} d ON d.id = v.document_id "
        f"WHERE r.id = %s AND r.reviewer_id = %s AND r.state IN ({states})"
    )
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(Review._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    return sql, [field.attname for field in fields], converters


def review_step_to_show(user, pk: int) -> Review | None:
    """`review_to_edit` for showing a saved step, with only what the step's page shows beside
    the review's own columns: `agency_name`, `document_title` and `version_sha256`.

    Written in SQL because every view of a review step runs it, and the ORM takes longer to
    build this three-table join than the database takes to run it."""
    sql, names, converters = _review_step_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, user.pk, *(str(state) for state in Review.EDITABLE_STATES)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row[: len(names)])
    for index, found, column in converters:
        for converter in found:
            values[index] = converter(values[index], column, connection)
    review = Review.from_db(connection.alias, names, values)
    review.agency_name, review.document_title, review.version_sha256 = row[len(names) :]
    return review


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
