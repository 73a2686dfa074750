import pytest

from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_audit_events_cannot_be_changed_or_deleted(alice):
    event = audit_record(action=AuditEvent.Action.UPLOAD, actor=alice)
    event.action = AuditEvent.Action.DOWNLOAD
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="download")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == AuditEvent.Action.UPLOAD


def test_board_admin_filters_the_audit_trail(charlie_client, alice, bob, northgate):
    audit_record(action=AuditEvent.Action.UPLOAD, actor=alice, agency=northgate)
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=bob)
    everything = charlie_client.get("/audit/").content.decode()
    assert "alice@northgate.test" in everything and "bob@southport.test" in everything

    uploads = charlie_client.get("/audit/?action=upload").content.decode()
    assert "alice@northgate.test" in uploads and "bob@southport.test" not in uploads
    by_person = charlie_client.get("/audit/?person=bob").content.decode()
    assert "bob@southport.test" in by_person and "alice@northgate.test" not in by_person
    by_agency = charlie_client.get(f"/audit/?agency={northgate.pk}").content.decode()
    assert "alice@northgate.test" in by_agency and "bob@southport.test" not in by_agency


def test_the_admin_site_offers_no_way_to_edit_audit_events(charlie_client):
    assert charlie_client.get("/admin/audit/auditevent/").status_code == 404


def test_a_refused_access_is_recorded_and_given_back_as_the_error_to_raise(rf, alice, northgate):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from audit.services import access_refused

    request = rf.get("/policies/1/")
    request.user = alice
    error = access_refused(request, reason="not the person's agency", agency=northgate)
    assert isinstance(error, PermissionDenied)
    not_found = Http404("No such policy.")
    assert access_refused(request, permission="summaries.export", error=not_found) is not_found
    events = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED, actor=alice)
    assert [(e.agency, e.path, e.detail) for e in events.order_by("pk")] == [
        (northgate, "/policies/1/", {"reason": "not the person's agency"}),
        (None, "/policies/1/", {"permission": "summaries.export"}),
    ]
