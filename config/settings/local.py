"""The embedded default: one laptop, no services, demo data."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)

# Static files come straight from the source folders; collectstatic is for production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
