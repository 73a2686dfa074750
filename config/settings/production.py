"""Production: secrets have no defaults, and every connection is over HTTPS."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL, STORAGES, env

DEBUG = False

try:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
except ImproperlyConfigured as error:
    raise ImproperlyConfigured(
        f"Production needs SECRET_KEY and ALLOWED_HOSTS in the environment ({error})."
    ) from error
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS in the environment.")
if not env.str("OUTCOME_SIGNING_PASSPHRASE", default=""):
    raise ImproperlyConfigured(
        "Production needs OUTCOME_SIGNING_PASSPHRASE in the environment: the passphrase of the "
        "board's signing certificate."
    )
SITE_URL = env.str("SITE_URL", default="")
if not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "Production needs SITE_URL in the environment: the service's https:// address as people "
        "reach it (for example https://review.example.org), printed on every outcome."
    )

if not REDIS_URL:
    raise ImproperlyConfigured(
        "Production needs REDIS_URL in the environment: Redis is the task broker and the cache "
        "every web and worker process shares."
    )


def _next_database(url: str) -> str:
    """The same Redis server, the database after the broker's (redis://redis:6379/0 -> /1)."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{database + 1}").geturl()


# Shared by every process, so rate limits and cached fragments hold across all of them. In its
# own database: clearing the cache empties that database, which must never hold queued tasks.
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default="") or _next_database(REDIS_URL)
if REDIS_CACHE_URL.rstrip("/") == REDIS_URL.rstrip("/"):
    raise ImproperlyConfigured(
        "REDIS_CACHE_URL must name a different Redis database from REDIS_URL (the broker)."
    )
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_CACHE_URL,
        "KEY_PREFIX": "policy-review",
    }
}

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
