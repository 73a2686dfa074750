"""The review lifecycle at the service level: who may make which move in which state, conflicts
of interest, what a submit demands, the suggested outcome, framework versions, returned reviews
and edits that cross."""

import datetime
import shutil
from collections import Counter

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditEvent
from reviews.models import Finding, ReturnRound, Review, ReviewCycle, SignOff
from reviews.services import (
    FRAMEWORKS_DIR,
    EditConflict,
    TransitionRefused,
    framework_load,
    review_assign,
    review_assign_many,
    review_reassign,
    review_return,
    review_save_findings,
    review_save_outcome,
    review_sign_off,
    review_submit,
    review_withdraw,
    suggested_outcome,
)

from ..factories import (
    PolicyVersionFactory,
    UserFactory,
    complete_answers,
    make_cycle,
    make_review,
)

State = Review.State
Outcome = Review.Outcome
Rating = Finding.Rating
DUE_ON = datetime.date(2026, 6, 30)


@pytest.fixture
def rex(db):
    """A second reviewer, with no part in the review under test."""
    return UserFactory(email="rex@board.test", full_name="Rex Rowe", is_reviewer=True)


@pytest.fixture
def review(northgate, rita, mo, charlie):
    return make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)


def fresh(review: Review) -> Review:
    return Review.objects.get(pk=review.pk)


def finding_for(review: Review, code: str) -> Finding:
    return review.findings.get(expectation__code=code)


def answer_everything(review: Review, *, by, outcome: str = Outcome.MEETS) -> Review:
    """Every expectation met with its evidence, and the overall outcome chosen."""
    review = review_save_findings(
        review=review, by=by, lock_version=review.lock_version, answers=complete_answers(review)
    )
    return review_save_outcome(
        review=review,
        by=by,
        lock_version=review.lock_version,
        overall_outcome=outcome,
        override_reason="",
        summary="A clear policy that covers every expectation.",
        recommendations=[],
    )


def review_in_state(state: str, *, agency, reviewer, moderator, admin) -> Review:
    """A review brought to the state through the services, with complete answers."""
    review = make_review(agency=agency, reviewer=reviewer, moderator=moderator, admin=admin)
    if state == State.ASSIGNED:
        # Written straight to the rows so the review is still assigned, yet a submit can only be
        # refused for who makes it or when, never for missing answers.
        for finding_id, values in complete_answers(review).items():
            Finding.objects.filter(pk=finding_id).update(**values)
        Review.objects.filter(pk=review.pk).update(overall_outcome=Outcome.MEETS)
        return fresh(review)
    review = answer_everything(review, by=reviewer)
    if state == State.IN_PROGRESS:
        return review
    if state == State.WITHDRAWN:
        return review_withdraw(review=review, by=admin, reason="The agency has merged.")
    review = review_submit(review=review, by=reviewer, lock_version=review.lock_version)
    if state == State.SUBMITTED:
        return review
    if state == State.RETURNED:
        return review_return(review=review, by=moderator, comments="Quote the page for 2.1.")
    if state == State.IN_REPLY:
        # A cycle with a reply window: signing off opens it for the agency's reply.
        ReviewCycle.objects.filter(pk=review.cycle_id).update(reply_window_days=5)
    review = review_sign_off(review=review, by=moderator, attest=True)
    if state in (State.SIGNED_OFF, State.IN_REPLY):
        return review
    if state == State.OUTCOME_ISSUED:
        # Issuing the outcome belongs to the outcome PDF; here the row is simply put there.
        Review.objects.filter(pk=review.pk).update(state=State.OUTCOME_ISSUED)
        return fresh(review)
    raise AssertionError(f"no way to reach {state}")


def save_findings(review, by, rex):
    first = finding_for(review, "1.1")
    return review_save_findings(
        review=review,
        by=by,
        lock_version=review.lock_version,
        answers={first.pk: {"rating": Rating.NOT_MET, "comment": "Nothing on befriending."}},
    )


