"""Django's changepassword, with the change in the audit trail like every other change to people.

accounts comes before django.contrib.auth in INSTALLED_APPS so that this command is the one run.
"""

import getpass

from django.contrib.auth.management.commands import changepassword

from audit.models import AuditEvent
from audit.services import change_record

from ...models import User, normalise_email


class Command(changepassword.Command):
    def handle(self, *args, **options):
        # Addresses are kept in one spelling, so any spelling typed finds the person.
        options["username"] = email = normalise_email(options["username"] or getpass.getuser())
        message = super().handle(*args, **options)
        person = User.objects.using(options["database"]).get(email=email)
        change_record(
            action=AuditEvent.Action.PASSWORD_SET,
            obj=person,
            changes={"password": {"from": "not recorded", "to": "set"}},
            route="changepassword",
        )
        return message
