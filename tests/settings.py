"""Settings for the test run: the app's own settings with test-only relaxations."""

from newsclips.settings import *  # noqa: F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# The manifest storage needs collectstatic; tests render pages without it.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
# Serve static files from the finders, as under runserver: no collectstatic in tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# One connection per test thread; pytest-django creates and drops the test database.
DATABASES["default"].get("OPTIONS", {}).pop("pool", None)  # noqa: F405
# Every request reads the catalogue version: tests write and read straight after
# (tests/test_version_memory.py covers the production setting).
NEWSCLIPS_VERSION_SECONDS = 0
