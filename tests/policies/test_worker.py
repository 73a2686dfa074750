"""The extraction task end to end: queued on commit, run by a real worker on the broker."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from demo.documents import make_pdf
from policies import tasks
from policies.models import PolicyVersion
from policies.services import VersionMetadata, policy_version_upload
from policies.tasks import STALE_AFTER, policy_versions_requeue_stale

from ..factories import AgencyFactory, PolicyVersionFactory, UserFactory
from ..worker import running_worker, wait_for


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_extracts_an_uploaded_policy():
    agency = AgencyFactory(name="Worker Test Agency")
    member = UserFactory(agency=agency)
    with running_worker():
        version = policy_version_upload(
            by=member,
            agency=agency,
            uploaded_file=SimpleUploadedFile("p.pdf", make_pdf([["Worker page one."], ["Two."]])),
            metadata=VersionMetadata(owner="Lead", version_label="1", document_date="2026-01-01"),
            title="Policy",
        )

        def ready():
            """the version to be checked"""
            connection.close()
            return PolicyVersion.objects.filter(pk=version.pk).exclude(status="checking").first()

        done = wait_for(ready)
    assert done.status == PolicyVersion.Status.READY, done.rejection_reason
    assert list(done.pages.values_list("number", flat=True)) == [1, 2]
    assert "Worker page one." in done.pages.get(number=1).text


@pytest.mark.django_db(transaction=True)
def test_a_version_whose_message_was_lost_is_queued_again_and_extracted():
    version = PolicyVersionFactory(
        status=PolicyVersion.Status.CHECKING,
        file=ContentFile(make_pdf([["Lost message page."]]), name="p.pdf"),
        pages=[],
    )
    PolicyVersion.objects.filter(pk=version.pk).update(
        uploaded_at=timezone.now() - timedelta(hours=1)
    )
    with running_worker():
        assert policy_versions_requeue_stale() == 1

        def ready():
            """the version to be checked again"""
            connection.close()
            return PolicyVersion.objects.filter(pk=version.pk, status="ready").first()

        done = wait_for(ready)
    assert "Lost message page." in done.pages.get().text


@pytest.mark.django_db
def test_a_version_still_within_its_reading_time_is_not_queued_a_second_time(settings, monkeypatch):
    """A long scan read by OCR can take twenty minutes: it is left to finish, not run twice."""
    queued = []
    monkeypatch.setattr(tasks.policy_version_extract, "delay", queued.append)
    version = PolicyVersionFactory(status=PolicyVersion.Status.CHECKING, pages=[])
    reading = settings.POLICY_EXTRACT_TIMEOUT_SECONDS + settings.POLICY_OCR_TIMEOUT_SECONDS
    PolicyVersion.objects.filter(pk=version.pk).update(
        uploaded_at=timezone.now() - timedelta(seconds=reading)
    )
    assert policy_versions_requeue_stale() == 0
    PolicyVersion.objects.filter(pk=version.pk).update(
        uploaded_at=timezone.now() - STALE_AFTER - timedelta(minutes=1)
    )
    assert policy_versions_requeue_stale() == 1
    assert queued == [version.pk]
