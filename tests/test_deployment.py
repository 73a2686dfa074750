"""Production settings and the production shape."""

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
        }
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    env.update(extra)
    return env


def test_check_deploy_with_production_settings_prints_no_warnings():
    env = production_env(
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="review.example.org",
        OUTCOME_SIGNING_PASSPHRASE=secrets.token_urlsafe(32),
        SITE_URL="https://review.example.org",
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
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


def test_docker_compose_names_the_five_services_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    assert all("healthcheck" in service for service in services.values())
    assert "gunicorn" in services["web"]["command"]
    assert set(compose["volumes"]) >= {"files", "postgres"}
