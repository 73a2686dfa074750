from django.conf import settings

from .models import normalise_email


def axes_username(request, credentials) -> str:
    """The address sign-in throttling counts failures against: every spelling of one address
    shares one count, so changing the case of a letter buys no more tries."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        typed = credentials.get(field)
    else:
        typed = getattr(request, "data", request.POST).get(field)
    return normalise_email(typed)
