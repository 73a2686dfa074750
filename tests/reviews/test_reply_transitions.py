"""The moves around the agency's reply, as a (state, action, role) table: every move allowed is
listed with the state it leaves the review in; every other is refused, changes nothing and is
audited.

The review under test is signed off in a cycle with a reply window, and Northgate Council
(alice) has replied to 1.1 (not yet answered) and to 1.2 (amended by the reviewer, waiting for
the moderator). "reply_closed" is the review still in reply with its reply closed: its findings
are final and its outcome is being prepared. "system" is the service itself, the only one to make
its own moves: the window's last day passing, the outcome's document being stored.
"""

import pytest

from audit.models import AuditEvent
from reviews.models import Finding, Reply, Review
from reviews.services import (
    TransitionRefused,
    reply_amendment_confirm,
    reply_amendment_reject,
    reply_answer,
    reply_save,
    review_issue_outcome,
    review_reply_close,
)

from .reply_helpers import finding, fresh, review_in_reply, signed_off_review

pytestmark = pytest.mark.django_db

State = Review.State
Answer = Reply.Answer
REPLY_CLOSED = "reply_closed"


def _reply(review, code):
    return Reply.objects.get(finding__review=review, finding__expectation__code=code)


def _version(review, code) -> int:
    """The reply's version as a page would show it: 0 where there is no reply yet."""
    reply = Reply.objects.filter(finding__review=review, finding__expectation__code=code).first()
    return reply.lock_version if reply else 0


def reply(review, by):
    return reply_save(
        review=review,
        finding_id=finding(review, "1.3").pk,
        by=by,
        text="Our policy covers this on page 2.",
        lock_version=_version(review, "1.3"),
    )


def answer_keep(review, by):
    return reply_answer(
        review=review,
        reply_id=_reply(review, "1.1").pk,
        by=by,
        answer=Answer.KEEP,
        reason="Page 2 is about staff, not volunteers.",
        lock_version=_version(review, "1.1"),
    )


def answer_amend(review, by):
    return reply_answer(
        review=review,
        reply_id=_reply(review, "1.1").pk,
        by=by,
        answer=Answer.AMEND,
        reason="The policy does say so.",
        proposed_comment="Covered on page 2.",
        lock_version=_version(review, "1.1"),
    )


def confirm(review, by):
    return reply_amendment_confirm(
        review=review,
        reply_id=_reply(review, "1.2").pk,
        by=by,
        lock_version=_version(review, "1.2"),
    )


def send_back(review, by):
    return reply_amendment_reject(
        review=review,
        reply_id=_reply(review, "1.2").pk,
        by=by,
        note="Check section 6 first.",
        lock_version=_version(review, "1.2"),
    )


def close(review, by):
    return review_reply_close(review=review, by=by, why="the reply window closed")


def issue_outcome(review, by):
    return review_issue_outcome(review=review, by=by, detail={"reference": review.reference})


ACTIONS = {
    "reply": reply,
    "answer_keep": answer_keep,
    "answer_amend": answer_amend,
    "confirm": confirm,
    "send_back": send_back,
    "close": close,
    "issue_outcome": issue_outcome,
}
# The reply each person's move changes, and so whose version moves on.
REPLY_MOVED = {
    "reply": "1.3",
    "answer_keep": "1.1",
    "answer_amend": "1.1",
    "confirm": "1.2",
    "send_back": "1.2",
}
ROLES = {
    "reviewer": "rita",
    "moderator": "mo",
    "admin": "charlie",
    "agency_member": "alice",
    "other_agency": "bob",
    "system": None,
}
STATES = [State.IN_REPLY, REPLY_CLOSED, State.OUTCOME_ISSUED]

