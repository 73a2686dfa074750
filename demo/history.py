"""Invented demo history: last year's cycle, signed off, and what the agencies are doing about it.

Everything goes through the same services as real use, so the audit trail, the outcomes issued
at sign-off and the actions look as they would; the demo's clock dates each step on its day in
the story, which `demo.story` tells.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from demo.documents import make_docx
from outcomes.services import outcome_render
from outcomes.signing import SigningUnavailable, board_certificate
from policies.extraction import policy_version_extract_text
from policies.models import Agency, PolicyDocument
from policies.services import UploadRefused, VersionMetadata, policy_version_upload
from reviews.models import Finding, Framework, ReviewCycle
from reviews.services import (
    review_assign,
    review_save_findings,
    review_save_outcome,
    review_sign_off,
    review_submit,
)
from reviews.services.cycles import cycle_open
from reviews.services.reviews import RecommendationInput
from summaries.models import Action
from summaries.services.actions import action_create, action_update

from .clock import demo_clock
from .policy_texts import SECTIONS, policy_blocks
from .self_assessment import SELF_ASSESSMENT_DUE
from .story import (
    COUNCIL,
    CURRENT_ASSIGNED_ON,
    CURRENT_CYCLE,
    CURRENT_POLICE_REVIEW,
    EVIDENCE,
    EVIDENCE_V2,
    MET,
    NA,
    PART,
    POLICE,
    POLICE_V2_ADDITIONS,
    PREVIOUS_CYCLE,
    PREVIOUS_REVIEWS,
    YOUTH_TRUST,
    DemoReview,
)


def _people() -> dict:
    User = get_user_model()
    emails = [
        "admin@demo.example",
        "reviewer1@demo.example",
        "reviewer2@demo.example",
        "moderator@demo.example",
        "council@demo.example",
        "police@demo.example",
        "youthtrust@demo.example",
    ]
    return {u.email: u for u in User.objects.filter(email__in=emails)}


def demo_history_seed() -> bool:
    """Add last year's cycle, this year's cycle and signed-off review and the agencies' actions,
    once, each dated when the story says it happened (see `demo_clock`).

    Returns False when the previous cycle is already there, or the demo board is not.
    """

    framework = Framework.objects.filter(code="lscb-social-media").order_by("-version").first()
    people = _people()
    agencies = {a.name: a for a in Agency.objects.filter(name__in=[COUNCIL, POLICE, YOUTH_TRUST])}
    if (
        framework is None
        or len(people) < 7
        or len(agencies) < 3
        or ReviewCycle.objects.filter(name=PREVIOUS_CYCLE).exists()
    ):
        return False
    # The actions' due dates follow the day the demo is seeded, so one is always overdue.
    today = timezone.localdate()
    # All or nothing; anything queued for the worker goes once this commits, on the real clock.
    with transaction.atomic(), demo_clock() as clock:
        # In the order it happened, so the audit trail reads the same by time or by entry.
        _previous_cycle(clock, framework=framework, people=people, agencies=agencies)
        done = _actions(clock, people=people, today=today)
        current = _current_cycle(clock, framework=framework, people=people, agencies=agencies)
        police_v2 = _police_version_2(clock, people=people, agency=agencies[POLICE])
        _action_done(clock, action=done, by=people["police@demo.example"], version=police_v2)
        if current is not None:
            _current_reviews_waiting(clock, cycle=current, people=people, agencies=agencies)
        _current_police_review(clock, people=people, agencies=agencies)
    return True


def _previous_cycle(clock, *, framework, people, agencies) -> None:
    clock.set(date(2025, 3, 24), hour=11)
    cycle = cycle_open(
        by=people["admin@demo.example"],
        name=PREVIOUS_CYCLE,
        framework=framework,
        opens_on=date(2025, 4, 1),
        closes_on=date(2026, 3, 31),
        agencies=agencies.values(),
    )
    _reviews_to_sign_off(PREVIOUS_REVIEWS, clock, cycle=cycle, people=people, agencies=agencies)


def _current_cycle(clock, *, framework, people, agencies):
    """This year's cycle, opened in March, asking for self-assessment; None when a demo board
    made before the history was part of the demo has it."""
    if ReviewCycle.objects.filter(name=CURRENT_CYCLE).exists():
        return None
    clock.set(date(2026, 3, 16), hour=11)
    return cycle_open(
        by=people["admin@demo.example"],
        name=CURRENT_CYCLE,
        framework=framework,
        opens_on=date(2026, 4, 1),
        closes_on=date(2027, 3, 31),
        agencies=agencies.values(),
        # Agencies assess themselves before their reviews; the reply window came later.
        self_assessment_due_on=SELF_ASSESSMENT_DUE,
    )


def _current_reviews_waiting(clock, *, cycle, people, agencies) -> None:
    """The council's and the youth trust's reviews, assigned in September, not yet started."""
    for n, (agency, reviewer) in enumerate(((COUNCIL, "reviewer1"), (YOUTH_TRUST, "reviewer2"))):
        clock.set(CURRENT_ASSIGNED_ON, hour=10, minute=5 * n)
        review_assign(
            cycle=cycle,
            agency=agencies[agency],
            reviewer=people[f"{reviewer}@demo.example"],
            moderator=people["moderator@demo.example"],
            due_on=date(2026, 12, 18),
            by=people["admin@demo.example"],
        )


def _reviews_to_sign_off(demos, clock, *, cycle, people, agencies, evidence=None, first=0):
    """Assign, answer, submit and sign off reviews, as their reviewers and moderator would, each
    step on its day, step by step across the reviews so the audit trail stays in time order;
    each outcome is issued as the worker would have, minutes after its sign-off."""
    moderator = people["moderator@demo.example"]
    reviews = []
    for n, demo in enumerate(demos, start=first):
        # Assigned together: a few minutes apart, in order.
        clock.set(demo.dates.assigned, hour=10, minute=5 * n)
        reviews.append(
            review_assign(
                cycle=cycle,
                agency=agencies[demo.agency],
                reviewer=people[demo.reviewer],
                moderator=moderator,
                due_on=demo.due_on,
                by=people["admin@demo.example"],
            )
        )
    findings_of = {}
    for demo, review in zip(demos, reviews, strict=True):
        findings = {f.expectation.code: f for f in review.findings.select_related("expectation")}
        findings_of[review.pk] = findings
        clock.set(demo.dates.started, hour=14)
        review_save_findings(
            review=review,
            by=people[demo.reviewer],
            lock_version=review.lock_version,
            answers=_answers(demo, review, findings, evidence),
        )
    for demo, review in zip(demos, reviews, strict=True):
        review.refresh_from_db()
        findings = findings_of[review.pk]
        clock.set(demo.dates.submitted, hour=15, minute=30)
        review = review_save_outcome(
            review=review,
            by=people[demo.reviewer],
            lock_version=review.lock_version,
            overall_outcome=demo.outcome,
            override_reason=demo.override_reason,
            summary=demo.summary,
            recommendations=[
                RecommendationInput(text=text, finding_ids=tuple(findings[c].pk for c in codes))
                for text, codes in demo.recommendations
            ],
        )
        review_submit(review=review, by=people[demo.reviewer], lock_version=review.lock_version)
    for demo, review in zip(demos, reviews, strict=True):
        review.refresh_from_db()
        clock.set(demo.dates.signed_off, hour=11)
        _issue_outcome(review_sign_off(review=review, by=moderator, attest=True))


def _answers(demo: DemoReview, review, findings: dict, evidence) -> dict:
    is_pdf = review.policy_version.original_filename.lower().endswith(".pdf")
    answers = {}
    for code, finding in findings.items():
        rating, comment = demo.findings.get(code, (MET, ""))
        answer = {"rating": rating, "comment": comment}
        if rating == NA:
            answer = {"rating": rating, "not_applicable_reason": comment}
        elif rating in (MET, PART):
            quote, section, page = {**EVIDENCE, **(evidence or {})}[code]
            answer["evidence_quote"] = quote
            if is_pdf and page:
                answer["evidence_page"] = page
            else:
                answer["evidence_section"] = section
        answers[finding.pk] = answer
    return answers


def _issue_outcome(review) -> None:
    """Render and sign the outcome now, so that it is dated the day of its sign-off.

    Without the board's certificate it stays queued, for the worker to issue once it starts.
    """

    try:
        board_certificate(
            path=settings.OUTCOME_SIGNING_PKCS12, passphrase=settings.OUTCOME_SIGNING_PASSPHRASE
        )
    except SigningUnavailable:
        return
    outcome_render(review_id=review.pk)


def _police_version_2(clock, *, people, agency):
    document = PolicyDocument.objects.filter(agency=agency).order_by("pk").first()
    sections = [
        (heading, paragraphs + dict(POLICE_V2_ADDITIONS).get(heading, []))
        for heading, paragraphs in SECTIONS
    ] + [s for s in POLICE_V2_ADDITIONS if s[0] not in dict(SECTIONS)]
    title = f"{agency.name}: {document.title}"
    content = make_docx(policy_blocks(title, sections=sections), title=title)
    clock.set(date(2026, 5, 12), hour=10)
    try:
        version = policy_version_upload(
            by=people["police@demo.example"],
            agency=agency,
            document=document,
            uploaded_file=SimpleUploadedFile("policy-v2.docx", content),
            metadata=VersionMetadata(
                owner="Superintendent, Public Protection",
                version_label="2.0",
                document_date=date(2026, 5, 11),
                classification="OFFICIAL",
                next_review_date=date(2028, 6, 1),
                retention_period="6 years after it is superseded",
            ),
        )
    except UploadRefused as refusal:
        raise RuntimeError(f"Demo policy version 2.0 for {agency}: {refusal.reason}") from refusal
    return policy_version_extract_text(version_id=version.pk)


def _current_police_review(clock, *, people, agencies) -> None:
    cycle = ReviewCycle.objects.get(name=CURRENT_CYCLE)
    if cycle.reviews.filter(agency=agencies[POLICE]).exclude(state="withdrawn").exists():
        return
    # Assigned the same morning as the two reviews waiting to start, after them.
    _reviews_to_sign_off(
        [CURRENT_POLICE_REVIEW],
        clock,
        cycle=cycle,
        people=people,
        agencies=agencies,
        evidence=EVIDENCE_V2,
        first=2,
    )


def _actions(clock, *, people, today: date):
    """The agencies answer last year's findings early in 2026; gives back the police's action,
    which version 2.0 of their policy later answers."""

    def finding(agency: str, code: str) -> Finding:
        return Finding.objects.select_related("review").get(
            review__cycle__name=PREVIOUS_CYCLE,
            review__agency__name=agency,
            expectation__code=code,
        )

    police = people["police@demo.example"]
    clock.set(date(2026, 1, 14), hour=10)
    answered = action_create(
        finding=finding(POLICE, "3.4"),
        by=police,
        description="Add a section on reading what children post to the policy.",
        owner="Superintendent, Public Protection",
        due_on=date(2026, 6, 30),
    )
    council = people["council@demo.example"]
    clock.set(date(2026, 1, 20), hour=10)
    action_create(
        finding=finding(COUNCIL, "1.4"),
        by=council,
        description="Add a paragraph to 'Professional boundaries' saying that messages and "
        "posts are a permanent record, and bring it to the safeguarding committee.",
        owner="Head of Children's Services",
        due_on=today - timedelta(days=21),
    )
    minimum_ages = action_create(
        finding=finding(COUNCIL, "2.1"),
        by=council,
        description="List every platform the youth participation team uses with its minimum "
        "age, and stop using any whose minimum age is above the group's.",
        owner="Youth participation manager",
        due_on=today + timedelta(days=45),
    )
    clock.set(date(2026, 1, 27), hour=10)
    action_create(
        finding=finding(YOUTH_TRUST, "3.4"),
        by=people["youthtrust@demo.example"],
        description="Write guidance for youth workers on reading what young people post, with "
        "examples from our own channels.",
        owner="Designated Safeguarding Lead",
        due_on=today + timedelta(days=75),
    )
    clock.set(date(2026, 2, 16), hour=10)
    action_update(action=minimum_ages, by=council, status=Action.Status.IN_PROGRESS)
    return answered


def _action_done(clock, *, action, by, version) -> None:
    clock.set(date(2026, 5, 14), hour=10)
    action_update(
        action=action,
        by=by,
        status=Action.Status.DONE,
        done_note="Version 2.0 of the policy has a section 'Reading what children post'.",
        evidence_version=version,
    )
