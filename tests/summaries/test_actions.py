"""Agencies answer findings with actions; the board sees every action and what is overdue."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from reviews.models import Review
from summaries.exports import action_rows
from summaries.figures import action_figures
from summaries.models import Action
from summaries.services.actions import ACTION_RECORDED, ACTION_UPDATED

from .helpers import counted_review, ready_version

pytestmark = pytest.mark.django_db


def gap(review, code):
    return review.findings.get(expectation__code=code)


def add_action(client, finding, *, due=None, **fields):
    due = due or timezone.localdate() + datetime.timedelta(days=60)
    data = {
        "description": "Add a section on staff contact with children online.",
        "owner": "Head of Safeguarding",
        "due_on_0": due.day,
        "due_on_1": due.month,
        "due_on_2": due.year,
    }
    data.update(fields)
    return client.post(reverse("summaries:action_new", args=[finding.pk]), data)


def test_agency_member_records_an_action_for_a_partially_met_finding(
    alice, alice_client, northgate_review
):
    finding = gap(northgate_review, "1.2")
    response = add_action(alice_client, finding)
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.finding, action.agency_id, action.status) == (
        finding,
        northgate_review.agency_id,
        Action.Status.PLANNED,
    )
    assert AuditEvent.objects.filter(action=ACTION_RECORDED, actor=alice).count() == 1
    page = alice_client.get(reverse("summaries:review_actions", args=[northgate_review.pk]))
    assert "Add a section on staff contact" in page.content.decode()


def test_an_action_without_a_due_date_is_refused_with_a_message(alice_client, northgate_review):
    response = add_action(
        alice_client, gap(northgate_review, "2.1"), due_on_0="", due_on_1="", due_on_2=""
    )
    assert response.status_code == 400
    assert "Enter the due date" in response.content.decode()
    assert "Add a section on staff contact" in response.content.decode()
    assert not Action.objects.exists()


def test_a_met_finding_needs_no_action(alice_client, northgate_review):
    response = add_action(alice_client, gap(northgate_review, "1.1"))
    assert response.status_code == 404
    assert not Action.objects.exists()


def test_a_review_not_yet_signed_off_has_no_action_plan(alice_client, cycle, northgate, rita, mo):
    draft = counted_review(
        agency=northgate,
        cycle=cycle,
        reviewer=rita,
        moderator=mo,
        state="in_progress",
        ratings={"1.2": "not_met"},
    )
    assert alice_client.get(reverse("summaries:review_actions", args=[draft.pk])).status_code == 404
    assert add_action(alice_client, gap(draft, "1.2")).status_code == 404


def test_a_review_in_reply_waits_for_the_reply_to_close_then_takes_actions(
    alice_client, cycle, northgate, rita, mo
):
    """Once the agency's reply has closed the findings are final: the agency plans its actions
    while the outcome is still being prepared, and the board's figures and export count them."""
    review = counted_review(
        agency=northgate,
        cycle=cycle,
        reviewer=rita,
        moderator=mo,
        state="in_reply",
        ratings={"1.2": "not_met"},
    )
    assert add_action(alice_client, gap(review, "1.2")).status_code == 404

    Review.objects.filter(pk=review.pk).update(reply_closed_at=timezone.now())

    assert (
        alice_client.get(reverse("summaries:review_actions", args=[review.pk])).status_code == 200
    )
    assert add_action(alice_client, gap(review, "1.2")).status_code == 302
    assert action_figures([cycle]).planned == 1
    assert [row[0] for row in action_rows([cycle])] == [cycle.name]


def test_another_agency_cannot_see_or_answer_a_review(bob, bob_client, northgate_review):
    page = bob_client.get(reverse("summaries:review_actions", args=[northgate_review.pk]))
    assert page.status_code == 404
    assert add_action(bob_client, gap(northgate_review, "1.2")).status_code == 404
    assert not Action.objects.exists()
    refused = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED, actor=bob)
    assert refused.count() == 2
    assert {e.agency_id for e in refused} == {northgate_review.agency_id}


def test_another_agency_cannot_open_an_action(alice_client, bob, bob_client, northgate_review):
    add_action(alice_client, gap(northgate_review, "1.2"))
    action = Action.objects.get()
    assert bob_client.get(action.get_absolute_url()).status_code == 404
    assert bob_client.post(action.get_absolute_url(), {"status": "done"}).status_code == 404
    assert Action.objects.get().status == Action.Status.PLANNED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED, actor=bob).exists()


def test_done_needs_a_note_or_a_new_policy_version(alice_client, northgate_review):
    add_action(alice_client, gap(northgate_review, "1.2"))
    action = Action.objects.get()
    response = alice_client.post(action.get_absolute_url(), {"status": "done", "done_note": " "})
    assert response.status_code == 400
    assert "Say what was done" in response.content.decode()
    assert Action.objects.get().status == Action.Status.PLANNED


def test_done_with_a_new_policy_version_as_evidence(alice, alice_client, northgate_review):
    add_action(alice_client, gap(northgate_review, "1.2"))
    action = Action.objects.get()
    version = ready_version(northgate_review.agency, number=2)
    response = alice_client.post(
        action.get_absolute_url(), {"status": "done", "evidence_version": version.pk}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.evidence_version) == (Action.Status.DONE, version)
    assert action.completed_at is not None
    assert AuditEvent.objects.filter(action=ACTION_UPDATED, actor=alice).count() == 1


def test_another_agencys_policy_version_is_not_evidence(alice_client, northgate_review, southport):
    add_action(alice_client, gap(northgate_review, "1.2"))
    action = Action.objects.get()
    theirs = ready_version(southport)
    response = alice_client.post(
        action.get_absolute_url(), {"status": "done", "evidence_version": theirs.pk}
    )
    assert response.status_code == 400
    assert Action.objects.get().evidence_version is None


def test_board_sees_every_action_with_overdue_flagged(
    alice_client, charlie_client, northgate_review
):
    add_action(alice_client, gap(northgate_review, "1.2"), due=datetime.date(2020, 1, 31))
    add_action(alice_client, gap(northgate_review, "2.1"), description="Train every team.")
    page = charlie_client.get(reverse("summaries:actions_board")).content.decode()
    assert "Northgate Council" in page and "Train every team." in page
    assert page.count(">Overdue</strong>") == 1
    overdue = charlie_client.get(reverse("summaries:actions_board") + "?overdue=1")
    assert "Train every team." not in overdue.content.decode()
    assert "Add a section on staff contact" in overdue.content.decode()


def test_board_admin_reads_but_does_not_change_an_agencys_action(
    alice_client, charlie, charlie_client, northgate_review
):
    add_action(alice_client, gap(northgate_review, "1.2"))
    action = Action.objects.get()
    assert charlie_client.get(action.get_absolute_url()).status_code == 200
    response = charlie_client.post(action.get_absolute_url(), {"status": "done", "done_note": "x"})
    assert response.status_code == 403
    assert Action.objects.get().status == Action.Status.PLANNED


def test_agency_member_cannot_see_the_board_list(bob_client):
    assert bob_client.get(reverse("summaries:actions_board")).status_code == 403
