from django.core.management.base import BaseCommand, CommandError

from audit.chain import chain_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and name the first event that does not check out."

    def handle(self, *args, **options):
        report = chain_verify()
        if not report.intact:
            raise CommandError(
                f"The audit trail is broken. {report.first_break} "
                f"({report.checked} events before it check out.)"
            )
        self.stdout.write(f"OK: {report.checked} audit events, chain intact.")
