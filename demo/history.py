"""Invented demo history: last year's cycle, signed off, and what the agencies are doing about it.

Everything goes through the same services as real use, so the audit trail, the outcomes issued
at sign-off and the actions look as they would; the demo's clock dates each step on its day in
the story. The quotes are taken from the demo policies.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from outcomes.services import outcome_render
from outcomes.signing import SigningUnavailable, board_certificate
from policies.generate import make_docx
from policies.models import Agency, PolicyDocument
from policies.services import (
    UploadRefused,
    VersionMetadata,
    policy_version_extract_text,
    policy_version_upload,
)
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

PREVIOUS_CYCLE = "2025 social media policy review"
CURRENT_CYCLE = "2026 social media policy review"
CURRENT_ASSIGNED_ON = date(2026, 9, 1)
COUNCIL = "Wexcombe Borough Council"
POLICE = "Wexcombe and Dunmere Police"
YOUTH_TRUST = "Riverside Youth Trust"

# Where each quote is: the section of the Word and OpenDocument files, the page of the PDF.
EVIDENCE = {
    "1.1": (
        "Staff must not befriend, follow or privately message children or young people they "
        "work with on personal social media accounts.",
        "Professional boundaries",
        1,
    ),
    "1.2": (
        "Keep personal social media entirely separate from work use. Check which account you "
        "are signed in to before posting anything.",
        "Professional boundaries",
        1,
    ),
    "1.3": (
        "Assume that the children and families we work with will look for you online.",
        "Professional boundaries",
        1,
    ),
    "1.5": (
        "Use privacy settings and keep anything that could damage your professional standing "
        "off your personal profiles.",
        "Professional boundaries",
        1,
    ),
    "1.6": (
        "Never use personal phones or cameras to photograph or film children. Use equipment "
        "supplied by the organisation, and follow the images procedure on consent, secure "
        "storage, removal from devices and deletion under the retention schedule.",
        "Images of children",
        2,
    ),
    "2.2": (
        "Our channels are not monitored out of hours; pinned posts tell children where to get "
        "urgent help.",
        "Our official channels",
        2,
    ),
    "2.3": (
        "Inappropriate posts, bullying or harassment are removed and reported, and any "
        "disclosure by a child is passed to the designated safeguarding lead the same day.",
        "Our official channels",
        2,
    ),
    "2.4": (
        "We aim to reply to messages within two working days.",
        "Our official channels",
        2,
    ),
    "3.1": (
        "Searching social media for information about a named child is allowed only where "
        "there is a justifiable safeguarding concern, with written authorisation from a "
        "service manager, and the search and its results must be logged on the case record.",
        "Information gathering",
        2,
    ),
    "3.2": (
        "Searches use open methods available to any member of the public. Staff must never "
        "create fake profiles or try to access private content.",
        "Information gathering",
        2,
    ),
}
# 1.4, 3.3 and 3.5 are partly answered by what the policy says for 1.3, 3.1 and 3.2.
EVIDENCE["1.4"] = EVIDENCE["1.3"]
EVIDENCE["3.3"] = EVIDENCE["3.1"]
EVIDENCE["3.5"] = EVIDENCE["3.2"]

# What the police added in version 2.0, after last year's review.
POLICE_V2_ADDITIONS = [
    (
        "Professional boundaries",
        [
            "Treat every message and post as a permanent record: screenshots outlast a deleted "
            "post. Assume anything you post is public unless you are certain it is not.",
        ],
    ),
    (
        "Reading what children post",
        [
            "Children and young people use different social norms online. Before acting on a "
            "post, check its context with someone who knows the child, and do not read into an "
            "exchange what is not there.",
            "Information a child posts publicly may not have been meant for a wide audience; do "
            "not treat it as public simply because it can be seen.",
        ],
    ),
]
EVIDENCE_V2 = {
    "1.4": (
        "Treat every message and post as a permanent record: screenshots outlast a deleted post.",
        "Professional boundaries",
        None,
    ),
    "1.5": (
        "Assume anything you post is public unless you are certain it is not.",
        "Professional boundaries",
        None,
    ),
    "3.4": (POLICE_V2_ADDITIONS[1][1][0], "Reading what children post", None),
    "3.5": (POLICE_V2_ADDITIONS[1][1][1], "Reading what children post", None),
}

MET, PART, NOT, NA = "met", "partially_met", "not_met", "not_applicable"


@dataclass(frozen=True)
class ReviewDates:
    assigned: date
    started: date
    submitted: date
    signed_off: date


@dataclass(frozen=True)
class DemoReview:
    cycle: str
    agency: str
    reviewer: str
    due_on: date
    dates: ReviewDates
    # Expectation code -> (rating, comment); any code not listed is met.
    findings: dict[str, tuple[str, str]]
    outcome: str
    override_reason: str
    summary: str
    # (recommendation, the expectation codes it answers)
    recommendations: list[tuple[str, tuple[str, ...]]]


PREVIOUS_REVIEWS = [
    DemoReview(
        PREVIOUS_CYCLE,
        COUNCIL,
        "reviewer1@demo.example",
        date(2025, 12, 12),
        ReviewDates(date(2025, 9, 15), date(2025, 10, 6), date(2025, 11, 24), date(2025, 12, 3)),
        {
            "1.4": (NOT, "Nothing says that messages and posts are a permanent record."),
            "1.5": (
                PART,
                "Privacy settings are mentioned, but staff are not told to assume that what "
                "they post is public.",
            ),
            "2.1": (
                NOT,
                "No check of a platform's minimum age before it is used with children, though "
                "the youth participation team runs group chats with under-16s.",
            ),
            "2.2": (
                PART,
                "Children are told where to get urgent help, but get no safety guidance when "
                "they first join a channel.",
            ),
            "3.3": (
                PART,
                "Covers searches about a named child, not checking what children post about "
                "their family or friends.",
            ),
            "3.4": (NOT, "Nothing on reading children's online exchanges in context."),
            "3.5": (
                NOT,
                "Staff are not warned that what they find online may not have been meant to be "
                "public.",
            ),
        },
        "does_not_meet",
        "",
        "Clear on professional boundaries, images and searches; silent on the permanence of "
        "posts, platforms' minimum ages and how to read what children post.",
        [
            ("Say that messages and posts are a permanent record, and assumed public.", ("1.4",)),
            (
                "Check and record the minimum age of each platform used with children.",
                ("2.1", "2.2"),
            ),
            ("Add guidance on reading children's online exchanges in context.", ("3.4", "3.5")),
        ],
    ),
    DemoReview(
        PREVIOUS_CYCLE,
        POLICE,
        "reviewer2@demo.example",
        date(2025, 12, 12),
        ReviewDates(date(2025, 9, 15), date(2025, 10, 13), date(2025, 11, 28), date(2025, 12, 5)),
        {
            "1.4": (
                PART,
                "Implies that what staff post lasts, but does not say that messages are a "
                "permanent record.",
            ),
            "1.5": (
                PART,
                "Privacy settings are covered; assuming that posts are public is not.",
            ),
            "2.1": (
                NA,
                "The force's channels are for the public at large; it runs no service that signs "
                "children up to a platform.",
            ),
            "2.2": (
                PART,
                "Urgent help is signposted; there is no safety guidance for children who "
                "message the force.",
            ),
            "3.4": (NOT, "Nothing on the different social norms children use online."),
            "3.5": (
                PART,
                "Forbids reaching private content, but does not warn that public posts may not "
                "have been meant for a wide audience.",
            ),
        },
        "meets_with_recommendations",
        "Expectation 3.4 is met by the force's separate guidance on investigating online "
        "material, which the policy will refer to at its next revision.",
        "A sound policy for officers and staff; it needs to say more about how to read what "
        "children post.",
        [
            ("Refer to the guidance on investigating online material, or bring it in.", ("3.4",)),
            ("Say that posts and messages are a permanent record.", ("1.4", "1.5")),
        ],
    ),
    DemoReview(
        PREVIOUS_CYCLE,
        YOUTH_TRUST,
        "reviewer1@demo.example",
        date(2025, 12, 12),
        ReviewDates(date(2025, 9, 15), date(2025, 10, 20), date(2025, 12, 1), date(2025, 12, 9)),
        {
            "1.2": (
                PART,
                "Volunteers who use one phone for everything are not told how to keep the "
                "accounts apart.",
            ),
            "1.4": (NOT, "Nothing says that messages and posts are a permanent record."),
            "1.5": (PART, "Privacy settings only; nothing on assuming posts are public."),
            "2.1": (NOT, "The trust's Discord server has no minimum age set or checked."),
            "2.2": (
                PART,
                "Urgent help is signposted; joining the trust's channels comes with no safety "
                "guidance.",
            ),
            "2.4": (
                PART,
                "Young people who message in the evening hear nothing until the next working "
                "day; the channels themselves should say so.",
            ),
            "3.3": (PART, "Covers named children only."),
            "3.4": (NOT, "Nothing on reading children's online exchanges in context."),
            "3.5": (NOT, "Nothing on information that was not meant to be public."),
        },
        "does_not_meet",
        "",
        "Good foundations for a small charity; the gaps are in its own online channels for "
        "young people.",
        [
            ("Set and check a minimum age on every channel the trust runs.", ("2.1",)),
            ("Publish response times and safety guidance on each channel.", ("2.2", "2.4")),
            ("Add guidance for youth workers on reading what young people post.", ("3.4", "3.5")),
        ],
    ),
]

CURRENT_POLICE_REVIEW = DemoReview(
    CURRENT_CYCLE,
    POLICE,
    "reviewer1@demo.example",
    date(2026, 12, 18),
    ReviewDates(CURRENT_ASSIGNED_ON, date(2026, 9, 14), date(2026, 10, 2), date(2026, 10, 9)),
    {
        "2.1": (
            NA,
            "The force's channels are for the public at large; it runs no service that signs "
            "children up to a platform.",
        ),
        "2.2": (
            PART,
            "Urgent help is signposted; there is still no safety guidance for children who "
            "message the force.",
        ),
    },
    "meets_with_recommendations",
    "",
    "Version 2.0 answers last year's recommendations on permanence and on reading what children "
    "post.",
    [("Publish safety guidance for children who message the force's accounts.", ("2.2",))],
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
    """This year's cycle, opened in March; None when a demo board made before the history was
    part of the demo already has it."""
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
