from django.core.management.base import BaseCommand

from demo.seed import DEMO_PASSWORD, demo_seed, demo_sign_ins


class Command(BaseCommand):
    help = "Create invented demo people, agencies and policies for local use. Runs once."

    def handle(self, *args, **options):
        if demo_seed():
            self.stdout.write("Demo data created.")
        else:
            self.stdout.write("Demo data is already present.")
        self.stdout.write(f"Local-only demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for email, who in demo_sign_ins():
            self.stdout.write(f"  {email:<26} {who}")
