from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    """An email server that refuses every message."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the email server refused the connection")