def save_outcome(review, by, rex):
    return review_save_outcome(
        review=review,
        by=by,
        lock_version=review.lock_version,
        overall_outcome=Outcome.MEETS,
        override_reason="",
        summary="Reworded summary.",
        recommendations=[],
    )


def submit(review, by, rex):
    return review_submit(review=review, by=by, lock_version=review.lock_version)


def return_(review, by, rex):
    return review_return(review=review, by=by, comments="Give the page for 3.2.")


def sign_off(review, by, rex):
    return review_sign_off(review=review, by=by, attest=True)


def withdraw(review, by, rex):
    return review_withdraw(review=review, by=by, reason="The agency has merged.")


def reassign(review, by, rex):
    return review_reassign(review=review, reviewer=rex, moderator=review.moderator, by=by)


ACTIONS = {
    "save_findings": save_findings,
    "save_outcome": save_outcome,
    "submit": submit,
    "return": return_,
    "sign_off": sign_off,
    "withdraw": withdraw,
    "reassign": reassign,
}
ROLES = {
    "reviewer": "rita",
    "moderator": "mo",
    "admin": "charlie",
    "agency_member": "alice",
    "other_reviewer": "rex",
}
STATES = [
    State.ASSIGNED,
    State.IN_PROGRESS,
    State.SUBMITTED,
    State.RETURNED,
    State.SIGNED_OFF,
    State.IN_REPLY,
    State.OUTCOME_ISSUED,
    State.WITHDRAWN,
]

# Every move that is allowed, and the state it leaves the review in; everything else is refused.
# The agency's reply and the moves around it have their own table (test_reply_transitions.py).
ALLOWED = {
    ("assigned", "save_findings", "reviewer"): "in_progress",
    ("in_progress", "save_findings", "reviewer"): "in_progress",
    ("returned", "save_findings", "reviewer"): "in_progress",
    ("assigned", "save_outcome", "reviewer"): "in_progress",
    ("in_progress", "save_outcome", "reviewer"): "in_progress",
    ("returned", "save_outcome", "reviewer"): "in_progress",
    ("assigned", "submit", "reviewer"): "submitted",
    ("in_progress", "submit", "reviewer"): "submitted",
    ("returned", "submit", "reviewer"): "submitted",
    ("submitted", "return", "moderator"): "returned",
    ("submitted", "sign_off", "moderator"): "signed_off",
    ("assigned", "withdraw", "admin"): "withdrawn",
    ("in_progress", "withdraw", "admin"): "withdrawn",
    ("submitted", "withdraw", "admin"): "withdrawn",
    ("returned", "withdraw", "admin"): "withdrawn",
    ("signed_off", "withdraw", "admin"): "withdrawn",
    ("in_reply", "withdraw", "admin"): "withdrawn",
    ("outcome_issued", "withdraw", "admin"): "withdrawn",
    ("assigned", "reassign", "admin"): "assigned",
    ("in_progress", "reassign", "admin"): "in_progress",
    ("submitted", "reassign", "admin"): "submitted",
    ("returned", "reassign", "admin"): "returned",
}
REFUSED = [
    (state, action, role)
    for state in STATES
    for action in ACTIONS
    for role in ROLES
    if (state, action, role) not in ALLOWED
]


def case_id(case: tuple) -> str:
    return "-".join(case)


@pytest.fixture
def people(request, rita, mo, charlie, alice, rex):
    return {role: request.getfixturevalue(name) for role, name in ROLES.items()}


def as_it_stands(review: Review) -> dict:
    row = fresh(review)
    return {
        "state": row.state,
        "round": row.round,
        "lock_version": row.lock_version,
        "reviewer": row.reviewer_id,
        "moderator": row.moderator_id,
        "ratings": list(row.findings.order_by("expectation__order").values_list("rating")),
    }


@pytest.mark.parametrize(("case", "after"), ALLOWED.items(), ids=[case_id(c) for c in ALLOWED])
def test_allowed_move_leaves_the_review_in_its_new_state(case, after, people, northgate, rex):
    state, action, role = case
    review = review_in_state(
        state,
        agency=northgate,
        reviewer=people["reviewer"],
        moderator=people["moderator"],
        admin=people["admin"],
    )
    assert review.state == state
    before = review.lock_version

    ACTIONS[action](review, people[role], rex)

    moved = fresh(review)
    assert moved.state == after
    assert moved.lock_version == before + 1
    if action == "reassign":
        assert moved.reviewer == rex


