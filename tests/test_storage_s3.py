"""Files kept in an S3-compatible bucket: the same code that runs on disk runs against a bucket.

The tests start their own S3-compatible endpoint (moto's server) on a free local port.
"""

import csv
import hashlib
import io
import uuid

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from demo.documents import make_pdf
from outcomes.checking import outcome_check
from outcomes.models import Outcome
from outcomes.services import outcome_render
from outcomes.signing import certificate_create
from policies.extraction import policy_version_extract_text
from policies.models import PolicyVersion
from policies.services import VersionMetadata, policy_version_upload
from summaries.models import Export
from summaries.services.exports import export_build_file

from .factories import make_review
from .outcomes.conftest import BOARD, PASSPHRASE, sign_off

pytestmark = pytest.mark.django_db

REGION = "eu-west-2"
KEYS = {"aws_access_key_id": "test-only-key", "aws_secret_access_key": "test-only-secret"}


@pytest.fixture(scope="module")
def endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(endpoint, settings):
    """A new private bucket, and the app's files stored in it."""
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **KEYS)
    name = f"policy-review-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": endpoint,
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "region_name": REGION,
                "addressing_style": "path",
                "default_acl": "private",
                "querystring_auth": False,
                "file_overwrite": False,
            },
        },
    }

    def keys(prefix: str = "") -> list[str]:
        listing = client.list_objects_v2(Bucket=name, Prefix=prefix)
        return [item["Key"] for item in listing.get("Contents", [])]

    def read(key: str) -> bytes:
        return client.get_object(Bucket=name, Key=key)["Body"].read()

    return keys, read


@pytest.fixture
def signing(settings, tmp_path):
    path = tmp_path / "board.p12"
    certificate_create(path=path, passphrase=PASSPHRASE, board_name=BOARD)
    settings.OUTCOME_SIGNING_PKCS12 = path
    settings.OUTCOME_SIGNING_PASSPHRASE = PASSPHRASE
    settings.OUTCOME_TIMESTAMP_URL = ""
    settings.BOARD_NAME = BOARD


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_outcome_is_signed_into_the_bucket_and_downloaded_through_the_app(
    bucket, signing, northgate, rita, mo, charlie, alice_client, media_files
):
    keys, read = bucket
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    review = sign_off(review, reviewer=rita, moderator=mo)

    outcome = outcome_render(review_id=review.pk)

    assert outcome.status == Outcome.Status.READY
    assert keys("outcomes/") == [outcome.file.name]
    assert hashlib.sha256(read(outcome.file.name)).hexdigest() == outcome.sha256
    assert media_files() == []  # nothing written to local disk
    response = alice_client.get(f"/outcomes/{review.pk}/download/")
    assert response.status_code == 200
    downloaded = content_of(response)
    assert hashlib.sha256(downloaded).hexdigest() == outcome.sha256
    result = outcome_check(data=downloaded)
    assert result.genuine, result.message
    assert result.reference == review.reference


def test_an_export_is_built_into_the_bucket_and_downloaded_through_the_app(
    bucket, signing, northgate, rita, mo, charlie, charlie_client
):
    keys, read = bucket
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    sign_off(review, reviewer=rita, moderator=mo, ratings={"2.1": "not_met"})
    export = Export.objects.create(format="csv", cycle=review.cycle, requested_by=charlie)

    export_build_file(export_id=export.pk)

    export.refresh_from_db()
    assert export.status == Export.Status.READY, export.last_error
    assert keys("exports/") == [export.file.name]
    response = charlie_client.get(f"/summaries/exports/{export.pk}/download/")
    assert response.status_code == 200
    downloaded = content_of(response)
    assert downloaded == read(export.file.name)
    assert len(downloaded) == export.size
    rows = list(csv.DictReader(io.StringIO(downloaded.decode("utf-8-sig"))))
    assert len(rows) == review.findings.count()
    assert review.reference in downloaded.decode("utf-8-sig")


def test_an_uploaded_policy_is_stored_in_the_bucket_and_its_text_extracted_from_there(
    bucket, northgate, alice, alice_client, media_files
):
    keys, read = bucket
    content = make_pdf([["Staff must not befriend children on social media."]])
    version = policy_version_upload(
        by=alice,
        agency=northgate,
        uploaded_file=SimpleUploadedFile("policy.pdf", content),
        metadata=VersionMetadata(
            owner="Head of HR", version_label="1.0", document_date="2026-01-01"
        ),
        title="Social media policy",
    )
    assert keys() == [version.file.name]
    assert read(version.file.name) == content

    policy_version_extract_text(version_id=version.pk)

    version.refresh_from_db()
    assert version.status == PolicyVersion.Status.READY
    assert "befriend" in version.pages.get(number=1).text
    assert media_files() == []
    response = alice_client.get(f"/policies/{version.document_id}/versions/1/download/")
    assert content_of(response) == content
