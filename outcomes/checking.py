"""The board's answer to "is this PDF a genuine outcome?", for anyone who has one.

The upload is treated as hostile: its size is capped before it is read, its content must be a
PDF, and it is parsed only in a child process with limits on time, memory and writing files.
"""

import contextlib
import hashlib
from dataclasses import dataclass

from django.conf import settings

from documents.sandbox import run_in_child

from . import verification
from .models import Outcome
from .signing import SigningUnavailable, board_certificate

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


def _verify_in_child(data: bytes, trusted: str) -> dict:
    result = run_in_child(
        "outcomes.verification",
        stdin=data,
        env={verification.TRUSTED_CERTIFICATES_ENV: trusted},
        timeout_seconds=settings.OUTCOME_CHECK_TIMEOUT_SECONDS,
        memory_mb=settings.POLICY_PARSE_MEMORY_MB,
    )
    verdict = result.json()
    return verdict if isinstance(verdict, dict) else {"verdict": UNCHECKED}


def outcome_check(*, data: bytes) -> CheckResult:
    """Say whether these bytes are a genuine, unaltered outcome of this board, or why not."""
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
            message=f"It was signed with {settings.BOARD_NAME}’s certificate and has not been "
            f"altered since. It is the outcome of review {reference}.",
            reference=reference,
            signed_at=str(found.get("signed_at", "")),
            sha256=sha256,
        )
    explained = _why_not_genuine(found, board=settings.BOARD_NAME)
    title, message = explained.get(verdict, _UNCHECKABLE)
    return CheckResult(
        verdict=verdict if verdict in explained else UNCHECKED,
        title=title,
        message=message,
        reference=reference if verdict == verification.ALTERED else "",
        sha256=sha256,
    )


_UNCHECKABLE = (
    "The file could not be checked",
    "It could not be checked safely: it took too long or needed too much memory. "
    "It is not a file the board issued.",
)


def _why_not_genuine(found: dict, *, board: str) -> dict[str, tuple[str, str]]:
    """For each verdict but genuine, the title and message that say what the file is."""
    return {
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
