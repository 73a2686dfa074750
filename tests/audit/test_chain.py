"""The audit trail is hash-chained: a changed or removed event is found and named."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from audit.chain import chain_verify
from audit.models import AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_trail", stdout=out)
    return out.getvalue()


def record_three(alice, northgate) -> list[AuditEvent]:
    return [
        audit_record(action=AuditEvent.Action.UPLOAD, actor=alice, agency=northgate),
        audit_record(action=AuditEvent.Action.DOWNLOAD, actor=alice, detail={"page": 2}),
        audit_record(action=AuditEvent.Action.SIGN_OUT, actor=alice),
    ]


def test_each_event_carries_the_hash_of_the_one_before(alice, northgate):
    first, second, third = record_three(alice, northgate)
    assert first.previous_hash == ""
    assert second.previous_hash == first.hash and third.previous_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    for event in AuditEvent.objects.all():
        assert event.compute_hash() == event.hash


def test_an_intact_trail_is_reported_ok_with_its_count(alice, northgate):
    record_three(alice, northgate)
    assert "OK: 3 audit events" in verify()


def test_an_event_changed_in_the_database_is_named(alice, northgate):
    first, second, third = record_three(alice, northgate)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_email = %s WHERE id = %s",
            ["someone-else@example.test", second.pk],
        )
    with pytest.raises(CommandError) as refusal:
        verify()
    assert f"Event #{second.pk}" in str(refusal.value)
    assert "has been changed" in str(refusal.value)


def test_an_event_changed_with_its_hash_recomputed_breaks_the_next_link(alice, northgate):
    first, second, third = record_three(alice, northgate)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET detail = %s, hash = %s WHERE id = %s",
            ['{"page": 3}', "0" * 64, second.pk],
        )
    report = chain_verify()
    assert report.first_break.event_id == second.pk


def test_an_event_removed_from_the_middle_is_named(alice, northgate):
    first, second, third = record_three(alice, northgate)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    with pytest.raises(CommandError) as refusal:
        verify()
    message = str(refusal.value)
    assert f"Event #{third.pk}" in message
    assert f"does not follow on from event #{first.pk}" in message


def test_removing_the_oldest_event_without_a_retention_run_is_named(alice, northgate):
    first, second, third = record_three(alice, northgate)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [first.pk])
    assert chain_verify().first_break.event_id == second.pk


def test_recording_an_event_costs_one_query_more_than_the_insert(alice, django_assert_num_queries):
    with django_assert_num_queries(2):
        audit_record(action=AuditEvent.Action.UPLOAD, actor=alice)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's locking")
def test_concurrent_writers_never_follow_the_same_event():
    """Real threads on their own connections, each recording events as fast as it can."""
    errors = []
    start = threading.Barrier(4)

    def write(n: int) -> None:
        try:
            start.wait(timeout=10)
            for i in range(25):
                audit_record(action=AuditEvent.Action.DOWNLOAD, detail={"writer": n, "i": i})
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert AuditEvent.objects.count() == 100
    report = chain_verify()
    assert report.intact and report.checked == 100
