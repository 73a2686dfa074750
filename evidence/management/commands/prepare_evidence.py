"""Prepare evidence suggestions for policies read before a framework was loaded."""

from django.core.management.base import BaseCommand, CommandError

from evidence.models import EvidenceRun
from evidence.services import evidence_prepare, latest_frameworks
from policies.models import PolicyDocument


class Command(BaseCommand):
    help = (
        "Suggest evidence for every agency's current policy version against the newest version "
        "of each framework (or one framework). Suggestions already prepared are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--framework", help="framework code (default: every framework)")

    def handle(self, *args, **options):
        frameworks = latest_frameworks()
        if options["framework"]:
            frameworks = [f for f in frameworks if f.code == options["framework"]]
            if not frameworks:
                raise CommandError(f"No framework with the code {options['framework']!r}.")
        version_ids = list(
            PolicyDocument.objects.filter(current_version__isnull=False).values_list(
                "current_version_id", flat=True
            )
        )
        counts = dict.fromkeys(EvidenceRun.Status.values, 0)
        for framework in frameworks:
            for version_id in version_ids:
                run = evidence_prepare(version_id=version_id, framework_id=framework.pk)
                if run is not None:
                    counts[run.status] += 1
        self.stdout.write(
            f"{counts['ready']} ready, {counts['failed']} failed "
            f"({len(version_ids)} policies, {len(frameworks)} frameworks)."
        )
