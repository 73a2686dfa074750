"""Is this PDF a genuine, unaltered outcome signed with one of the board's certificates?

Runs in a child process with limits (see outcomes.checking): a PDF from anyone is parsed here.
No Django. Reads the PDF on stdin and the board's certificates (PEM) from the environment;
writes one JSON verdict on stdout.
"""

import hashlib
import io
import json
import os
import re
import sys

GENUINE = "genuine"
ALTERED = "altered"
OTHER_SIGNER = "other_signer"
NOT_SIGNED = "not_signed"
NOT_PDF = "not_pdf"
DAMAGED = "damaged"

TRUSTED_CERTIFICATES_ENV = "OUTCOME_TRUSTED_CERTIFICATES"
REASON_PREFIX = "Outcome of review "
_REFERENCE = re.compile(r"Outcome of review ([A-Z]{2}-\d{4}-\d{5,})")
_PEM = re.compile(
    r"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----", re.MULTILINE
)


def looks_like_pdf(data: bytes) -> bool:
    # A PDF's header may follow up to 1,024 bytes of other matter, as readers allow.
    return b"%PDF-" in data[:1024]


def _certificates(pems: str):
    # Imported here, as pyHanko is below: only checking an outcome needs them.
    from asn1crypto import pem, x509

    certificates = []
    for block in _PEM.findall(pems):
        _, _, der = pem.unarmor(block.encode())
        certificates.append(x509.Certificate.load(der))
    return certificates


def _signer_of(signature):
    """The certificate that made a signature, or None when the signature is unreadable."""
    try:
        return signature.signer_cert
    except Exception:  # noqa: BLE001 - hostile input: unreadable means no certificate
        return None


def _fingerprint(certificate) -> str:
    return hashlib.sha256(certificate.dump()).hexdigest() if certificate is not None else ""


def verify(data: bytes, trusted_pems: str) -> dict:
    if not looks_like_pdf(data):
        return {"verdict": NOT_PDF}
    # Imported here: pyHanko is heavy to load, and only checking an outcome needs it.
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 - any failure to read a hostile file means "damaged"
        return {"verdict": DAMAGED}
    if not signatures:
        return {"verdict": NOT_SIGNED}

    trusted = _certificates(trusted_pems)
    fingerprints = {_fingerprint(c) for c in trusted}
    signature = next((s for s in signatures if _fingerprint(_signer_of(s)) in fingerprints), None)
    if signature is None:
        stranger = _signer_of(signatures[0])
        return {
            "verdict": OTHER_SIGNER,
            "signer": stranger.subject.human_friendly if stranger is not None else "",
        }
    signer = signature.signer_cert

    reason = str(signature.sig_object.get("/Reason", ""))
    match = _REFERENCE.search(reason)
    found = {
        "signer": signer.subject.human_friendly,
        "certificate_sha256": _fingerprint(signer),
        "reference": match.group(1) if match else "",
    }
    try:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=trusted))
    except Exception:  # noqa: BLE001 - a signature that cannot even be checked is not intact
        return {"verdict": ALTERED, **found}
    if not (status.intact and status.valid):
        return {"verdict": ALTERED, **found}
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        # Anything appended after the signature, however harmless it claims to be.
        return {"verdict": ALTERED, **found, "appended": True}
    if not status.trusted:
        return {"verdict": OTHER_SIGNER, **found}
    signed_at = status.signer_reported_dt
    return {
        "verdict": GENUINE,
        **found,
        "signed_at": signed_at.isoformat() if signed_at else "",
        "timestamped": status.timestamp_validity is not None,
    }


def main() -> None:
    data = sys.stdin.buffer.read()
    verdict = verify(data, os.environ.get(TRUSTED_CERTIFICATES_ENV, ""))
    sys.stdout.write(json.dumps(verdict))


if __name__ == "__main__":
    main()
