# The capture tests' local video site and storage settings, for moments on captured media.
from tests.capture.conftest import capture_settings, media_files, media_site  # noqa: F401
