"""Production settings are safe by default: checked in a fresh process, as deployed."""

import pytest

from .deployed import manage, production_env

pytestmark = pytest.mark.server


def _run(args, **env):
    return manage(*args, env=production_env(**env))


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
