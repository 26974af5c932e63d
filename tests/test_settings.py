"""Production settings are safe by default: checked in a fresh process, as deployed."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "NEWSCLIPS_"))
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="newsclips.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_in_production_settings(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-production-key-0123456789",
        DJANGO_ALLOWED_HOSTS="clips.example.org",
        NEWSCLIPS_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_and_a_secret_key_is_generated_when_nothing_is_set(tmp_path):
    result = _run(
        [
            "shell",
            "-c",
            "from django.conf import settings; print(settings.DEBUG, len(settings.SECRET_KEY))",
        ],
        NEWSCLIPS_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["False", "67"]
    key_file = tmp_path / "secret_key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
