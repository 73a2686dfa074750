from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outcomes.checking import max_check_bytes, outcome_check


class Command(BaseCommand):
    help = (
        "Say whether a PDF is a genuine, unaltered outcome signed with this board's certificate, "
        "and which review it is for. Exits non-zero for anything that is not genuine."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The PDF to check.")

    def handle(self, *args, file: Path, **options):
        try:
            size = file.stat().st_size
            # Read no more than the limit, plus one byte to know it was passed.
            with file.open("rb") as handle:
                data = handle.read(min(size, max_check_bytes()) + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        result = outcome_check(data=data)
        lines = [result.title, result.message]
        if result.reference:
            lines.append(f"Reference: {result.reference}")
        lines.append(f"SHA-256: {result.sha256}")
        if not result.genuine:
            raise CommandError("\n".join(lines), returncode=1)
        self.stdout.write("\n".join(lines))
