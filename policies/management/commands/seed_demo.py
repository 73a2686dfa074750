from django.core.management.base import BaseCommand

from policies.demo import BOARD_PEOPLE, DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Create invented demo people, agencies and policies for local use. Runs once."

    def handle(self, *args, **options):
        if demo_seed():
            self.stdout.write(
                f"Demo data created. Local-only sign-ins (password for all: {DEMO_PASSWORD}):"
            )
            for email, name, _ in BOARD_PEOPLE:
                self.stdout.write(f"  {email} ({name})")
        else:
            self.stdout.write("Demo data is already present.")
