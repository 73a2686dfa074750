"""The board's signing certificate and the PAdES signature on an outcome.

The key lives in a PKCS#12 file outside the repository; its passphrase comes from the
environment. Neither is ever logged, stored in the database or put in an error message.
"""

import datetime
import functools
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


class SigningUnavailable(Exception):
    """The board's certificate cannot be used: missing, unreadable or the wrong passphrase."""


@dataclass(frozen=True)
class BoardCertificate:
    pem: str
    sha256: str
    subject: str


def certificate_create(
    *, path: Path, passphrase: str, board_name: str, days: int = 5 * 365
) -> BoardCertificate:
    """Make a self-signed certificate and key for the board, for local use, in a PKCS#12 file."""
    # ECDSA P-256: signatures verify everywhere PAdES does, and the key loads in a millisecond.
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, board_name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, board_name[:64]),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    data = pkcs12.serialize_key_and_certificates(
        board_name[:64].encode(), key, certificate, None, encryption
    )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Created readable by its owner only, and never replaced in place.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    return describe(certificate)


def describe(certificate: x509.Certificate) -> BoardCertificate:
    der = certificate.public_bytes(serialization.Encoding.DER)
    return BoardCertificate(
        pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        sha256=hashlib.sha256(der).hexdigest(),
        subject=certificate.subject.rfc4514_string(),
    )


def _load(path: Path, passphrase: str):
    try:
        data = Path(path).read_bytes()
    except OSError:
        raise SigningUnavailable(
            "The board's signing certificate is missing. Create one with "
            "`python manage.py create_signing_certificate`, or set OUTCOME_SIGNING_PKCS12."
        ) from None
    try:
        key, certificate, _ = pkcs12.load_key_and_certificates(
            data, passphrase.encode() if passphrase else None
        )
    except ValueError:
        # The library's message is not passed on: it says nothing useful and is kept out of logs.
        raise SigningUnavailable(
            "The board's signing certificate could not be opened: check OUTCOME_SIGNING_PASSPHRASE."
        ) from None
    if key is None or certificate is None:
        raise SigningUnavailable("The board's PKCS#12 file has no key or no certificate.")
    return data, certificate


def _modified(path: Path) -> int:
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:
        return 0


@functools.lru_cache(maxsize=4)
def _board_certificate(path: Path, modified: int, passphrase: str) -> BoardCertificate:
    _, certificate = _load(path, passphrase)
    return describe(certificate)


def board_certificate(*, path: Path, passphrase: str) -> BoardCertificate:
    """The public half of the board's signing certificate, read once per process and file."""
    return _board_certificate(Path(path), _modified(path), passphrase)


@functools.lru_cache(maxsize=4)
def _signer(path: Path, modified: int, passphrase: str):
    """The signer, loaded once per process and file: opening a PKCS#12 file is slow by design."""
    # Imported here: pyHanko is heavy to load, and only the worker that signs needs it.
    from pyhanko.sign import signers

    data, _ = _load(path, passphrase)
    return signers.SimpleSigner.load_pkcs12_data(
        data, other_certs=[], passphrase=passphrase.encode() if passphrase else None
    )


def pdf_sign(
    pdf: bytes,
    *,
    path: Path,
    passphrase: str,
    reason: str,
    location: str,
    timestamp_url: str = "",
) -> bytes:
    """Sign a PDF with the board's key: PAdES B-B, or B-T with a timestamp server."""
    # Imported here: pyHanko is heavy to load, and only the worker that signs needs it.
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = _signer(Path(path), _modified(path), passphrase)
    timestamper = None
    if timestamp_url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(timestamp_url)
    metadata = signers.PdfSignatureMetadata(
        field_name="BoardSignature",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        name=location,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = io.BytesIO()
    signers.PdfSigner(metadata, signer=signer, timestamper=timestamper).sign_pdf(
        writer, output=output
    )
    return output.getvalue()
