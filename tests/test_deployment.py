"""Production settings and the production shape."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "OUTCOME_SIGNING_PASSPHRASE",
            "SITE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "REDIS_CACHE_URL",
        }
        and not k.startswith("AWS_")
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    env["REDIS_URL"] = "redis://redis.internal:6379/0"
    env.update(extra)
    return env


def with_secrets(**extra) -> dict:
    return production_env(
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="review.example.org",
        OUTCOME_SIGNING_PASSPHRASE=secrets.token_urlsafe(32),
        SITE_URL="https://review.example.org",
        **extra,
    )


def settings_of(env: dict, *names: str) -> dict:
    """The named settings as a process started with `env` sees them."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_with_production_settings_prints_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=with_secrets())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_production_refuses_to_start_without_its_secrets():
    result = manage("check", env=production_env(ALLOWED_HOSTS="review.example.org"))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    result = manage("check", env=production_env(SECRET_KEY=secrets.token_urlsafe(64)))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_shares_one_redis_cache_apart_from_the_broker():
    cache = settings_of(with_secrets(), "CACHES")["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://redis.internal:6379/1"
    chosen = settings_of(with_secrets(REDIS_CACHE_URL="redis://cache.internal:6379/3"), "CACHES")
    assert chosen["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/3"


def test_production_refuses_to_start_without_redis_or_with_the_cache_in_the_broker():
    result = manage("check", env=with_secrets(REDIS_URL=""))
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr
    result = manage("check", env=with_secrets(REDIS_CACHE_URL="redis://redis.internal:6379/0"))
    assert result.returncode != 0
    assert "REDIS_CACHE_URL" in result.stderr


def test_files_stay_on_disk_unless_a_bucket_is_named():
    storages = settings_of(with_secrets(), "STORAGES")["STORAGES"]
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_named_bucket_keeps_files_private_and_never_replaced():
    env = with_secrets(
        AWS_STORAGE_BUCKET_NAME="policy-review-files",
        AWS_S3_ENDPOINT_URL="http://minio:9000",
        AWS_S3_REGION_NAME="eu-west-2",
        AWS_S3_ADDRESSING_STYLE="path",
        AWS_ACCESS_KEY_ID="app",
        AWS_SECRET_ACCESS_KEY="app-secret",
    )
    default = settings_of(env, "STORAGES")["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    options = default["OPTIONS"]
    assert options["bucket_name"] == "policy-review-files"
    assert options["endpoint_url"] == "http://minio:9000"
    assert options["region_name"] == "eu-west-2"
    assert options["addressing_style"] == "path"
    assert (options["access_key"], options["secret_key"]) == ("app", "app-secret")
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is False
    assert options["file_overwrite"] is False


def test_docker_compose_names_its_services_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis", "minio", "minio-setup"}
    running = {name: s for name, s in services.items() if name != "minio-setup"}
    assert all("healthcheck" in service for service in running.values())
    assert services["minio-setup"]["restart"] == "no"
    assert "gunicorn" in services["web"]["command"]
    assert set(compose["volumes"]) >= {"files", "postgres", "minio"}


def test_docker_compose_keeps_files_in_a_private_minio_bucket():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    bucket = services["minio-setup"]["environment"]["BUCKET"]
    setup = services["minio-setup"]["command"][0]
    assert "mc mb --ignore-existing" in setup and "mc anonymous set none" in setup
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["AWS_STORAGE_BUCKET_NAME"] == bucket
        assert env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
        assert env["AWS_S3_ADDRESSING_STYLE"] == "path"
        assert env["AWS_ACCESS_KEY_ID"].startswith("${AWS_ACCESS_KEY_ID:?")
        assert env["REDIS_CACHE_URL"] != env["REDIS_URL"]
        depends = services[name]["depends_on"]
        assert depends["minio-setup"]["condition"] == "service_completed_successfully"


def test_the_image_copies_every_package_it_installs():
    pyproject = (ROOT / "pyproject.toml").read_text()
    include = pyproject.split("include = [", 1)[1].split("]", 1)[0]
    packages = {name.strip().strip('"').rstrip("*") for name in include.split(",")}
    dockerfile = (ROOT / "Dockerfile").read_text()
    missing = [p for p in sorted(packages) if f"COPY {p} ./{p}" not in dockerfile]
    assert missing == []
    local = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert local <= packages, local - packages
