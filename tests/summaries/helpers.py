"""Counted reviews made straight in the database, for read-side tests of figures and exports."""

import datetime
import uuid

from django.utils import timezone

from policies.models import PolicyDocument, PolicyVersion
from reviews.models import Finding, Review

State = Review.State


def ready_version(agency, *, number: int = 1) -> PolicyVersion:
    document = PolicyDocument.objects.filter(agency=agency).first()
    if document is None:
        document = PolicyDocument.objects.create(
            agency=agency, title=f"{agency.name} social media policy"
        )
    version = PolicyVersion.objects.create(
        document=document,
        number=number,
        file=f"policies/{agency.pk}/{uuid.uuid4().hex}.pdf",
        file_kind=PolicyVersion.FileKind.PDF,
        media_type="application/pdf",
        sha256=uuid.uuid4().hex * 2,
        size=1000,
        page_count=1,
        owner="Head of Safeguarding",
        version_label=f"{number}.0",
        document_date=datetime.date(2025, 1, 1),
        status=PolicyVersion.Status.READY,
    )
    document.current_version = version
    document.save(update_fields=["current_version"])
    return version


def counted_review(
    *,
    agency,
    cycle,
    reviewer,
    moderator,
    ratings=Finding.Rating.MET,
    state: str = State.SIGNED_OFF,
    due_on: datetime.date | None = None,
) -> Review:
    """A review in `state` with every expectation rated: one rating for all, or by code."""
    cycle.agencies.add(agency)
    version = PolicyVersion.objects.filter(document__agency=agency).first() or ready_version(agency)
    review = Review.objects.create(
        cycle=cycle,
        policy_version=version,
        agency=agency,
        framework=cycle.framework,
        reviewer=reviewer,
        moderator=moderator,
        due_on=due_on or timezone.localdate() + datetime.timedelta(days=30),
        state=state,
        signed_off_at=timezone.now() if state in (State.SIGNED_OFF, State.OUTCOME_ISSUED) else None,
    )
    findings = []
    for expectation in cycle.framework.expectations.order_by("order"):
        rating = ratings if isinstance(ratings, str) else ratings.get(expectation.code, "met")
        findings.append(
            Finding(
                review=review,
                expectation=expectation,
                rating=rating,
                evidence_quote=f"Quoted passage for {expectation.code}" if rating else "",
                evidence_page=1 if rating else None,
                comment="" if rating != Finding.Rating.NOT_MET else "Nothing on this.",
                not_applicable_reason="Not relevant" if rating == "not_applicable" else "",
            )
        )
    Finding.objects.bulk_create(findings)
    return review
