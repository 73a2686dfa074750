"""The board's answer to "is this PDF a genuine outcome?", for anyone who has one.

The upload is treated as hostile: its size is capped before it is read, its content must be a
PDF, and it is parsed only in a child process with limits on time, memory and writing files.
"""

import contextlib
import functools
import hashlib
import json
import math
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from . import verification
from .models import Outcome
from .signing import SigningUnavailable, board_certificate

PROJECT_ROOT = Path(__file__).resolve().parent.parent

UNCHECKED = "unchecked"


@dataclass(frozen=True)
class CheckResult:
    verdict: str
    title: str
    message: str
    reference: str = ""
    signed_at: str = ""
    sha256: str = ""

    @property
    def genuine(self) -> bool:
        return self.verdict == verification.GENUINE


def max_check_bytes() -> int:
    return settings.OUTCOME_CHECK_MAX_MB * 1024 * 1024


def trusted_certificates() -> str:
    """The board's certificate now, and every certificate an outcome was ever signed with."""
    pems = set(
        Outcome.objects.exclude(certificate_pem="")
        .values_list("certificate_pem", flat=True)
        .distinct()
    )
    # Without a usable certificate now, outcomes signed earlier can still be checked.
    with contextlib.suppress(SigningUnavailable):
        pems.add(
            board_certificate(
                path=settings.OUTCOME_SIGNING_PKCS12,
                passphrase=settings.OUTCOME_SIGNING_PASSPHRASE,
            ).pem
        )
    return "\n".join(sorted(pems))


def _apply_limits(memory: int, cpu_seconds: int) -> None:
    """Runs in the child between fork and exec: limits on memory, CPU, files and core dumps."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _verify_in_child(data: bytes, trusted: str) -> dict:
    timeout = settings.OUTCOME_CHECK_TIMEOUT_SECONDS
    limits = functools.partial(
        _apply_limits, settings.POLICY_PARSE_MEMORY_MB * 1024 * 1024, math.ceil(timeout) + 1
    )
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "outcomes.verification"],
            input=data,
            capture_output=True,
            timeout=timeout,
            cwd=PROJECT_ROOT,
            env={
                "PATH": os.environ.get("PATH", os.defpath),
                "LANG": "C.UTF-8",
                "PYTHONPATH": str(PROJECT_ROOT),
                "PYTHONDONTWRITEBYTECODE": "1",
                verification.TRUSTED_CERTIFICATES_ENV: trusted,
            },
            preexec_fn=limits,
            start_new_session=True,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"verdict": UNCHECKED}
    if completed.returncode != 0:
        return {"verdict": UNCHECKED}
    try:
        verdict = json.loads(completed.stdout)
    except ValueError:
        return {"verdict": UNCHECKED}
    return verdict if isinstance(verdict, dict) else {"verdict": UNCHECKED}


def outcome_check(*, data: bytes) -> CheckResult:
    """Say whether these bytes are a genuine, unaltered outcome of this board, or why not."""
    board = settings.BOARD_NAME
    sha256 = hashlib.sha256(data).hexdigest()
    if len(data) > max_check_bytes():
        return CheckResult(
            verdict=UNCHECKED,
            title="The file is too large to check",
            message=f"Outcomes are much smaller than {settings.OUTCOME_CHECK_MAX_MB} MB, so this "
            "is not one of the board's outcomes.",
            sha256=sha256,
        )
    if not verification.looks_like_pdf(data):
        found = {"verdict": verification.NOT_PDF}
    else:
        found = _verify_in_child(data, trusted_certificates())
    verdict = found.get("verdict")
    reference = str(found.get("reference", ""))
    if verdict == verification.GENUINE:
        # The file itself, if the board issued it from here; its signed reference otherwise.
        issued = Outcome.objects.filter(sha256=sha256, status=Outcome.Status.READY).first()
        reference = issued.reference if issued is not None else reference
        return CheckResult(
            verdict=verdict,
            title="This is a genuine outcome",
            message=f"It was signed with {board}’s certificate and has not been altered since. "
            f"It is the outcome of review {reference}.",
            reference=reference,
            signed_at=str(found.get("signed_at", "")),
            sha256=sha256,
        )
    titles = {
        verification.ALTERED: (
            "This outcome has been altered",
            f"It was signed with {board}’s certificate, but "
            + (
                "something was added to the file after it was signed."
                if found.get("appended")
                else "its content has changed since it was signed."
            )
            + " Do not rely on it: ask the agency or the board for the original.",
        ),
        verification.OTHER_SIGNER: (
            "This PDF was signed by someone else",
            "It carries a digital signature, but not one made with "
            f"{board}’s certificate"
            + (f" (it was signed by “{found['signer']}”)" if found.get("signer") else "")
            + ", so it is not an outcome issued by the board.",
        ),
        verification.NOT_SIGNED: (
            "This PDF is not signed",
            "It has no digital signature, so it is not an outcome issued by the board. Every "
            f"outcome {board} issues is signed.",
        ),
        verification.NOT_PDF: (
            "This file is not a PDF",
            "Outcomes are PDF files. Choose the outcome’s PDF file.",
        ),
        verification.DAMAGED: (
            "This PDF is damaged",
            "It cannot be read as a PDF, so it is not an unaltered outcome of the board.",
        ),
    }
    title, message = titles.get(
        verdict,
        (
            "The file could not be checked",
            "It could not be checked safely: it took too long or needed too much memory. "
            "It is not a file the board issued.",
        ),
    )
    return CheckResult(
        verdict=verdict if verdict in titles else UNCHECKED,
        title=title,
        message=message,
        reference=reference if verdict == verification.ALTERED else "",
        sha256=sha256,
    )