@pytest.mark.parametrize("case", REFUSED, ids=case_id)
def test_refused_move_changes_nothing_and_is_audited(case, people, northgate, rex):
    state, action, role = case
    review = review_in_state(
        state,
        agency=northgate,
        reviewer=people["reviewer"],
        moderator=people["moderator"],
        admin=people["admin"],
    )
    assert review.state == state
    before = as_it_stands(review)
    refusals = AuditEvent.objects.filter(
        action=AuditEvent.Action.TRANSITION_REFUSED,
        object_id=str(review.pk),
        actor=people[role],
    )
    assert not refusals.exists()

    with pytest.raises(TransitionRefused):
        ACTIONS[action](review, people[role], rex)

    assert as_it_stands(review) == before
    assert refusals.count() == 1


# Conflicts of interest and who may assign.


@pytest.fixture
def cycle(northgate, southport):
    """A cycle over Northgate Council and Southport Police, each with a policy ready to review."""
    PolicyVersionFactory(document__agency=northgate, number=1)
    PolicyVersionFactory(document__agency=southport, number=1)
    return make_cycle(agencies=[northgate, southport])


def assign(*, cycle, agency, reviewer, moderator, by) -> Review:
    return review_assign(
        cycle=cycle, agency=agency, reviewer=reviewer, moderator=moderator, due_on=DUE_ON, by=by
    )


def test_a_reviewer_who_is_a_member_of_the_agency_cannot_be_assigned(cycle, northgate, mo, charlie):
    nia = UserFactory(full_name="Nia Norris", is_reviewer=True, agency=northgate)
    with pytest.raises(TransitionRefused) as refused:
        assign(cycle=cycle, agency=northgate, reviewer=nia, moderator=mo, by=charlie)
    assert refused.value.reason == (
        "Nia Norris is a member of Northgate Council, so cannot review its policy"
    )
    assert not Review.objects.exists()


def test_a_moderator_who_is_a_member_of_the_agency_cannot_be_assigned(
    cycle, northgate, rita, charlie
):
    nadia = UserFactory(full_name="Nadia North", is_moderator=True, agency=northgate)
    with pytest.raises(TransitionRefused) as refused:
        assign(cycle=cycle, agency=northgate, reviewer=rita, moderator=nadia, by=charlie)
    assert refused.value.reason == (
        "Nadia North is a member of Northgate Council, so cannot moderate its review"
    )
    assert not Review.objects.exists()


def test_the_reviewer_cannot_also_be_the_moderator(cycle, northgate, charlie):
    sam = UserFactory(full_name="Sam Both", is_reviewer=True, is_moderator=True)
    with pytest.raises(TransitionRefused) as refused:
        assign(cycle=cycle, agency=northgate, reviewer=sam, moderator=sam, by=charlie)
    assert refused.value.reason == "Sam Both cannot be both the reviewer and the moderator"
    assert not Review.objects.exists()


def test_the_database_refuses_a_moderator_who_is_the_reviewer(review, rita):
    with pytest.raises(IntegrityError, match="moderator_is_not_reviewer"), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(moderator=rita)


def test_someone_without_the_reviewer_role_cannot_be_assigned_as_reviewer(
    cycle, northgate, mo, charlie
):
    pat = UserFactory(full_name="Pat Plain")
    with pytest.raises(TransitionRefused) as refused:
        assign(cycle=cycle, agency=northgate, reviewer=pat, moderator=mo, by=charlie)
    assert refused.value.reason == "Pat Plain is not a reviewer"
    assert not Review.objects.exists()


@pytest.mark.parametrize("who", ["rita", "mo", "alice"])
def test_only_a_board_admin_assigns_reviews(request, who, cycle, northgate, rita, mo):
    with pytest.raises(TransitionRefused) as refused:
        assign(
            cycle=cycle,
            agency=northgate,
            reviewer=rita,
            moderator=mo,
            by=request.getfixturevalue(who),
        )
    assert refused.value.reason == "Only a board admin assigns reviews."
    assert not Review.objects.exists()


