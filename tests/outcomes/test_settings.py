"""The signing key's passphrase: required in production, never in the repository."""

import secrets
import subprocess
from pathlib import Path

from ..test_deployment import manage, production_env

ROOT = Path(__file__).resolve().parents[2]


def test_production_refuses_to_start_without_the_signing_passphrase():
    env = production_env(SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="review.example.org")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "OUTCOME_SIGNING_PASSPHRASE" in result.stderr


def test_no_signing_key_or_certificate_file_is_tracked_by_git():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [name for name in tracked if name.endswith((".p12", ".pfx", ".pem", ".key"))]


def test_the_default_signing_file_is_in_a_folder_git_ignores():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "data/signing/board.p12"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0


def test_production_refuses_to_start_without_the_https_address_outcomes_print():
    secrets_set = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "review.example.org",
        "OUTCOME_SIGNING_PASSPHRASE": secrets.token_urlsafe(32),
    }
    for site_url in (None, "http://review.example.org"):
        env = production_env(**secrets_set, **({"SITE_URL": site_url} if site_url else {}))
        result = manage("check", env=env)
        assert result.returncode != 0, site_url
        assert "SITE_URL" in result.stderr
