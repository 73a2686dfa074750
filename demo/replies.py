"""Invented demo right of reply: this year's cycle gives agencies five working days to reply to
the board's signed-off findings. The youth trust's review is answered, submitted and signed off
in November; the trust replies that its policy does cover 2.2 and says it has finished
replying; the reviewer keeps the finding, saying why, and the outcome is issued with the reply
and the answer in its annex.

Through the same services as real use, each step dated on its day by the demo's clock, after the
rest of the story so the audit trail stays in time order.
"""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from outcomes.services import outcome_render
from outcomes.signing import SigningUnavailable, board_certificate
from policies.models import Agency
from reviews.models import Reply, Review, ReviewCycle
from reviews.services import (
    reply_answer,
    reply_finish,
    reply_save,
    review_save_findings,
    review_save_outcome,
    review_sign_off,
    review_submit,
)

from .clock import demo_clock
from .story import CURRENT_CYCLE, EVIDENCE, MET, NOT, PART, YOUTH_TRUST

REPLY_WINDOW_DAYS = 5
STARTED = date(2026, 11, 17)
SUBMITTED = date(2026, 11, 19)
SIGNED_OFF = date(2026, 11, 20)
REPLIED = date(2026, 11, 23)
ANSWERED = date(2026, 11, 24)

# Findings other than "met with the story's quote": (rating, comment). The story has no quote
# for these expectations in the trust's policy.
FINDINGS = {
    "1.4": (NOT, "Nothing on staff who are tagged in photographs posted by young people."),
    "2.1": (NOT, "No one checks that a platform suits the age of the children using it."),
    "2.2": (
        PART,
        "Pinned posts point children to urgent help, but nothing says safety guidance is given "
        "when a child first joins the trust's channels.",
    ),
    "3.3": (NOT, "Nothing on what staff do when a child posts something that worries them."),
    "3.4": (NOT, "Nothing on what happens to a report once it is made."),
    "3.5": (NOT, "No review date or owner for the policy."),
}
REPLY_TEXT = (
    "Our section 'Our official channels' says pinned posts tell children where to get help, and "
    "our youth workers go through staying safe online with every young person who joins a "
    "group, so guidance is given when they sign up."
)
KEPT_REASON = (
    "The policy does not say so: the section quoted is about help out of hours, and the "
    "induction the trust describes is not in the policy. Adding it would meet 2.2."
)


def demo_replies_seed() -> bool:
    """Once: the youth trust's review goes through the reply window to its outcome.

    Returns False when it has already, or the story it follows is not there.
    """
    cycle = ReviewCycle.objects.filter(name=CURRENT_CYCLE).first()
    trust = Agency.objects.filter(name=YOUTH_TRUST).first()
    member = get_user_model().objects.filter(email="youthtrust@demo.example").first()
    if cycle is None or trust is None or member is None:
        return False
    # Its reviewer may have started, recording views on the trust's own ratings.
    review = cycle.reviews.filter(agency=trust, state__in=Review.EDITABLE_STATES).first()
    if review is None:
        return False
    with transaction.atomic(), demo_clock() as clock:
        review = _signed_off(clock, review)
        clock.set(REPLIED, hour=10)
        reply = reply_save(
            review=review,
            finding_id=review.findings.get(expectation__code="2.2").pk,
            by=member,
            text=REPLY_TEXT,
            lock_version=0,
        )
        review = reply_finish(review=review, by=member)
        clock.set(ANSWERED, hour=9, minute=45)
        # The trust has finished and its only reply is settled: the reply ends and the outcome
        # is prepared.
        reply_answer(
            review=review,
            reply_id=reply.pk,
            by=review.reviewer,
            answer=Reply.Answer.KEEP,
            reason=KEPT_REASON,
            lock_version=reply.lock_version,
        )
        _issue_outcome(review)
    return True


def _signed_off(clock, review: Review) -> Review:
    reviewer, moderator = review.reviewer, review.moderator
    clock.set(STARTED, hour=14)
    review = review_save_findings(
        review=review, by=reviewer, lock_version=review.lock_version, answers=_answers(review)
    )
    clock.set(SUBMITTED, hour=15, minute=30)
    review = review_save_outcome(
        review=review,
        by=reviewer,
        lock_version=review.lock_version,
        overall_outcome=Review.Outcome.DOES_NOT_MEET,
        override_reason="",
        summary=(
            "Clear on professional boundaries and images; silent on minimum ages, on what "
            "staff do about a worrying post, and on who keeps the policy up to date."
        ),
        recommendations=[],
    )
    review = review_submit(review=review, by=reviewer, lock_version=review.lock_version)
    clock.set(SIGNED_OFF, hour=11)
    return review_sign_off(review=review, by=moderator, attest=True)


def _answers(review: Review) -> dict[int, dict]:
    answers = {}
    for finding in review.findings.select_related("expectation"):
        code = finding.expectation.code
        rating, comment = FINDINGS.get(code, (MET, ""))
        answer = {"rating": rating, "comment": comment}
        if rating in (MET, PART):
            quote, section, _ = EVIDENCE[code]
            # The trust's policy is an OpenDocument file: it has sections, not pages.
            answer.update(evidence_quote=quote, evidence_section=section)
        answers[finding.pk] = answer
    return answers


def _issue_outcome(review: Review) -> None:
    """Render and sign the outcome now, so that it is dated the day the reply ended; without
    the board's certificate it stays queued for the worker."""
    try:
        board_certificate(
            path=settings.OUTCOME_SIGNING_PKCS12, passphrase=settings.OUTCOME_SIGNING_PASSPHRASE
        )
    except SigningUnavailable:
        return
    outcome_render(review_id=review.pk)
