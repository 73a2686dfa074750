"""Records past their retention period go, what went is recorded, and the audit trail still
checks out afterwards."""

import datetime
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from audit.chain import chain_verify
from audit.models import AuditEvent
from outcomes.models import Outcome
from policies.models import PolicyVersion
from retention.services import retention_apply
from reviews.models import Review
from reviews.services import review_withdraw
from summaries.models import Action

from ..factories import PolicyVersionFactory, make_review

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - datetime.timedelta(days=10 * 365)


def age(queryset, **fields) -> None:
    queryset.update(**fields)


@pytest.fixture
def old_superseded_version(northgate):
    old = PolicyVersionFactory(document__agency=northgate, number=1)
    PolicyVersionFactory(document=old.document, number=2)
    age(PolicyVersion.objects.filter(pk=old.pk), uploaded_at=LONG_AGO)
    return old


@pytest.fixture
def old_withdrawn_review(southport, rita, mo, charlie):
    review = make_review(agency=southport, reviewer=rita, moderator=mo, admin=charlie)
    review_withdraw(review=review, by=charlie, reason="Policy replaced")
    age(Review.objects.filter(pk=review.pk), updated_at=LONG_AGO)
    return review


def old_events(n: int) -> list[AuditEvent]:
    return [
        AuditEvent.objects.create(action=AuditEvent.Action.DOWNLOAD, at=LONG_AGO) for _ in range(n)
    ]


@pytest.fixture
def expired_events(db) -> list[AuditEvent]:
    """Made before anything else in the test, as old events are."""
    return old_events(3)


def dry_run() -> str:
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    return out.getvalue()


def test_a_dry_run_lists_what_would_go_and_removes_nothing(
    expired_events, old_superseded_version, old_withdrawn_review
):
    expired = expired_events
    listing = dry_run()
    assert f"Policy version {old_superseded_version.pk}: Northgate Council" in listing
    assert f"Review {old_withdrawn_review.pk}: Southport Police" in listing
    assert f"Audit events: 3, through event #{expired[-1].pk}" in listing
    assert PolicyVersion.objects.filter(pk=old_superseded_version.pk).exists()
    assert Review.objects.filter(pk=old_withdrawn_review.pk).exists()
    assert AuditEvent.objects.filter(pk=expired[0].pk).exists()


def test_records_past_their_period_are_removed_and_the_removal_recorded(
    old_superseded_version, old_withdrawn_review, django_capture_on_commit_callbacks
):
    storage, name = old_superseded_version.file.storage, old_superseded_version.file.name
    with django_capture_on_commit_callbacks(execute=True):
        run = retention_apply()
    assert [r["id"] for r in run.reviews] == [old_withdrawn_review.pk]
    assert not PolicyVersion.objects.filter(pk=old_superseded_version.pk).exists()
    assert not Review.objects.filter(pk=old_withdrawn_review.pk).exists()
    assert not storage.exists(name)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.RETENTION_APPLIED).first()
    removed = event.detail["policy_versions_removed"]
    assert old_superseded_version.pk in [v["id"] for v in removed]


def test_an_issued_review_goes_with_its_outcome_and_its_finished_actions(
    northgate, rita, mo, charlie, django_capture_on_commit_callbacks
):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    Review.objects.filter(pk=review.pk).update(
        state=Review.State.OUTCOME_ISSUED, updated_at=LONG_AGO
    )
    outcome = Outcome.objects.create(
        review=review, content={}, file=ContentFile(b"%PDF-1.7 signed", name="outcome.pdf")
    )
    Action.objects.create(
        finding=review.findings.first(),
        review=review,
        agency=northgate,
        description="Rewrite section 3",
        owner="Head of Safeguarding",
        due_on=datetime.date(2027, 1, 31),
        status=Action.Status.DONE,
        done_note="Section 3 rewritten and approved.",
    )
    storage, name = outcome.file.storage, outcome.file.name
    with django_capture_on_commit_callbacks(execute=True):
        run = retention_apply()
    assert [r["id"] for r in run.reviews] == [review.pk]
    assert not Outcome.objects.exists() and not Action.objects.exists()
    assert not storage.exists(name)


def test_current_versions_open_reviews_and_open_actions_are_kept(northgate, rita, mo, charlie):
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    age(PolicyVersion.objects.all(), uploaded_at=LONG_AGO)
    age(Review.objects.all(), updated_at=LONG_AGO)
    Review.objects.filter(pk=review.pk).update(state=Review.State.OUTCOME_ISSUED)
    Action.objects.create(
        finding=review.findings.first(),
        review=review,
        agency=northgate,
        description="Rewrite section 3",
        owner="Head of Safeguarding",
        due_on=datetime.date(2027, 1, 31),
    )
    run = retention_apply()
    assert run.reviews == [] and run.policy_versions == []
    assert Review.objects.filter(pk=review.pk).exists()


def test_the_trail_still_checks_out_after_old_events_are_removed(alice):
    expired = old_events(4)
    kept = AuditEvent.objects.create(action=AuditEvent.Action.SIGN_IN, actor=alice)
    run = retention_apply()
    assert run.audit.count == 4 and run.audit.through_id == expired[-1].pk
    assert not AuditEvent.objects.filter(pk__lte=expired[-1].pk).exists()
    anchor = AuditEvent.objects.get(action=AuditEvent.Action.RETENTION_APPLIED)
    assert anchor.detail["removed_through_hash"] == expired[-1].hash
    report = chain_verify()
    assert report.intact and report.checked == 2
    assert AuditEvent.objects.order_by("pk").first() == kept


def test_removing_more_than_retention_did_is_still_found(alice):
    old_events(2)
    first_kept = AuditEvent.objects.create(action=AuditEvent.Action.SIGN_IN, actor=alice)
    AuditEvent.objects.create(action=AuditEvent.Action.SIGN_OUT, actor=alice)
    retention_apply()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [first_kept.pk])
    assert not chain_verify().intact
