import pytest
from django.core.cache import cache

# The capture tests' local video site and storage settings, for moments on captured media.
from tests.capture.conftest import capture_settings, media_files, media_site  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Lists cache the catalogue's languages: leave no list of this test's clips behind."""
    cache.clear()
    yield
    cache.clear()
