"""Invented demo self-assessment: this year's cycle asks agencies to assess themselves before
their reviews start, and the council has submitted its own ratings, higher than the board found
its unchanged policy last year on several expectations (what a board looks for first).

Through the same services as real use, each step dated on its day by the demo's clock, after the
rest of the story so the audit trail stays in time order.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from policies.models import Agency
from reviews.models import ReviewCycle, SelfAssessment
from reviews.services.self_assessments import (
    self_assessment_open,
    self_assessment_save,
    self_assessment_submit,
)

from .clock import demo_clock
from .story import COUNCIL, CURRENT_CYCLE, EVIDENCE, MET, NOT, PART

# A week before this year's reviews are due, so reviewers read them as they start.
SELF_ASSESSMENT_DUE = date(2026, 12, 11)
COUNCIL_STARTED = date(2026, 11, 9)
COUNCIL_SUBMITTED = date(2026, 11, 16)

# Where the council's own rating differs from "met with the board's quote": (rating, the code
# whose quote it gave, its comment). Last year the board found 2.1 not met and 1.5, 2.2 and 3.3
# partially met; the council now rates itself higher on each, quoting passages that do not
# quite answer them.
COUNCIL_OWN = {
    "1.4": (NOT, "", "Not covered yet: our 2027 revision will add it."),
    "1.5": (MET, "1.5", ""),
    "2.1": (PART, "2.2", "Our youth participation team checks platforms informally."),
    "2.2": (MET, "2.2", ""),
    "3.3": (MET, "3.2", "Searches are covered, which we take to include what children post."),
    "3.4": (NOT, "", "Planned for the next revision."),
    "3.5": (NOT, "", ""),
}


def demo_self_assessment_seed() -> bool:
    """Once: the current cycle asks for self-assessment and the council submits its own.

    Returns False when it is already there, or the story it follows is not.
    """
    cycle = ReviewCycle.objects.filter(name=CURRENT_CYCLE).select_related("framework").first()
    council = Agency.objects.filter(name=COUNCIL).first()
    member = get_user_model().objects.filter(email="council@demo.example").first()
    if cycle is None or council is None or member is None:
        return False
    if SelfAssessment.objects.filter(cycle=cycle).exists():
        return False
    with transaction.atomic(), demo_clock() as clock:
        # The cycle asked for it when it opened; its page shows the deadline.
        ReviewCycle.objects.filter(pk=cycle.pk).update(self_assessment_due_on=SELF_ASSESSMENT_DUE)
        cycle.refresh_from_db()
        clock.set(COUNCIL_STARTED, hour=9, minute=30)
        assessment = self_assessment_open(cycle=cycle, agency=council, by=member)
        assessment = self_assessment_save(
            assessment=assessment,
            by=member,
            lock_version=assessment.lock_version,
            answers=_council_answers(assessment),
            today=COUNCIL_STARTED,
        )
        clock.set(COUNCIL_SUBMITTED, hour=16)
        self_assessment_submit(
            assessment=assessment,
            by=member,
            lock_version=assessment.lock_version,
            today=COUNCIL_SUBMITTED,
        )
    return True


def _council_answers(assessment) -> dict[int, dict]:
    answers = {}
    for rating in assessment.ratings.select_related("expectation"):
        code = rating.expectation.code
        own, quoted, comment = COUNCIL_OWN.get(code, (MET, code, ""))
        answer = {"rating": own, "comment": comment}
        if quoted:
            quote, _section, page = EVIDENCE[quoted]
            answer.update(evidence_quote=quote, evidence_page=page)
        answers[rating.pk] = answer
    return answers
