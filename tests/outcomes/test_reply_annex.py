"""An outcome issued after the agency's reply: the replies and the board's answers in its annex,
the findings as amended, and the review moved to "outcome issued" by the reviews app."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags

from audit.models import AuditEvent
from outcomes.models import Outcome
from outcomes.services import outcome_render, outcome_retry
from reviews.models import Finding, Reply, Review
from reviews.services import (
    reply_amendment_confirm,
    reply_answer,
    reply_finish,
    reply_save,
    reply_windows_close_due,
)

from ..reviews.reply_helpers import finding, fresh, review_in_reply

pytestmark = pytest.mark.django_db

KEPT_REASON = "Section 2 is about staff; the expectation is about volunteers too."


@pytest.fixture
def replied(northgate, alice, rita, mo, charlie):
    """Northgate replied to 1.1 (kept) and 1.2 (amended to met, confirmed)."""
    review = review_in_reply(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    for code, text in (("1.1", "Section 2 covers this."), ("1.2", "Page 4 covers contact.")):
        reply_save(
            review=review,
            finding_id=finding(review, code).pk,
            by=alice,
            text=text,
            lock_version=0,
        )
    kept, amended = (
        Reply.objects.get(finding__review=review, finding__expectation__code=code)
        for code in ("1.1", "1.2")
    )
    reply_finish(review=review, by=alice)
    reply_answer(
        review=review,
        reply_id=amended.pk,
        by=rita,
        answer=Reply.Answer.AMEND,
        reason="Page 4 does cover contact outside school.",
        proposed_rating=Finding.Rating.MET,
        proposed_comment="Covered on page 4.",
        lock_version=amended.lock_version,
    )
    amended.refresh_from_db()
    reply_amendment_confirm(
        review=review, reply_id=amended.pk, by=mo, lock_version=amended.lock_version
    )
    reply_answer(
        review=review,
        reply_id=kept.pk,
        by=rita,
        answer=Reply.Answer.KEEP,
        reason=KEPT_REASON,
        lock_version=kept.lock_version,
    )
    return fresh(review)


def rendered_text(outcome: Outcome) -> str:
    html = render_to_string(
        "outcomes/outcome_pdf.html",
        {"outcome": outcome.content, "issued_at": timezone.now(), "check_url": "https://x.test"},
    )
    return re.sub(r"\s+", " ", strip_tags(html))


def test_the_annex_shows_each_reply_with_the_boards_answer(replied):
    text = rendered_text(Outcome.objects.get(review=replied))

    annex = text[text.index("Annex: the agency’s replies and the board’s answers") :]
    assert "1.1 Reply of " in annex
    assert "Section 2 covers this." in annex
    assert f"Answer: The finding was kept Reason: {KEPT_REASON}" in annex
    assert "1.2 Reply of " in annex
    assert "Page 4 covers contact." in annex
    assert "Answer: The finding was amended" in annex
    assert "Amended rating: Met Amended comment: Covered on page 4." in annex


def test_the_findings_of_the_outcome_are_as_amended(replied):
    text = rendered_text(Outcome.objects.get(review=replied))
    findings = text[text.index("Findings") : text.index("Recommendations")]
    assert re.search(r"1\.2 .*? Rating: Met .*? Comment: Covered on page 4\.", findings)


def test_an_outcome_without_replies_has_no_annex(signed_off):
    assert "Annex" not in rendered_text(Outcome.objects.get(review=signed_off))


def test_rendering_issues_the_outcome_through_the_reviews_app(replied):
    outcome = outcome_render(review_id=replied.pk)

    assert outcome.is_ready
    assert fresh(replied).state == Review.State.OUTCOME_ISSUED
    issued = AuditEvent.objects.get(
        action=AuditEvent.Action.OUTCOME_ISSUED, object_id=str(replied.pk)
    )
    assert issued.detail["sha256"] == outcome.sha256
    assert issued.actor is None


def test_an_outcome_is_issued_once_the_window_closes_unanswered(
    northgate, alice, rita, mo, charlie
):
    review = review_in_reply(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    reply_save(
        review=review,
        finding_id=finding(review, "1.1").pk,
        by=alice,
        text="Section 2 covers this.",
        lock_version=0,
    )
    reply_windows_close_due(today=fresh(review).reply_closes_on + datetime.timedelta(days=1))

    outcome = outcome_render(review_id=review.pk)

    assert fresh(review).state == Review.State.OUTCOME_ISSUED
    assert "Answer: Not answered before the reply ended" in rendered_text(outcome)


def test_an_outcome_lost_before_it_was_stored_is_prepared_again_after_the_reply_closed(replied):
    Outcome.objects.filter(review=replied).delete()

    outcome = outcome_render(review_id=replied.pk)

    assert outcome.is_ready
    assert fresh(replied).state == Review.State.OUTCOME_ISSUED


def test_a_failed_outcome_after_the_reply_closed_is_prepared_again_by_a_board_admin(
    replied, charlie
):
    Outcome.objects.filter(review=replied).update(
        status=Outcome.Status.FAILED, last_error="The renderer stopped."
    )

    outcome_retry(review=replied, by=charlie)
    outcome = outcome_render(review_id=replied.pk)

    assert outcome.is_ready
    assert fresh(replied).state == Review.State.OUTCOME_ISSUED


def test_no_outcome_is_rendered_while_the_reply_is_still_open(northgate, rita, mo, charlie):
    review = review_in_reply(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)

    assert outcome_render(review_id=review.pk) is None
    assert not Outcome.objects.filter(review=review).exists()
    assert fresh(review).state == Review.State.IN_REPLY


def test_the_annex_prints_the_evidence_a_confirmed_amendment_added(
    northgate, alice, rita, mo, charlie
):
    review = review_in_reply(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    review.findings.filter(expectation__code="1.3").update(
        rating=Finding.Rating.NOT_MET, comment="Nothing on online contact.", evidence_quote=""
    )
    reply = reply_save(
        review=review,
        finding_id=finding(review, "1.3").pk,
        by=alice,
        text="Page 7.",
        lock_version=0,
    )
    reply_finish(review=review, by=alice)
    reply = reply_answer(
        review=review,
        reply_id=reply.pk,
        by=rita,
        answer=Reply.Answer.AMEND,
        reason="Page 7 covers it.",
        proposed_rating=Finding.Rating.PARTIALLY_MET,
        proposed_evidence_quote="Staff use school accounts only.",
        proposed_evidence_section="Online contact",
        lock_version=reply.lock_version,
    )
    reply_amendment_confirm(
        review=review, reply_id=reply.pk, by=mo, lock_version=reply.lock_version
    )

    annex = rendered_text(Outcome.objects.get(review=review))
    assert "Amended evidence: “Staff use school accounts only.” (section “Online contact”)" in annex
