"""Suggestions are prepared once per policy version and framework, in the background."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.documents import make_docx
from evidence import services
from evidence.models import EvidenceRun, ExpectationEvidence, Passage
from evidence.selectors import suggestions_for_step
from evidence.services import evidence_prepare
from evidence.tasks import evidence_prepare_task
from policies.extraction import policy_version_extract_text
from policies.models import PolicyVersion
from reviews.models import Framework

from ..factories import PolicyVersionFactory, lscb_framework, make_review
from .policies import SCHOOL
from .policies import make_docx_from as docx_of

pytestmark = pytest.mark.django_db


def school_version(**extra) -> PolicyVersion:
    return PolicyVersionFactory(
        file=ContentFile(docx_of(SCHOOL), name="policy.docx"),
        file_kind=PolicyVersion.FileKind.DOCX,
        **extra,
    )


def test_passages_and_suggestions_are_stored_per_version_and_framework():
    framework = lscb_framework()
    version = school_version()

    run = evidence_prepare(version_id=version.pk, framework_id=framework.pk)

    assert run.status == EvidenceRun.Status.READY
    assert Passage.objects.filter(version=version).count() == 7
    assert ExpectationEvidence.objects.filter(run=run).count() == 15
    evidence = ExpectationEvidence.objects.get(run=run, expectation__code="1.1")
    best = evidence.suggestions[0]
    assert best["text"].startswith("Staff must not befriend pupils")
    assert best["location"] == "Staff conduct, paragraph 1" and best["page"] is None
    assert best["label"] == "likely" and 0 < best["score"] <= 1
    assert Passage.objects.get(pk=best["passage"]).version == version


def test_preparing_twice_changes_nothing(monkeypatch):
    framework = lscb_framework()
    version = school_version()
    evidence_prepare(version_id=version.pk, framework_id=framework.pk)
    first = list(ExpectationEvidence.objects.values_list("pk", "suggestions"))

    def no_second_split(*args, **kwargs):
        raise AssertionError("the file was split again")

    monkeypatch.setattr(services, "passages_of_file", no_second_split)
    evidence_prepare_task(version.pk, framework.pk)
    assert list(ExpectationEvidence.objects.values_list("pk", "suggestions")) == first
    assert EvidenceRun.objects.count() == 1


def test_a_version_still_being_checked_or_gone_is_left_alone():
    framework = lscb_framework()
    checking = school_version(status=PolicyVersion.Status.CHECKING)
    assert evidence_prepare(version_id=checking.pk, framework_id=framework.pk) is None
    assert evidence_prepare(version_id=987654, framework_id=framework.pk) is None
    assert not EvidenceRun.objects.exists()


def test_a_policy_that_cannot_be_split_is_recorded_with_the_reason():
    framework = lscb_framework()
    version = PolicyVersionFactory(
        file=ContentFile(make_docx([("heading", 1, "Only a heading")]), name="p.docx")
    )
    run = evidence_prepare(version_id=version.pk, framework_id=framework.pk)
    assert run.status == EvidenceRun.Status.FAILED
    assert "No text could be read" in run.last_error
    assert not ExpectationEvidence.objects.exists()


def test_suggestions_are_queued_once_extraction_commits(
    django_capture_on_commit_callbacks, monkeypatch
):
    framework = lscb_framework()
    version = school_version(status=PolicyVersion.Status.CHECKING, pages=[])
    sent = []
    monkeypatch.setattr(services, "_send", lambda *ids: sent.append(ids))
    with django_capture_on_commit_callbacks(execute=True):
        policy_version_extract_text(version_id=version.pk)
        assert sent == []  # nothing before the commit
    assert sent == [(version.pk, framework.pk)]


def test_assigning_a_review_queues_suggestions_for_its_framework(
    northgate, rita, mo, charlie, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(services, "_send", lambda *ids: sent.append(ids))
    with django_capture_on_commit_callbacks(execute=True):
        review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    assert (review.policy_version_id, review.framework_id) in sent


def test_a_review_reads_its_suggestions_in_one_query(northgate, rita, mo, charlie):
    version = school_version(document__agency=northgate)
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    assert review.policy_version_id == version.pk
    evidence_prepare(version_id=version.pk, framework_id=review.framework_id)
    with CaptureQueriesContext(connection) as captured:
        found = suggestions_for_step(review=review, section_number=1)
    assert len(captured) == 1
    assert len(found) == 6
    assert any(found.values())


def test_the_command_prepares_suggestions_for_every_current_policy():
    from io import StringIO

    from django.core.management import call_command

    lscb_framework()
    school_version()
    out = StringIO()
    call_command("prepare_evidence", stdout=out)
    assert "1 ready, 0 failed" in out.getvalue()
    assert EvidenceRun.objects.get().status == EvidenceRun.Status.READY


@pytest.mark.django_db
def test_suggestions_are_prepared_for_published_frameworks_only():
    published = lscb_framework()
    Framework.objects.create(
        code=published.code,
        version=published.version + 1,
        name=published.name,
        status=Framework.Status.DRAFT,
    )
    assert services.latest_frameworks() == [published]
