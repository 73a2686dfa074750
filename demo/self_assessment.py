"""Invented demo self-assessment: this year's cycle asked agencies to assess themselves before
their reviews, and in November the board gave it a reply window for the reviews signed off from
then on. The youth trust submitted first and rated itself higher than its reviewer then
found on three expectations; the reviewer recorded, beside each of the trust's ratings, whether
they agree or challenge it, and the trust's review goes on to its outcome (`demo.replies`), so
the dashboard compares the two. The council has submitted too; its review waits for reviewer1
to agree with or challenge its ratings.

Through the same services as real use, each step dated on its day by the demo's clock, after the
rest of the story so the audit trail stays in time order.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from policies.models import Agency
from reviews.models import Review, ReviewCycle, SelfAssessment
from reviews.services import review_save_findings
from reviews.services.cycles import cycle_settings_change
from reviews.services.self_assessments import (
    self_assessment_open,
    self_assessment_save,
    self_assessment_submit,
)

from .clock import demo_clock
from .replies import REPLY_WINDOW_DAYS
from .story import COUNCIL, CURRENT_CYCLE, EVIDENCE, MET, NOT, PART, YOUTH_TRUST

# A week before this year's reviews are due, so reviewers read them as they start.
SELF_ASSESSMENT_DUE = date(2026, 12, 11)
# After the police's review was signed off, before the youth trust's.
REPLY_WINDOW_GIVEN = date(2026, 11, 2)
COUNCIL_STARTED = date(2026, 11, 9)
TRUST_STARTED = date(2026, 11, 10)
TRUST_SUBMITTED = date(2026, 11, 13)
COUNCIL_SUBMITTED = date(2026, 11, 16)
# The morning the trust's reviewer starts; the findings follow that afternoon.
TRUST_VIEWS_RECORDED = date(2026, 11, 17)

# Where an agency's own rating differs from "met with the board's quote": (rating, the code
# whose quote it gave, its comment).
# Last year the board found the council's 2.1 not met and 1.5, 2.2 and 3.3 partially met; the
# council now rates itself higher on each, quoting passages that do not quite answer them.
COUNCIL_OWN = {
    "1.4": (NOT, "", "Not covered yet: our 2027 revision will add it."),
    "1.5": (MET, "1.5", ""),
    "2.1": (PART, "2.2", "Our youth participation team checks platforms informally."),
    "2.2": (MET, "2.2", ""),
    "3.3": (MET, "3.2", "Searches are covered, which we take to include what children post."),
    "3.4": (NOT, "", "Planned for the next revision."),
    "3.5": (NOT, "", ""),
}
# The trust is candid about what is missing, and rates itself higher than its reviewer finds on
# 1.4, 2.2 and 3.3 (the reviewer finds them not met, partially met and not met).
TRUST_OWN = {
    "1.4": (PART, "1.3", "We tell staff that families will look for them online."),
    "2.1": (NOT, "", "Youth workers choose platforms; we have not written this down."),
    "2.2": (MET, "2.2", "Youth workers also go through staying safe online at induction."),
    "3.3": (PART, "3.1", "Our information gathering rules cover what young people post."),
    "3.4": (NOT, "", "Guidance for youth workers is being written after last year's review."),
    "3.5": (NOT, "", "The trustees set a review date each year; the policy does not say so."),
}
# The trust's reviewer on its ratings: challenged, with why; the rest agreed.
TRUST_CHALLENGED = {
    "1.4": "The passage is about families looking staff up, not about staff tagged in "
    "photographs that young people post.",
    "2.2": "The pinned posts give urgent help out of hours; nothing in the policy gives safety "
    "guidance when a young person joins. The induction is not in the policy.",
    "3.3": "Information gathering is about searching for a named child, not about what staff "
    "do when a young person posts something worrying.",
}


def demo_self_assessment_seed() -> bool:
    """Once: the council and the youth trust submit their own ratings, and the trust's reviewer
    records a view on each of the trust's before answering its review.

    Returns False when they are already there, or the story they follow is not.
    """
    cycle = ReviewCycle.objects.filter(name=CURRENT_CYCLE).select_related("framework").first()
    agencies = {a.name: a for a in Agency.objects.filter(name__in=[COUNCIL, YOUTH_TRUST])}
    members = {
        u.email: u
        for u in get_user_model().objects.filter(
            email__in=["admin@demo.example", "council@demo.example", "youthtrust@demo.example"]
        )
    }
    if cycle is None or cycle.self_assessment_due_on is None or len(agencies) < 2:
        return False
    if len(members) < 3 or SelfAssessment.objects.filter(cycle=cycle).exists():
        return False
    # The trust's reviewer sees its ratings only while the review is still to start.
    trust_review = cycle.reviews.filter(
        agency=agencies[YOUTH_TRUST], state=Review.State.ASSIGNED
    ).first()
    council_member = members["council@demo.example"]
    trust_member = members["youthtrust@demo.example"]
    with transaction.atomic(), demo_clock() as clock:
        if cycle.reply_window_days is None:
            clock.set(REPLY_WINDOW_GIVEN, hour=9)
            cycle_settings_change(
                cycle=cycle,
                by=members["admin@demo.example"],
                self_assessment_due_on=cycle.self_assessment_due_on,
                reply_window_days=REPLY_WINDOW_DAYS,
                today=REPLY_WINDOW_GIVEN,
            )
        clock.set(COUNCIL_STARTED, hour=9, minute=30)
        council = _started(cycle, agencies[COUNCIL], council_member, COUNCIL_OWN, COUNCIL_STARTED)
        if trust_review is not None:
            clock.set(TRUST_STARTED, hour=10)
            trust = _started(cycle, agencies[YOUTH_TRUST], trust_member, TRUST_OWN, TRUST_STARTED)
            clock.set(TRUST_SUBMITTED, hour=15)
            _submit(trust, trust_member, TRUST_SUBMITTED)
        clock.set(COUNCIL_SUBMITTED, hour=16)
        _submit(council, council_member, COUNCIL_SUBMITTED)
        if trust_review is not None:
            clock.set(TRUST_VIEWS_RECORDED, hour=11)
            review_save_findings(
                review=trust_review,
                by=trust_review.reviewer,
                lock_version=trust_review.lock_version,
                answers=_trust_views(trust_review),
            )
    return True


def _started(cycle, agency, member, own: dict, day: date) -> SelfAssessment:
    assessment = self_assessment_open(cycle=cycle, agency=agency, by=member)
    # The youth trust's policy is an OpenDocument file: it has sections, not pages.
    by_section = not assessment.policy_version.original_filename.lower().endswith(".pdf")
    return self_assessment_save(
        assessment=assessment,
        by=member,
        lock_version=assessment.lock_version,
        answers=_answers(assessment, own, by_section=by_section),
        today=day,
    )


def _submit(assessment: SelfAssessment, member, day: date) -> None:
    self_assessment_submit(
        assessment=assessment, by=member, lock_version=assessment.lock_version, today=day
    )


def _answers(assessment, own: dict, *, by_section: bool) -> dict[int, dict]:
    answers = {}
    for rating in assessment.ratings.select_related("expectation"):
        code = rating.expectation.code
        own_rating, quoted, comment = own.get(code, (MET, code, ""))
        answer = {"rating": own_rating, "comment": comment}
        if quoted:
            quote, section, page = EVIDENCE[quoted]
            answer["evidence_quote"] = quote
            if by_section:
                answer["evidence_section"] = section
            else:
                answer["evidence_page"] = page
        answers[rating.pk] = answer
    return answers


def _trust_views(review: Review) -> dict[int, dict]:
    return {
        finding.pk: (
            {"self_assessment_view": "challenge", "self_assessment_comment": TRUST_CHALLENGED[code]}
            if (code := finding.expectation.code) in TRUST_CHALLENGED
            else {"self_assessment_view": "agree", "self_assessment_comment": ""}
        )
        for finding in review.findings.select_related("expectation")
    }
