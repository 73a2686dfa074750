"""Settings for the page benchmark: production-like (DEBUG off, persistent connections) on a
throwaway PostgreSQL database named by DATABASE_URL."""

from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECRET_KEY = "benchmark-only-key-not-secret"  # noqa: S105
ROOT_URLCONF = "benchmarks.urls"

# Signing in is not what is measured.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False

# The policy file lives in a temporary folder, never among real uploads.
MEDIA_ROOT = Path(env.str("BENCH_MEDIA_ROOT", default="/tmp/bench-review-pages-media"))  # noqa: S108

LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# Static files come straight from the source folders; collectstatic is not needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
