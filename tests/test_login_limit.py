"""Admin logins are rate-limited per username and address (django-axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-42"


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser("editor", "", PASSWORD)


def log_in(client, password, username="editor", **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


def fail_until_locked(client, **extra):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "wrong", **extra)
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text
    return log_in(client, "wrong", **extra)


def test_the_limit_locks_the_username_from_that_address_with_a_clear_message(client, editor):
    locked = fail_until_locked(client)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    assert f"failed {settings.AXES_FAILURE_LIMIT} times in a row" in locked.text
    assert "0:15:00" in locked.text
    # Even the right password is refused now, and nobody is logged in.
    assert log_in(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_other_addresses_and_other_usernames_are_not_locked(client, editor):
    fail_until_locked(client)
    other = get_user_model().objects.create_superuser("other", "", PASSWORD)
    assert log_in(client, PASSWORD, username=other.username).status_code == 302
    client.logout()
    assert log_in(client, PASSWORD, REMOTE_ADDR="192.0.2.7").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, editor):
    fail_until_locked(client)
    cool_off = settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= cool_off
        attempt.save()
    assert log_in(client, PASSWORD).status_code == 302


def test_a_success_resets_the_count(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong").status_code == 200


def test_behind_the_proxy_the_address_the_proxy_appended_counts(client, editor, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The client forges the first entry each time; the proxy's (last) entry stays the same.
    for number in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}, 198.51.100.9")
    locked = log_in(client, "wrong", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.9")
    assert locked.status_code == 429
    assert log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.10").status_code == 302
