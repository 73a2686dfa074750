"""Reads for actions, reminders and exports, always limited to what the person may see."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from audit.services import access_refused
from policies.models import PolicyVersion
from policies.rules import member_agency_ids
from reviews.models import Finding, Review, ReviewCycle

from .figures import GAP_RATINGS, final
from .models import Action, Export, SentReminder


def _refuse(request, *, obj, agency, reason: str) -> Exception:
    return access_refused(
        request, obj=obj, agency=agency, reason=reason, error=Http404("Not found.")
    )


def actions_for_user(user) -> QuerySet[Action]:
    """Board admins see every action; an agency member only their agency's."""
    actions = Action.objects.select_related(
        "agency", "finding__expectation", "review__cycle", "evidence_version__document"
    )
    if not user.is_authenticated:
        return actions.none()
    if user.is_board_admin:
        return actions
    return actions.filter(agency_id__in=member_agency_ids(user))


def action_get_for_user(request, pk: int) -> Action:
    try:
        return actions_for_user(request.user).get(pk=pk)
    except Action.DoesNotExist:
        other = Action.objects.select_related("agency").filter(pk=pk).first()
        if other is not None:
            raise _refuse(
                request, obj=other, agency=other.agency, reason="not the person's agency"
            ) from None
        raise Http404("No such action.") from None


def action_list(*, user, status: str = "", overdue_only: bool = False) -> QuerySet[Action]:
    today = timezone.localdate()
    actions = actions_for_user(user)
    if status:
        actions = actions.filter(status=status)
    if overdue_only:
        actions = actions.exclude(status=Action.Status.DONE).filter(due_on__lt=today)
    return actions.order_by("due_on", "agency__name", "pk")


def agency_reviews_for_actions(*, user) -> QuerySet[Review]:
    """The reviews of the person's own agencies whose findings are final, newest first."""
    return (
        Review.objects.select_related("cycle", "agency", "policy_version__document")
        .filter(final(), agency_id__in=member_agency_ids(user))
        .order_by("-cycle__opens_on", "agency__name")
    )


def agency_review_get(request, pk: int) -> Review:
    """A signed-off review of one of the person's agencies; anything else is a 404, audited."""
    try:
        return agency_reviews_for_actions(user=request.user).get(pk=pk)
    except Review.DoesNotExist:
        other = Review.objects.select_related("agency").filter(pk=pk).first()
        if other is not None:
            raise _refuse(
                request, obj=other, agency=other.agency, reason="not a published review of theirs"
            ) from None
        raise Http404("No such review.") from None


def gap_findings(review: Review) -> QuerySet[Finding]:
    """A review's findings rated Partially met or Not met, each with its actions."""
    return (
        review.findings.filter(rating__in=GAP_RATINGS)
        .select_related("expectation")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("evidence_version").order_by("due_on", "pk"),
            )
        )
        .order_by("expectation__order")
    )


def gap_finding_get(request, pk: int) -> Finding:
    """A finding that needs an action, of a signed-off review of one of the person's agencies."""
    finding = (
        Finding.objects.select_related("expectation", "review__agency", "review__cycle")
        .filter(
            final("review__"),
            pk=pk,
            rating__in=GAP_RATINGS,
            review__agency_id__in=member_agency_ids(request.user),
        )
        .first()
    )
    if finding is not None:
        return finding
    other = Finding.objects.select_related("review__agency").filter(pk=pk).first()
    if other is not None:
        raise _refuse(
            request,
            obj=other,
            agency=other.review.agency,
            reason="not a finding of theirs that needs an action",
        )
    raise Http404("No such finding.")


def evidence_versions_for(agency_id: int) -> QuerySet[PolicyVersion]:
    return (
        PolicyVersion.objects.select_related("document")
        .filter(document__agency_id=agency_id, status=PolicyVersion.Status.READY)
        .order_by("document__title", "-number")
    )


def reminders_for_user(user) -> QuerySet[SentReminder]:
    return SentReminder.objects.filter(recipient=user, sent_at__isnull=False).order_by(
        "-sent_at", "-pk"
    )


def exports_for_user(user) -> QuerySet[Export]:
    exports = Export.objects.select_related("cycle", "requested_by")
    if not user.is_authenticated or not user.is_board_admin:
        return exports.none()
    return exports


def export_get_for_user(request, pk: int) -> Export:
    try:
        return exports_for_user(request.user).get(pk=pk)
    except Export.DoesNotExist:
        other = Export.objects.filter(pk=pk).first()
        if other is not None:
            raise _refuse(request, obj=other, agency=None, reason="not a board admin") from None
        raise Http404("No such export.") from None


def cycle_current(*, today=None) -> ReviewCycle | None:
    """The cycle an export most likely wants: the latest one open today, else the latest to
    have opened, else the next to open."""
    today = today or timezone.localdate()
    cycles = ReviewCycle.objects.order_by("-opens_on", "-pk")
    return (
        cycles.filter(opens_on__lte=today, closes_on__gte=today).first()
        or cycles.filter(opens_on__lte=today).first()
        or cycles.order_by("opens_on", "pk").first()
    )
