from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.services import FRAMEWORKS_DIR, FrameworkFileError, framework_load
from reviews.services.frameworks import FRAMEWORK_FILE_PATTERNS


class Command(BaseCommand):
    help = "Load the board's frameworks from their data files. Unchanged files change nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help=f"Framework files (TOML or YAML). Default: every file in {FRAMEWORKS_DIR.name}/.",
        )

    def handle(self, *args, paths, **options):
        paths = paths or sorted(
            p for pattern in FRAMEWORK_FILE_PATTERNS for p in FRAMEWORKS_DIR.glob(pattern)
        )
        if not paths:
            raise CommandError("No framework files found.")
        for path in paths:
            try:
                result = framework_load(path=path)
            except FrameworkFileError as error:
                raise CommandError(str(error)) from error
            framework = result.framework
            count = framework.expectations.count()
            verb = "Loaded" if result.created else "Unchanged"
            self.stdout.write(
                f"{verb}: {framework.code} version {framework.version} "
                f"({framework.sections.count()} sections, {count} expectations)"
            )
