"""Fast settings for the test suite. DATABASE_URL and REDIS_URL choose PostgreSQL and Redis."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATA_DIR = Path(env.str("TEST_DATA_DIR", default="/tmp/policy-review-test-data"))  # noqa: S108
MEDIA_ROOT = DATA_DIR / "media"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Every thread a test starts (the live server's, a worker's) closes its connection when its
# request or task ends, so none is left open when the test database is dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Files on disk under each test's own folder, whatever bucket the environment names; the S3
# test starts its own endpoint and overrides this.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The cache stays in each process's memory, whatever REDIS_URL says: every test clears it, and
# clearing a Redis cache would empty a database that other test runs and workers share.

# Static files come straight from the source folders; collectstatic is for production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
