from django.core.management.base import BaseCommand

from retention.services import describe, retention_apply, retention_plan


class Command(BaseCommand):
    help = "Remove records past their retention period; --dry-run lists them and removes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be removed, remove nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        run = retention_plan() if dry_run else retention_apply()
        if run.is_empty:
            self.stdout.write("Nothing has passed its retention period.")
            return
        self.stdout.write("Would remove:" if dry_run else "Removed:")
        for line in describe(run):
            self.stdout.write(f"  {line}")