ALLOWED = {
    ("in_reply", "reply", "agency_member"): "in_reply",
    ("in_reply", "answer_keep", "reviewer"): "in_reply",
    ("in_reply", "answer_amend", "reviewer"): "in_reply",
    ("in_reply", "confirm", "moderator"): "in_reply",
    ("in_reply", "send_back", "moderator"): "in_reply",
    ("in_reply", "close", "system"): REPLY_CLOSED,
    (REPLY_CLOSED, "issue_outcome", "system"): "outcome_issued",
}
# The service's own moves are made by the service; a person's by a person.
SYSTEM_ACTIONS = {"close", "issue_outcome"}
REFUSED = [
    (state, action, role)
    for state in STATES
    for action in ACTIONS
    for role in ROLES
    if (action in SYSTEM_ACTIONS) == (role == "system") and (state, action, role) not in ALLOWED
]


def state_of(review: Review) -> str:
    review = fresh(review)
    if review.state == State.IN_REPLY and review.reply_closed_at is not None:
        return REPLY_CLOSED
    return review.state


def case_id(case: tuple) -> str:
    return "-".join(case)


@pytest.fixture
def people(request, rita, mo, charlie, alice, bob):
    return {role: name and request.getfixturevalue(name) for role, name in ROLES.items()}


def review_in_state(state: str, people) -> Review:
    review = review_in_reply(
        agency=people["agency_member"].memberships.get().agency,
        reviewer=people["reviewer"],
        moderator=people["moderator"],
        admin=people["admin"],
    )
    alice = people["agency_member"]
    for code in ("1.1", "1.2"):
        reply_save(
            review=review,
            finding_id=finding(review, code).pk,
            by=alice,
            text=f"Our policy covers {code}.",
            lock_version=0,
        )
    reply_answer(
        review=review,
        reply_id=_reply(review, "1.2").pk,
        by=people["reviewer"],
        answer=Answer.AMEND,
        reason="It does.",
        proposed_rating=Finding.Rating.MET,
        lock_version=_version(review, "1.2"),
    )
    if state in (REPLY_CLOSED, State.OUTCOME_ISSUED):
        close(fresh(review), None)
    if state == State.OUTCOME_ISSUED:
        issue_outcome(fresh(review), None)
    assert state_of(review) == state
    return fresh(review)


def as_it_stands(review: Review) -> dict:
    row = fresh(review)
    return {
        "state": row.state,
        "reply_closed_at": row.reply_closed_at,
        "lock_version": row.lock_version,
        "findings": list(
            row.findings.order_by("expectation__order").values_list("rating", "comment")
        ),
        "replies": list(
            Reply.objects.filter(finding__review=row)
            .order_by("pk")
            .values_list("text", "answer", "confirmed_at", "moderator_note", "lock_version")
        ),
    }


@pytest.mark.parametrize(("case", "after"), ALLOWED.items(), ids=[case_id(c) for c in ALLOWED])
def test_allowed_move_leaves_the_review_in_its_new_state(case, after, people):
    state, action, role = case
    review = review_in_state(state, people)
    code = REPLY_MOVED.get(action)
    before = _version(review, code) if code else review.lock_version

    ACTIONS[action](review, people[role])

    assert state_of(review) == after
    # A person's move changes one reply, from the version they read; the service's, the review.
    assert (_version(review, code) if code else fresh(review).lock_version) == before + 1


@pytest.mark.parametrize("case", REFUSED, ids=case_id)
def test_refused_move_changes_nothing_and_is_audited(case, people):
    state, action, role = case
    review = review_in_state(state, people)
    before = as_it_stands(review)
    refusals = AuditEvent.objects.filter(
        action=AuditEvent.Action.TRANSITION_REFUSED,
        object_id=str(review.pk),
        actor=people[role],
    )
    assert not refusals.exists()

    with pytest.raises(TransitionRefused):
        ACTIONS[action](review, people[role])

    assert as_it_stands(review) == before
    assert refusals.count() == 1


def test_a_review_signed_off_without_a_reply_window_has_no_reply_to_close(
    northgate, rita, mo, charlie
):
    review = signed_off_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    assert review.state == State.SIGNED_OFF
    with pytest.raises(TransitionRefused, match="not open for a reply"):
        close(review, None)

    issue_outcome(fresh(review), None)

    assert state_of(review) == State.OUTCOME_ISSUED