def test_a_conflict_for_one_agency_refuses_the_whole_batch(
    cycle, northgate, southport, mo, charlie
):
    sol = UserFactory(full_name="Sol South", is_reviewer=True, agency=southport)
    with pytest.raises(TransitionRefused, match="Sol South is a member of Southport Police"):
        review_assign_many(
            cycle=cycle,
            agencies=[northgate, southport],
            reviewer=sol,
            moderator=mo,
            due_on=DUE_ON,
            by=charlie,
        )
    assert not Review.objects.exists()


def test_a_review_cannot_be_reassigned_to_a_member_of_its_agency(review, northgate, mo, charlie):
    nia = UserFactory(full_name="Nia Norris", is_reviewer=True, agency=northgate)
    with pytest.raises(TransitionRefused) as refused:
        review_reassign(review=review, reviewer=nia, moderator=mo, by=charlie)
    assert "Nia Norris is a member of Northgate Council" in refused.value.reason
    assert fresh(review).reviewer_id == review.reviewer_id


# What a submit demands.

INCOMPLETE_1_1 = [
    pytest.param(
        {"rating": ""},
        Outcome.MEETS_WITH_RECOMMENDATIONS,
        "Select a rating for 1.1",
        id="no-rating",
    ),
    pytest.param(
        {"rating": Rating.MET, "evidence_quote": ""},
        Outcome.MEETS,
        "Quote the policy's evidence for 1.1",
        id="met-without-quote",
    ),
    pytest.param(
        {"rating": Rating.MET, "evidence_page": None, "evidence_section": ""},
        Outcome.MEETS,
        "Give the page or section of the evidence for 1.1",
        id="met-without-page-or-section",
    ),
    pytest.param(
        {"rating": Rating.NOT_MET, "comment": ""},
        Outcome.DOES_NOT_MEET,
        "Say what is missing from the policy for 1.1",
        id="not-met-without-comment",
    ),
    pytest.param(
        {"rating": Rating.NOT_APPLICABLE, "not_applicable_reason": ""},
        Outcome.MEETS,
        "Give the reason 1.1 does not apply",
        id="not-applicable-without-reason",
    ),
]


@pytest.mark.parametrize(("answer_1_1", "outcome", "message"), INCOMPLETE_1_1)
def test_submit_is_refused_with_what_is_missing_and_changes_nothing(
    review, rita, answer_1_1, outcome, message
):
    review = answer_everything(review, by=rita, outcome=outcome)
    review = review_save_findings(
        review=review,
        by=rita,
        lock_version=review.lock_version,
        answers={finding_for(review, "1.1").pk: answer_1_1},
    )
    before = fresh(review)

    with pytest.raises(TransitionRefused) as refused:
        review_submit(review=review, by=rita, lock_version=review.lock_version)

    assert refused.value.reason == message
    after = fresh(review)
    assert (after.state, after.lock_version) == (State.IN_PROGRESS, before.lock_version)
    assert not SignOff.objects.filter(review=review).exists()


def test_evidence_in_a_file_without_pages_is_placed_by_its_section(review, rita):
    review = answer_everything(review, by=rita, outcome=Outcome.MEETS)
    review = review_save_findings(
        review=review,
        by=rita,
        lock_version=review.lock_version,
        answers={
            finding_for(review, "1.1").pk: {
                "rating": Rating.MET,
                "evidence_quote": "Staff never accept friend requests from pupils.",
                "evidence_page": None,
                "evidence_section": "Contact with pupils, paragraph 3",
            }
        },
    )
    submitted = review_submit(review=review, by=rita, lock_version=review.lock_version)
    assert submitted.state == State.SUBMITTED


