"""The outcome end to end on Redis with real Celery workers: queued on commit, rendered once."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from asn1crypto import pem, x509
from django.core import mail
from django.db import connection
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from audit.models import AuditEvent
from config.celery import app
from outcomes.models import Outcome
from outcomes.services import RENDER_DELAY_ENV
from outcomes.signing import board_certificate
from reviews.models import Review

from ..factories import UserFactory, make_review
from ..worker import running_worker, wait_for
from .conftest import BOARD, PASSPHRASE, sign_off

ROOT = Path(__file__).resolve().parents[2]


def ready_outcome(review_id: int):
    def ready():
        """the outcome to be issued"""
        connection.close()
        return Outcome.objects.filter(review_id=review_id, status="ready").first()

    return ready


def trusted_board_certificate(path) -> x509.Certificate:
    certificate = board_certificate(path=path, passphrase=PASSPHRASE)
    return x509.Certificate.load(pem.unarmor(certificate.pem.encode())[2])


@pytest.mark.django_db(transaction=True)
def test_sign_off_to_an_issued_outcome_that_pyhanko_finds_intact_and_trusted(
    northgate, rita, mo, charlie, board_p12
):
    member = UserFactory(email="lead@northgate.test", agency=northgate)
    review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
    with running_worker():
        sign_off(review, reviewer=rita, moderator=mo)
        outcome = wait_for(ready_outcome(review.pk), timeout=90)

        def emailed():
            """the agency to be emailed"""
            return [m for m in mail.outbox if member.email in m.to]

        message = wait_for(emailed, timeout=30)[0]
    assert review.reference in message.subject
    signature = PdfFileReader(io.BytesIO(outcome.file.read())).embedded_signatures[0]
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=[trusted_board_certificate(board_p12)])
    )
    assert status.intact and status.valid and status.trusted
    review.refresh_from_db()
    assert review.state == Review.State.OUTCOME_ISSUED


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_still_issues_the_outcome_exactly_once(
    northgate, rita, mo, charlie, board_p12, settings, tmp_path, media_files
):
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
        "TEST_DATA_DIR": str(settings.MEDIA_ROOT.parent),
        "OUTCOME_SIGNING_PKCS12": str(board_p12),
        "OUTCOME_SIGNING_PASSPHRASE": PASSPHRASE,
        "BOARD_NAME": BOARD,
        # Small limits, so a message whose worker vanished comes back within seconds.
        "CELERY_TASK_TIME_LIMIT": "20",
        "CELERY_TASK_SOFT_TIME_LIMIT": "15",
        RENDER_DELAY_ENV: "3",
    }
    app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork"]
        + ["--concurrency=1", "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        review = make_review(agency=northgate, reviewer=rita, moderator=mo, admin=charlie)
        sign_off(review, reviewer=rita, moderator=mo)

        def rendering():
            """the worker to start rendering"""
            connection.close()
            return Outcome.objects.filter(review=review, status="rendering").exists()

        wait_for(rendering, timeout=60)
        time.sleep(0.5)
        killed = _children(worker.pid)
        assert killed, "the worker has no child process to kill"
        for child in killed:
            os.kill(child, signal.SIGKILL)

        outcome = wait_for(ready_outcome(review.pk), timeout=90)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    assert outcome.attempts >= 2, "the killed render was not delivered again"
    assert Outcome.objects.filter(review=review).count() == 1
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.OUTCOME_ISSUED, object_id=str(review.pk)
        ).count()
        == 1
    )
    stored = [p for p in media_files() if "outcomes" in p.parts]
    assert [p.name for p in stored] == [Path(outcome.file.name).name]
    assert not [p for p in stored if p.name.startswith(".rendering-")]
