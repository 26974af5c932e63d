"""Fixtures for the capture tests."""

import pytest

from .tsa import TimestampAuthority


@pytest.fixture
def tsa(tmp_path_factory, settings):
    """A real RFC 3161 responder on 127.0.0.1, configured as the instance's only TSA."""
    with TimestampAuthority(tmp_path_factory.mktemp("tsa")) as authority:
        settings.NEWSCLIPS_TSA_URLS = [authority.url]
        settings.NEWSCLIPS_TSA_CA_FILE = str(authority.ca_file)
        yield authority


@pytest.fixture
def data_dir(tmp_path, settings):
    """NEWSCLIPS_DATA_DIR in a fresh folder: a new instance signing key, files kept apart."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR
