"""The outcome on the review's pages: preparing, ready to download, failed and retried."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from outcomes.models import Outcome
from outcomes.services import (
    outcome_notify,
    outcome_render,
    outcome_retry,
)
from outcomes.tasks import outcome_render_task
from reviews.services import TransitionRefused, review_save_findings

from ..factories import UserFactory, make_cycle, make_review
from .conftest import sign_off

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client, review) -> str:
    response = client.get(f"/reviews/{review.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_agency_sees_the_outcome_being_prepared(alice_client, signed_off):
    html = page(alice_client, signed_off)
    assert "Preparing the outcome" in html
    assert f'data-status-url="/outcomes/{signed_off.pk}/status/"' in html
    assert alice_client.get(f"/outcomes/{signed_off.pk}/status/").json()["status"] == "checking"


def test_the_agency_downloads_the_issued_outcome_and_the_download_is_audited(
    alice_client, alice, signed_off
):
    outcome = outcome_render(review_id=signed_off.pk)
    html = page(alice_client, signed_off)
    assert "Download the outcome (PDF)" in html
    assert alice_client.get(f"/outcomes/{signed_off.pk}/status/").json()["status"] == "ready"
    response = alice_client.get(f"/outcomes/{signed_off.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"{signed_off.reference} outcome.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    event = AuditEvent.objects.get(action=AuditEvent.Action.OUTCOME_DOWNLOADED)
    assert event.actor == alice and event.detail["sha256"] == outcome.sha256


def test_the_audit_trail_names_outcome_downloads_and_filters_by_them(
    alice_client, charlie, signed_off
):
    outcome_render(review_id=signed_off.pk)
    alice_client.get(f"/outcomes/{signed_off.pk}/download/")
    admin = client_for(charlie)
    cell = '<td class="govuk-table__cell">{}</td>'

    everything = admin.get("/audit/").content.decode()
    assert cell.format("Outcome issued") in everything
    assert cell.format("Outcome downloaded") in everything
    assert "outcome_downloaded</td>" not in everything

    downloads = admin.get("/audit/?action=outcome_downloaded").content.decode()
    assert "1 event</caption>" in downloads
    assert cell.format("Outcome downloaded") in downloads
    assert cell.format("Outcome issued") not in downloads


def test_the_moderator_sees_the_outcome_on_the_moderation_page(mo, signed_off):
    outcome_render(review_id=signed_off.pk)
    html = client_for(mo).get(f"/reviews/{signed_off.pk}/moderate/").content.decode()
    assert "Download the outcome (PDF)" in html


def test_another_agency_cannot_download_it_and_the_refusal_is_audited(bob_client, signed_off):
    outcome_render(review_id=signed_off.pk)
    response = bob_client.get(f"/outcomes/{signed_off.pk}/download/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_REFUSED, object_id=str(signed_off.pk)
    ).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.OUTCOME_DOWNLOADED).exists()


def test_signing_in_is_needed_to_download(signed_off):
    outcome_render(review_id=signed_off.pk)
    response = Client().get(f"/outcomes/{signed_off.pk}/download/")
    assert response.status_code == 302 and "/sign-in/" in response.url


def test_a_failed_render_says_so_and_a_board_admin_retries_it(
    settings, tmp_path, alice_client, charlie, signed_off
):
    settings.OUTCOME_SIGNING_PKCS12 = tmp_path / "missing.p12"
    outcome_render_task.apply(args=[signed_off.pk])
    outcome = Outcome.objects.get(review=signed_off)
    assert outcome.status == Outcome.Status.FAILED
    assert "signing certificate is missing" in outcome.last_error
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OUTCOME_FAILED).exists()

    html = page(alice_client, signed_off)
    assert "The outcome could not be prepared" in html
    assert "Prepare the outcome again" not in html
    admin = client_for(charlie)
    assert "Prepare the outcome again" in page(admin, signed_off)

    response = admin.post(f"/outcomes/{signed_off.pk}/retry/")
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.status == Outcome.Status.PENDING
    assert AuditEvent.objects.get(action=AuditEvent.Action.OUTCOME_RETRIED).actor == charlie


def test_only_a_board_admin_retries_and_a_refusal_is_audited(
    settings, tmp_path, alice_client, signed_off
):
    settings.OUTCOME_SIGNING_PKCS12 = tmp_path / "missing.p12"
    outcome_render_task.apply(args=[signed_off.pk])
    response = alice_client.post(f"/outcomes/{signed_off.pk}/retry/")
    assert response.status_code == 403
    assert Outcome.objects.get(review=signed_off).status == Outcome.Status.FAILED
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).exists()


def test_retrying_an_outcome_that_has_not_failed_is_refused(charlie, signed_off):
    with pytest.raises(TransitionRefused, match="has not failed"):
        outcome_retry(review=signed_off, by=charlie)


def test_a_wrong_passphrase_fails_without_revealing_it(settings, signed_off):
    settings.OUTCOME_SIGNING_PASSPHRASE = "not-the-passphrase-xyzzy"
    outcome_render_task.apply(args=[signed_off.pk])
    outcome = Outcome.objects.get(review=signed_off)
    assert outcome.status == Outcome.Status.FAILED
    assert "OUTCOME_SIGNING_PASSPHRASE" in outcome.last_error
    assert "xyzzy" not in outcome.last_error
    assert "xyzzy" not in str(
        AuditEvent.objects.get(action=AuditEvent.Action.OUTCOME_FAILED).detail
    )


def test_after_sign_off_the_findings_cannot_be_changed(rita, signed_off):
    finding = signed_off.findings.first()
    with pytest.raises(TransitionRefused):
        review_save_findings(
            review=signed_off,
            by=rita,
            lock_version=signed_off.lock_version,
            answers={finding.pk: {"rating": "not_met", "comment": "Changed afterwards"}},
        )
    outcome = outcome_render(review_id=signed_off.pk)
    first = outcome.content["sections"][0]["findings"][0]
    assert first["comment"] != "Changed afterwards"


def test_the_agency_is_emailed_once(northgate, signed_off):
    UserFactory(email="lead@northgate.test", agency=northgate)
    UserFactory(email="deputy@northgate.test", agency=northgate)
    outcome = outcome_render(review_id=signed_off.pk)
    assert outcome_notify(outcome_id=outcome.pk) == 2
    assert outcome_notify(outcome_id=outcome.pk) == 0
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["deputy@northgate.test", "lead@northgate.test"]
    assert signed_off.reference in mail.outbox[0].subject


def test_the_review_page_makes_the_same_number_of_queries_with_more_outcomes(
    django_assert_max_num_queries, alice_client, signed_off, northgate, rita, mo, charlie
):
    outcome_render(review_id=signed_off.pk)
    with CaptureQueriesContext(connection) as first:
        page(alice_client, signed_off)
    for n in range(3):
        other = make_review(
            agency=northgate,
            reviewer=rita,
            moderator=mo,
            admin=charlie,
            cycle=make_cycle(agencies=[northgate], name=f"Cycle {n}"),
        )
        outcome_render(review_id=sign_off(other, reviewer=rita, moderator=mo).pk)
    with django_assert_max_num_queries(len(first.captured_queries)):
        page(alice_client, signed_off)
