"""End to end: an uploaded policy is read, then its evidence suggested, by a real worker."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from evidence.models import EvidenceRun, ExpectationEvidence
from policies.services import VersionMetadata, policy_version_upload

from ..factories import AgencyFactory, UserFactory, lscb_framework
from ..worker import running_worker, wait_for
from .policies import FOOTER, HEADER, SCHOOL, make_pdf


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_suggests_evidence_after_extraction():
    framework = lscb_framework()
    agency = AgencyFactory(name="Evidence Worker Agency")
    member = UserFactory(agency=agency)
    with running_worker():
        version = policy_version_upload(
            by=member,
            agency=agency,
            uploaded_file=SimpleUploadedFile(
                "p.pdf", make_pdf(SCHOOL, header=HEADER, footer=FOOTER)
            ),
            metadata=VersionMetadata(owner="Lead", version_label="1", document_date="2026-01-01"),
            title="Policy",
        )

        def prepared():
            """the evidence to be suggested"""
            connection.close()
            return EvidenceRun.objects.filter(
                version_id=version.pk, framework=framework, status="ready"
            ).first()

        run = wait_for(prepared)
    best = ExpectationEvidence.objects.get(run=run, expectation__code="1.1").suggestions[0]
    assert best["text"].startswith("Staff must not befriend pupils")
    assert best["page"] == 1
