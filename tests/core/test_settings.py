import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "DJANGO_ENV": "production",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "training.example.org",
    "SECRET_KEY": secrets.token_urlsafe(50),
}


def check(**overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update({**GOOD, **overrides, "DATABASE_URL": "sqlite:///:memory:"})
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check():
    result = check()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"DEBUG": "1"}, "DEBUG is on"),
        ({"SECRET_KEY": None}, "SECRET_KEY is the development default"),
        ({"SECRET_KEY": "short"}, "shorter than 50 characters"),
        ({"SECRET_KEY": "x" * 60}, "not random"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty"),
    ],
)
def test_production_refuses_to_start_with_an_unsafe_setting(override, named):
    result = check(**override)
    assert result.returncode == 1
    assert "Refusing to start in production" in result.stderr
    assert named in result.stderr