def test_a_refused_submit_leaves_the_callers_review_at_the_stored_version(review, rita):
    review = review_save_findings(
        review=review,
        by=rita,
        lock_version=review.lock_version,
        answers={finding_for(review, "1.1").pk: {"rating": Rating.MET}},
    )
    with pytest.raises(TransitionRefused):
        review_submit(review=review, by=rita, lock_version=review.lock_version)

    assert review.lock_version == fresh(review).lock_version


def test_submit_without_an_overall_outcome_is_refused(review, rita):
    review = review_save_findings(
        review=review, by=rita, lock_version=review.lock_version, answers=complete_answers(review)
    )
    with pytest.raises(TransitionRefused) as refused:
        review_submit(review=review, by=rita, lock_version=review.lock_version)
    assert refused.value.reason == "Choose the overall outcome"
    assert fresh(review).state == State.IN_PROGRESS


# The suggested outcome.

ALL_RATINGS = [Rating.MET, Rating.PARTIALLY_MET, Rating.NOT_MET, Rating.NOT_APPLICABLE]


def outcome_by_counting(ratings: list[str]) -> str:
    """The board's rule, told by counting: any gap not met fails, any partial gap recommends."""
    counts = Counter(ratings)
    if counts[Rating.NOT_MET]:
        return Outcome.DOES_NOT_MEET
    if counts[Rating.PARTIALLY_MET]:
        return Outcome.MEETS_WITH_RECOMMENDATIONS
    return Outcome.MEETS


@given(st.lists(st.sampled_from(ALL_RATINGS), min_size=1))
def test_suggested_outcome_follows_the_ratings(ratings):
    assert suggested_outcome(ratings) == outcome_by_counting(ratings)


@pytest.mark.parametrize(
    ("ratings", "outcome"),
    [
        ([Rating.MET, Rating.NOT_APPLICABLE], Outcome.MEETS),
        (
            [Rating.MET, Rating.PARTIALLY_MET, Rating.NOT_APPLICABLE],
            Outcome.MEETS_WITH_RECOMMENDATIONS,
        ),
        ([Rating.PARTIALLY_MET, Rating.NOT_MET], Outcome.DOES_NOT_MEET),
    ],
)
def test_suggested_outcome_examples(ratings, outcome):
    assert suggested_outcome(ratings) == outcome


def test_overriding_the_suggested_outcome_needs_a_reason(review, rita):
    review = answer_everything(review, by=rita, outcome=Outcome.DOES_NOT_MEET)
    with pytest.raises(TransitionRefused) as refused:
        review_submit(review=review, by=rita, lock_version=review.lock_version)
    assert refused.value.reason == (
        "Give the reason for an overall outcome other than the one suggested"
    )
    assert fresh(review).state == State.IN_PROGRESS


def test_an_overridden_outcome_with_a_reason_can_be_submitted(review, rita):
    review = answer_everything(review, by=rita, outcome=Outcome.DOES_NOT_MEET)
    review = review_save_outcome(
        review=review,
        by=rita,
        lock_version=review.lock_version,
        overall_outcome=Outcome.DOES_NOT_MEET,
        override_reason="The policy was withdrawn by the agency's own board last month.",
        summary="",
        recommendations=[],
    )
    review = review_submit(review=review, by=rita, lock_version=review.lock_version)
    assert review.state == State.SUBMITTED
    assert review.overall_outcome == Outcome.DOES_NOT_MEET


# A review keeps the framework version it started with.


def test_a_review_keeps_its_framework_version_when_the_framework_is_edited(review, tmp_path):
    version_1 = review.framework
    expectations = list(
        review.findings.order_by("expectation__order").values_list(
            "expectation_id", "expectation__text"
        )
    )
    original = (FRAMEWORKS_DIR / "lscb-social-media-2015.toml").read_text(encoding="utf-8")
    assert "check its minimum age requirement" in original
    edited = tmp_path / "lscb-social-media-2015.toml"
    shutil.copy(FRAMEWORKS_DIR / "lscb-social-media-2015.toml", edited)
    edited.write_text(
        original.replace("check its minimum age requirement", "check its minimum age"),
        encoding="utf-8",
    )

    version_2 = framework_load(path=edited).framework

    assert (version_1.version, version_2.version) == (1, 2)
    review = fresh(review)
    assert review.framework == version_1
    assert set(review.findings.values_list("expectation__framework", flat=True)) == {version_1.pk}
    assert (
        list(
            review.findings.order_by("expectation__order").values_list(
                "expectation_id", "expectation__text"
            )
        )
        == expectations
    )


