"""The reviewer's answers: each finding, the overall outcome and the recommendations, saved as a
draft from the version the reviewer read, and what still stops the review being submitted."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from audit.models import AuditEvent

from ..answers import ANSWER_FIELDS, SELF_ASSESSMENT_VIEW_FIELDS, self_assessment_view_problems
from ..models import Finding, Recommendation, Review
from ..selectors_self_assessments import submitted_self_ratings
from ..signals import findings_saved
from .guards import (
    TransitionRefused,
    audited_refusals,
    claim_version,
    record_move,
    refuse_if_member,
)

State = Review.State
Rating = Finding.Rating
Outcome = Review.Outcome


def claim_for_edit(*, review: Review, by, lock_version: int) -> None:
    """Take the edit: only the reviewer, only while editable, only from the version they read."""
    if by.pk != review.reviewer_id:
        raise TransitionRefused("Only the assigned reviewer can change this review.")
    refuse_if_member(review=review, by=by, role="review")
    claim_version(review=review, by=by, lock_version=lock_version, states=Review.EDITABLE_STATES)


def _start_if_new(*, review: Review, by, request=None) -> None:
    started = Review.objects.filter(
        pk=review.pk, state__in=(State.ASSIGNED, State.RETURNED)
    ).update(state=State.IN_PROGRESS)
    if started:
        record_move(
            AuditEvent.Action.REVIEW_STARTED,
            review=review,
            by=by,
            request=request,
            detail={"round": review.round},
        )


@audited_refusals
def review_save_findings(
    *, review: Review, by, lock_version: int, answers: dict[int, dict], request=None
) -> Review:
    """Save a step's answers, keyed by finding id. Partial answers are kept: a draft is a draft."""
    with transaction.atomic():
        claim_for_edit(review=review, by=by, lock_version=lock_version)
        findings = {f.pk: f for f in review.findings.filter(pk__in=answers)}
        if len(findings) != len(answers):
            raise TransitionRefused("Some of these answers are not for this review.")
        for finding_id, values in answers.items():
            finding = findings[finding_id]
            for field in (*ANSWER_FIELDS, *SELF_ASSESSMENT_VIEW_FIELDS):
                if field in values:
                    setattr(finding, field, values[field] if values[field] is not None else "")
            if finding.evidence_page == "":
                finding.evidence_page = None
            finding.carried_forward = False
        Finding.objects.bulk_update(
            findings.values(), [*ANSWER_FIELDS, *SELF_ASSESSMENT_VIEW_FIELDS, "carried_forward"]
        )
        findings_saved.send(sender=Review, review=review, findings=list(findings.values()), by=by)
        _start_if_new(review=review, by=by, request=request)
    review.refresh_from_db()
    return review


def suggested_outcome(ratings: Iterable[str]) -> str:
    ratings = list(ratings)
    if any(r == Rating.NOT_MET for r in ratings):
        return Outcome.DOES_NOT_MEET
    if all(r in (Rating.MET, Rating.NOT_APPLICABLE) for r in ratings):
        return Outcome.MEETS
    return Outcome.MEETS_WITH_RECOMMENDATIONS


@dataclass(frozen=True)
class RecommendationInput:
    text: str
    finding_ids: tuple[int, ...] = ()


@audited_refusals
def review_save_outcome(
    *,
    review: Review,
    by,
    lock_version: int,
    overall_outcome: str,
    override_reason: str,
    summary: str,
    recommendations: list[RecommendationInput],
    request=None,
) -> Review:
    with transaction.atomic():
        claim_for_edit(review=review, by=by, lock_version=lock_version)
        Review.objects.filter(pk=review.pk).update(
            overall_outcome=overall_outcome,
            outcome_override_reason=override_reason,
            summary=summary,
        )
        review.recommendations.all().delete()
        finding_ids = set(review.findings.values_list("pk", flat=True))
        for order, item in enumerate(recommendations, 1):
            recommendation = Recommendation.objects.create(
                review=review, order=order, text=item.text
            )
            recommendation.findings.set([f for f in item.finding_ids if f in finding_ids])
        _start_if_new(review=review, by=by, request=request)
    review.refresh_from_db()
    return review


def review_problems(review: Review) -> list[str]:
    """Everything that stops a review being submitted, in the order of the task list."""
    findings = list(review.findings.select_related("expectation").order_by("expectation__order"))
    # Where the agency submitted a self-assessment, each of its ratings is agreed or challenged.
    self_rated = submitted_self_ratings(review=review)
    problems = [
        problem
        for finding in findings
        for problem in [
            *finding.problems(),
            *(
                message
                for _, message in self_assessment_view_problems(finding)
                if finding.expectation_id in self_rated
            ),
        ]
    ]
    if not review.overall_outcome:
        problems.append("Choose the overall outcome")
    elif (
        review.overall_outcome != suggested_outcome(f.rating for f in findings)
        and not review.outcome_override_reason.strip()
    ):
        problems.append("Give the reason for an overall outcome other than the one suggested")
    return problems
