"""The demo's right of reply: the youth trust replied to one of this year's findings, the
reviewer kept it with a reason, and the outcome was issued with the reply in its annex."""

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from demo.replies import KEPT_REASON, REPLY_TEXT
from demo.seed import demo_seed
from demo.story import CURRENT_CYCLE, YOUTH_TRUST
from outcomes.models import Outcome
from outcomes.signing import certificate_create
from reviews.models import Reply, Review
from reviews.services import frameworks_load_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def replied(settings, tmp_path):
    settings.OUTCOME_SIGNING_PKCS12 = tmp_path / "board.p12"
    settings.OUTCOME_SIGNING_PASSPHRASE = "demo-test-passphrase"
    settings.OUTCOME_TIMESTAMP_URL = ""
    certificate_create(
        path=settings.OUTCOME_SIGNING_PKCS12,
        passphrase=settings.OUTCOME_SIGNING_PASSPHRASE,
        board_name=settings.BOARD_NAME,
    )
    frameworks_load_all()
    assert demo_seed() is True
    return Review.objects.get(cycle__name=CURRENT_CYCLE, agency__name=YOUTH_TRUST)


def test_the_youth_trusts_review_went_through_its_reply_to_an_issued_outcome(replied):
    assert replied.state == Review.State.OUTCOME_ISSUED
    assert replied.cycle.reply_window_days == 5
    reply = Reply.objects.get(finding__review=replied)
    assert (reply.finding.expectation.code, reply.text) == ("2.2", REPLY_TEXT)
    assert (reply.answer, reply.answer_reason) == (Reply.Answer.KEEP, KEPT_REASON)
    assert replied.signed_off_at < reply.replied_at < reply.answered_at < timezone.now()


def test_the_outcome_carries_the_reply_and_the_answer_in_its_annex(replied):
    outcome = Outcome.objects.get(review=replied)
    assert outcome.is_ready
    assert outcome.content["replies"] == [
        {
            "code": "2.2",
            "text": REPLY_TEXT,
            "replied_at_display": outcome.content["replies"][0]["replied_at_display"],
            "outcome": "The finding was kept",
            "answer_reason": KEPT_REASON,
            "amended_rating_label": "",
            "amended_comment": "",
            "amended_evidence": "",
        }
    ]


def test_the_reply_is_in_the_audit_trail_in_order(replied):
    actions = list(
        AuditEvent.objects.filter(object_type="reviews.Review", object_id=str(replied.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    window = actions[actions.index(AuditEvent.Action.REVIEW_SIGNED_OFF) :]
    assert window == [
        AuditEvent.Action.REVIEW_SIGNED_OFF,
        AuditEvent.Action.REPLY_WINDOW_OPENED,
        AuditEvent.Action.REPLY_SAVED,
        AuditEvent.Action.REPLY_FINISHED,
        AuditEvent.Action.REPLY_ANSWERED,
        AuditEvent.Action.REPLY_WINDOW_CLOSED,
        AuditEvent.Action.OUTCOME_ISSUED,
    ]