# Returned reviews.


@pytest.fixture
def submitted(northgate, rita, mo, charlie):
    return review_in_state(
        State.SUBMITTED, agency=northgate, reviewer=rita, moderator=mo, admin=charlie
    )


def test_returning_a_review_starts_round_2(submitted, mo):
    review = review_return(review=submitted, by=mo, comments="Quote the page for 2.1.")
    assert (review.state, review.round) == (State.RETURNED, 2)
    assert list(review.returns.values_list("round", "returned_by", "comments")) == [
        (1, mo.pk, "Quote the page for 2.1.")
    ]


def test_a_returned_review_is_in_progress_again_once_the_reviewer_edits(submitted, rita, mo):
    review = review_return(review=submitted, by=mo, comments="Quote the page for 2.1.")
    review = review_save_findings(
        review=review,
        by=rita,
        lock_version=review.lock_version,
        answers={finding_for(review, "2.1").pk: {"evidence_page": 2}},
    )
    assert (review.state, review.round) == (State.IN_PROGRESS, 2)


def test_resubmitting_keeps_the_earlier_return_and_sign_off(submitted, rita, mo):
    first_sign_off = SignOff.objects.get(review=submitted)
    review = review_return(review=submitted, by=mo, comments="Quote the page for 2.1.")
    returned = ReturnRound.objects.get(review=review)
    review = review_save_findings(
        review=review,
        by=rita,
        lock_version=review.lock_version,
        answers={finding_for(review, "2.1").pk: {"evidence_page": 2}},
    )

    review = review_submit(review=review, by=rita, lock_version=review.lock_version)

    assert (review.state, review.round) == (State.SUBMITTED, 2)
    assert list(review.returns.values_list("pk", "round", "comments")) == [
        (returned.pk, 1, "Quote the page for 2.1.")
    ]
    assert list(review.sign_offs.order_by("round").values_list("role", "round", "signed_by")) == [
        (SignOff.Role.REVIEWER, 1, rita.pk),
        (SignOff.Role.REVIEWER, 2, rita.pk),
    ]
    assert review.sign_offs.filter(pk=first_sign_off.pk, round=1).exists()


# Edits that cross.


@pytest.fixture
def crossed_edit(review, rita):
    """rita saves 1.1 in one tab, then saves it differently in a tab opened before."""
    opened_at = review.lock_version
    first = finding_for(review, "1.1")
    saved = review_save_findings(
        review=review,
        by=rita,
        lock_version=opened_at,
        answers={first.pk: {"rating": Rating.NOT_MET, "comment": "No word on befriending."}},
    )
    with pytest.raises(EditConflict) as conflict:
        review_save_findings(
            review=fresh(review),
            by=rita,
            lock_version=opened_at,
            answers={first.pk: {"rating": Rating.MET, "evidence_quote": "Staff must not"}},
        )
    return saved, conflict.value


def test_a_stale_save_is_refused_naming_who_saved_and_when(crossed_edit):
    saved, conflict = crossed_edit
    when = timezone.localtime(saved.updated_at)
    assert conflict.reason.startswith(
        f"Rita Reyes saved this review on {when.day} {when:%B %Y at %H:%M:%S}, after you opened it."
    )


def test_a_stale_save_is_audited_as_an_edit_conflict(crossed_edit, rita):
    saved, _ = crossed_edit
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EDIT_CONFLICT, object_id=str(saved.pk), actor=rita
    ).exists()


def test_a_stale_save_leaves_the_first_save_in_place(crossed_edit):
    saved, _ = crossed_edit
    stored = finding_for(saved, "1.1")
    assert (stored.rating, stored.comment, stored.evidence_quote) == (
        Rating.NOT_MET,
        "No word on befriending.",
        "",
    )
    assert fresh(saved).lock_version == saved.lock_version
