"""Reads for board admins' cycle pages, in a fixed number of queries whatever the scope."""

from dataclasses import dataclass

from django.db.models import Case, F, QuerySet, Value, When
from django.utils import timezone

from policies.models import Agency, PolicyDocument, PolicyVersion

from .models import Review, ReviewCycle


@dataclass(frozen=True)
class ScopeRow:
    """An agency in a cycle's scope: the policy that would be reviewed and its live review."""

    agency: Agency
    policy_version: PolicyVersion | None
    review: Review | None

    @property
    def is_assignable(self) -> bool:
        return self.review is None and self.policy_version is not None

    @property
    def not_assignable_reason(self) -> str:
        if self.review is not None:
            return (
                f"Already assigned to {self.review.reviewer} "
                f"({self.review.get_state_display().lower()})"
            )
        if self.policy_version is None:
            return "No policy ready to review"
        return ""


def current_policy_versions(agency_ids: list[int]) -> dict[int, PolicyVersion]:
    """Each agency's policy to review, in one query: the newest ready current version,
    social-media policies first."""
    social_media_first = Case(
        When(document__kind=PolicyDocument.Kind.SOCIAL_MEDIA, then=Value(0)), default=Value(1)
    )
    versions = (
        PolicyVersion.objects.select_related("document")
        .filter(
            document__agency_id__in=agency_ids,
            document__current_version=F("pk"),
            status=PolicyVersion.Status.READY,
        )
        .order_by("document__agency_id", social_media_first, "-uploaded_at")
    )
    chosen: dict[int, PolicyVersion] = {}
    for version in versions:
        chosen.setdefault(version.document.agency_id, version)
    return chosen


def cycle_scope(cycle: ReviewCycle) -> list[ScopeRow]:
    agencies = list(cycle.agencies.order_by("name"))
    versions = current_policy_versions([agency.pk for agency in agencies])
    live = {
        review.agency_id: review
        for review in cycle.reviews.exclude(state=Review.State.WITHDRAWN).select_related(
            "reviewer", "moderator", "policy_version__document"
        )
    }
    return [
        ScopeRow(agency=agency, policy_version=versions.get(agency.pk), review=live.get(agency.pk))
        for agency in agencies
    ]


def cycle_has_closed(cycle: ReviewCycle) -> bool:
    """A cycle is closed from the day after its closing date; until then its scope may change."""
    return cycle.closes_on < timezone.localdate()


def agencies_to_add(cycle: ReviewCycle) -> QuerySet[Agency]:
    """Active agencies not yet in the cycle's scope."""
    return (
        Agency.objects.filter(is_active=True)
        .exclude(pk__in=cycle.agencies.values("pk"))
        .order_by("name")
    )


def cycle_withdrawn_reviews(cycle: ReviewCycle) -> QuerySet[Review]:
    return (
        cycle.reviews.filter(state=Review.State.WITHDRAWN)
        .select_related("agency", "reviewer")
        .order_by("agency__name", "pk")
    )
