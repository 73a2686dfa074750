import csv
import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit import spreadsheet
from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_record

from ..factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def event_rows(html: str) -> list[list[str]]:
    """The audit table's rows, each as its cells' text."""
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [
        [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


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


def test_the_admin_site_offers_no_way_to_edit_audit_events(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/admin/audit/auditevent/").status_code == 404


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


def worker_event(**kwargs) -> AuditEvent:
    """An event made by the worker: no person and no request."""
    return audit_record(action=AuditEvent.Action.OUTCOME_ISSUED, **kwargs)


def test_the_trail_says_who_made_an_event_with_no_person(charlie_client, rf):
    worker_event()
    request = rf.get("/sign-in/")
    request.user = AnonymousUser()
    audit_record(action=AuditEvent.Action.OUTCOME_ISSUED, request=request)
    rows = event_rows(charlie_client.get("/audit/?action=outcome_issued").content.decode())
    assert [row[1] for row in rows] == ["Not signed in", "System (background task)"]


def test_the_trail_shows_details_in_plain_english_with_technical_ones_folded_away(
    charlie_client, alice, northgate
):
    fingerprint = "ab" * 32
    audit_record(
        action=AuditEvent.Action.UPLOAD,
        actor=alice,
        agency=northgate,
        detail={"sha256": fingerprint, "size": 2_500_000},
    )
    audit_record(
        action=AuditEvent.Action.REVIEW_REASSIGNED,
        actor=alice,
        detail={"before": {"reviewer": "rita@board.test"}, "due_on": "2026-06-30"},
    )
    html = charlie_client.get("/audit/").content.decode()
    assert "File size:</span> 2.4 MB" in html
    assert "Due:</span> 30 June 2026" in html
    assert "Before:</span> Reviewer: rita@board.test" in html
    assert ">sha256:" not in html and ">size:" not in html
    technical = html.split('<details class="govuk-details', 1)[1].split("</details>", 1)[0]
    assert "File fingerprint (SHA-256)" in technical and fingerprint in technical


def test_the_trail_is_paged(charlie_client, alice):
    for _ in range(30):
        audit_record(action=AuditEvent.Action.DOWNLOAD, actor=alice)
    first = charlie_client.get("/audit/?action=download").content.decode()
    assert len(event_rows(first)) == 25
    assert "Page 1 of 2" in first
    assert 'href="?action=download&amp;page=2"' in first
    second = charlie_client.get("/audit/?action=download&page=2").content.decode()
    assert len(event_rows(second)) == 5


def test_the_trail_page_makes_the_same_queries_however_many_events(
    charlie_client, alice, northgate, southport, django_assert_max_num_queries
):
    def load() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert charlie_client.get("/audit/").status_code == 200
        return len(queries)

    audit_record(action=AuditEvent.Action.UPLOAD, actor=alice, agency=northgate)
    few = load()
    for agency in [northgate, southport] * 20:
        audit_record(action=AuditEvent.Action.UPLOAD, actor=alice, agency=agency)
    assert load() == few
    with CaptureQueriesContext(connection) as queries:
        b"".join(charlie_client.get("/audit/download/").streaming_content)
    for _ in range(40):
        audit_record(action=AuditEvent.Action.DOWNLOAD, actor=alice, agency=southport)
    with django_assert_max_num_queries(len(queries)):
        b"".join(charlie_client.get("/audit/download/").streaming_content)


def download(client, query: str = "") -> tuple[object, list[list[str]]]:
    response = client.get(f"/audit/download/{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return response, list(csv.reader(io.StringIO(text)))


def test_a_board_admin_downloads_the_filtered_trail_as_a_spreadsheet(
    charlie_client, alice, bob, northgate
):
    audit_record(action=AuditEvent.Action.UPLOAD, actor=alice, agency=northgate)
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=bob)
    response, rows = download(charlie_client, f"?agency={northgate.pk}")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="audit-trail-{today:%Y-%m-%d}.csv"'
    )
    assert rows[0][:3] == ["When", "Who", "What happened"]
    assert [row[1:3] for row in rows[1:]] == [["alice@northgate.test", "Uploaded a policy version"]]
    assert all(row[6] == "Northgate Council" for row in rows[1:])


def test_downloading_the_trail_is_audited_with_its_filters(charlie_client, charlie, northgate):
    download(charlie_client, f"?agency={northgate.pk}&person=alice")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT_DOWNLOADED)
    assert event.actor == charlie
    assert event.detail == {
        "export": "Audit trail (CSV)",
        "filters": {"person": "alice", "agency": "Northgate Council"},
    }


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_spreadsheet_cell_that_would_run_as_a_formula_is_neutralised(charlie_client, start):
    name = f'{start}HYPERLINK("http://evil.test","Northgate")'
    audit_record(action=AuditEvent.Action.UPLOAD, agency=AgencyFactory(name=name))
    _, rows = download(charlie_client, "?action=upload")
    assert rows[1][6] == f"'{name}"


def test_a_spreadsheet_cell_that_is_plain_text_is_left_alone():
    assert spreadsheet.neutralise("alice@northgate.test") == "alice@northgate.test"
    assert spreadsheet.neutralise(None) == ""
    assert spreadsheet.neutralise("Reason: -1 pages") == "Reason: -1 pages"


def test_only_a_board_admin_downloads_the_trail(alice_client):
    assert alice_client.get("/audit/download/").status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DOWNLOADED).exists()


def test_a_download_with_a_bad_filter_goes_back_to_the_trail_to_show_the_error(charlie_client):
    response = charlie_client.get("/audit/download/?date_from_0=31&date_from_1=2&date_from_2=2026")
    assert response.status_code == 302
    assert response.url.startswith("/audit/?")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DOWNLOADED).exists()
