"""The embedded default: one laptop, no services, demo data."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)

# The self-signed certificate `create_signing_certificate` makes for a laptop uses this.
OUTCOME_SIGNING_PASSPHRASE = env.str(
    "OUTCOME_SIGNING_PASSPHRASE", default="local-only-signing-passphrase"
)

# Static files come straight from the source folders; collectstatic is for production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
