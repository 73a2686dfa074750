from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from outcomes.signing import certificate_create


class Command(BaseCommand):
    help = (
        "Make a self-signed certificate and key for signing outcomes, for local use, at "
        "OUTCOME_SIGNING_PKCS12 (protected by OUTCOME_SIGNING_PASSPHRASE). An existing file is "
        "never replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing, successfully, when the file already exists.",
        )

    def handle(self, *args, if_missing: bool, **options):
        path = Path(settings.OUTCOME_SIGNING_PKCS12)
        if path.exists():
            if if_missing:
                return
            raise CommandError(f"{path} already exists; it is never replaced.")
        if not settings.OUTCOME_SIGNING_PASSPHRASE:
            raise CommandError("Set OUTCOME_SIGNING_PASSPHRASE to protect the new key.")
        certificate = certificate_create(
            path=path,
            passphrase=settings.OUTCOME_SIGNING_PASSPHRASE,
            board_name=settings.BOARD_NAME,
        )
        self.stdout.write(f"Made a self-signed signing certificate at {path}")
        self.stdout.write(f"Subject: {certificate.subject}")
        self.stdout.write(f"SHA-256 fingerprint: {certificate.sha256}")
