"""Writes of what reviewers tell the evidence finder: the quotes they accept as evidence, and
the suggestions they say are not relevant."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from reviews.models import Expectation, Finding, Review

from .models import (
    AcceptedEvidence,
    DismissedSuggestion,
    ExpectationEvidence,
    Passage,
    suggestions_demoted,
)


class NotASuggestion(ValueError):
    """The passage or expectation is not one of this review's."""


def evidence_accept_quotes(*, review: Review, findings: Iterable[Finding], by) -> None:
    """Keep each finding's quoted evidence as accepted evidence for its expectation.

    Called whenever findings are saved: a new or changed quote is recorded (as the reviewer's,
    now), an unchanged one keeps when it was first accepted, and a cleared one is forgotten.
    """
    findings = list(findings)
    if not findings:
        return
    codes = dict(
        Expectation.objects.filter(pk__in={f.expectation_id for f in findings}).values_list(
            "pk", "code"
        )
    )
    framework_code = review.framework.code
    existing = {
        row.finding_id: row
        for row in AcceptedEvidence.objects.filter(finding__in=[f.pk for f in findings])
    }
    now = timezone.now()
    cleared = []
    for finding in findings:
        quote = " ".join((finding.evidence_quote or "").split())
        row = existing.get(finding.pk)
        if not quote:
            if row is not None:
                cleared.append(row.pk)
            continue
        if row is not None and row.text == quote:
            continue
        AcceptedEvidence.objects.update_or_create(
            finding=finding,
            defaults={
                "version_id": review.policy_version_id,
                "framework_code": framework_code,
                "expectation_code": codes[finding.expectation_id],
                "text": quote,
                "accepted_by": by,
                "accepted_at": now,
            },
        )
    if cleared:
        AcceptedEvidence.objects.filter(pk__in=cleared).delete()


def suggestion_dismiss(
    *, review: Review, expectation_id: int, passage_id: int, by, request=None
) -> DismissedSuggestion:
    """Record that a suggested passage is not relevant to an expectation of this review's policy
    version. The review comes from a selector that found it as the caller's to edit."""
    expectation = Expectation.objects.filter(
        pk=expectation_id, framework_id=review.framework_id
    ).first()
    passage = Passage.objects.filter(pk=passage_id, version_id=review.policy_version_id).first()
    if expectation is None or passage is None:
        raise NotASuggestion("That passage is not a suggestion for this review.")
    with transaction.atomic():
        dismissed, created = DismissedSuggestion.objects.get_or_create(
            version_id=review.policy_version_id,
            expectation=expectation,
            passage=passage,
            defaults={"dismissed_by": by, "dismissed_at": timezone.now()},
        )
        # Demoted where the suggestions are kept, so a step still reads them in one query.
        for evidence in ExpectationEvidence.objects.select_for_update().filter(
            run__version_id=review.policy_version_id, expectation=expectation
        ):
            evidence.suggestions = suggestions_demoted(evidence.suggestions, {passage.pk})
            evidence.save(update_fields=["suggestions"])
        if created:
            audit_record(
                action=AuditEvent.Action.SUGGESTION_DISMISSED,
                request=request,
                actor=by,
                obj=review,
                agency=review.agency,
                detail={"expectation": expectation.code, "passage": passage.pk},
            )
    return dismissed
