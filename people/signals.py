from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .sessions import session_start


@receiver(user_logged_in)
def stamp_new_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(request.session)
