# The capture tests' local video site and storage settings, for moments on captured media.
# (Each test starts with an empty cache: tests/conftest.py's empty_cache.)
from tests.capture.conftest import capture_settings, media_files, media_site  # noqa: F401
