"""Writes of the evidence finder: a policy version's passages and its suggestions per framework."""

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from policies.extraction import stored_file_on_disk
from policies.models import PolicyVersion
from reviews.models import Framework

# The tasks call these services and these services queue the tasks: each module imports the
# other whole, so either can be loaded first.
from . import tasks
from .models import (
    DismissedSuggestion,
    EvidenceRun,
    ExpectationEvidence,
    Passage,
    passage_location,
    suggestions_demoted,
)
from .ranking import Query, rank_passages
from .selectors import accepted_quotes
from .structure import passages_of_file, passages_of_pages

logger = logging.getLogger(__name__)

# Suggestions kept per expectation; the review step shows the first few.
SUGGESTIONS_KEPT = 5


def evidence_prepare(*, version_id: int, framework_id: int) -> EvidenceRun | None:
    """Split a ready policy version into passages (once) and rank them for each expectation.

    Safe to run more than once: a run that is ready is left as it is. None when the version is
    not ready or either row is gone.
    """
    version = PolicyVersion.objects.filter(pk=version_id, status=PolicyVersion.Status.READY).first()
    framework = Framework.objects.filter(pk=framework_id).first()
    if version is None or framework is None:
        return None
    run, _ = EvidenceRun.objects.get_or_create(version=version, framework=framework)
    if run.status == EvidenceRun.Status.READY:
        return run
    passages = list(Passage.objects.filter(version=version).order_by("order"))
    if not passages:
        result = _split_in_sandbox(version)
        if not result.get("ok"):
            reason = (result.get("reason") or "The policy could not be split into passages.")[:500]
            EvidenceRun.objects.filter(pk=run.pk).update(
                status=EvidenceRun.Status.FAILED, last_error=reason, finished_at=timezone.now()
            )
            logger.warning("Evidence for version %s failed: %s", version.pk, reason)
            run.refresh_from_db()
            return run
        passages = _store_passages(version, result["passages"])
    expectations = list(framework.expectations.order_by("order"))
    accepted = accepted_quotes(framework_code=framework.code, version=version)
    ranked = rank_passages(
        [passage.text for passage in passages],
        [
            Query(
                code=e.code,
                text=e.text,
                what_good_looks_like=e.what_good_looks_like,
                concepts=tuple(e.concepts),
                accepted=tuple(accepted.get(e.code, ())),
            )
            for e in expectations
        ],
        top=SUGGESTIONS_KEPT,
    )
    dismissed: dict[int, set[int]] = {}
    for expectation_id, passage_id in DismissedSuggestion.objects.filter(
        version=version
    ).values_list("expectation_id", "passage_id"):
        dismissed.setdefault(expectation_id, set()).add(passage_id)
    with transaction.atomic():
        run = EvidenceRun.objects.select_for_update().get(pk=run.pk)
        if run.status == EvidenceRun.Status.READY:
            return run
        ExpectationEvidence.objects.filter(run=run).delete()
        ExpectationEvidence.objects.bulk_create(
            ExpectationEvidence(
                run=run,
                expectation=expectation,
                suggestions=suggestions_demoted(
                    [
                        _suggestion(passages[found.passage], found)
                        for found in ranked[expectation.code]
                    ],
                    dismissed.get(expectation.pk, set()),
                ),
            )
            for expectation in expectations
        )
        run.status = EvidenceRun.Status.READY
        run.last_error = ""
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "last_error", "finished_at"])
    return run


def _split_in_sandbox(version: PolicyVersion) -> dict:
    if version.text_from_scan:
        # A scan's text was read once, by OCR; its passages come from that text, not the image.
        pages = version.pages.order_by("number").values_list("number", "text")
        found = passages_of_pages(pages)
        if not found:
            return {"ok": False, "reason": "No passages could be read from the scan's text."}
        return {"ok": True, "passages": found}
    if not version.file:
        return {"ok": False, "reason": "The policy's file is no longer stored."}
    with stored_file_on_disk(version) as path:
        return passages_of_file(
            path,
            timeout_seconds=settings.POLICY_EXTRACT_TIMEOUT_SECONDS,
            memory_mb=settings.POLICY_PARSE_MEMORY_MB,
        )


def _store_passages(version: PolicyVersion, found: list[dict]) -> list[Passage]:
    with transaction.atomic():
        # One writer per version: a second run of the task finds the first one's passages.
        PolicyVersion.objects.select_for_update().filter(pk=version.pk).first()
        existing = list(Passage.objects.filter(version=version).order_by("order"))
        if existing:
            return existing
        return Passage.objects.bulk_create(
            Passage(
                version=version,
                order=order,
                text=item["text"],
                page=item.get("page"),
                section=(item.get("section") or "")[:200],
                paragraph=item.get("paragraph") or 1,
                kind=item.get("kind") or Passage.Kind.PARAGRAPH,
            )
            for order, item in enumerate(found, start=1)
        )


def _suggestion(passage: Passage, found) -> dict:
    return {
        "passage": passage.pk,
        "text": passage.text,
        "page": passage.page,
        "section": passage.section,
        "location": passage.location,
        "score": found.score,
        "label": found.label,
        "matched": [list(span) for span in found.matched],
    }


def suggestion_from_split(item: dict, found) -> dict:
    """A suggestion for a file that has no database entry, as the command prints it."""
    return {
        "text": item["text"],
        "page": item.get("page"),
        "section": item.get("section") or "",
        "location": passage_location(
            page=item.get("page"),
            section=item.get("section") or "",
            paragraph=item.get("paragraph") or 1,
            kind=item.get("kind") or "paragraph",
        ),
        "score": found.score,
        "label": found.label,
    }


def latest_frameworks() -> list[Framework]:
    """The newest published version of each framework: the ones new reviews start with."""
    newest: dict[str, Framework] = {}
    published = Framework.objects.filter(status=Framework.Status.PUBLISHED)
    for framework in published.order_by("code", "version"):
        newest[framework.code] = framework
    return list(newest.values())


def evidence_queue(*, version_id: int, framework_id: int) -> None:
    """Prepare the suggestions in the background once the current transaction commits."""
    transaction.on_commit(partial(_send, version_id, framework_id))


def evidence_queue_for_version(*, version_id: int) -> None:
    """A version has just become ready: prepare its suggestions for every current framework."""
    for framework in latest_frameworks():
        evidence_queue(version_id=version_id, framework_id=framework.pk)


def _send(version_id: int, framework_id: int) -> None:
    tasks.evidence_prepare_task.delay(version_id, framework_id)
