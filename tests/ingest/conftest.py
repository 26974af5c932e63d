"""Fixtures of the ingestion tests: the local site with the kinds of pages yt-dlp meets on
news sites, and a tiny internet in which that site is a public host."""

import socket

import pytest

from tests.support import internet
from tests.support.newsroom import add_sample_pages


@pytest.fixture
def site(website):
    """The local web site with tests/support/newsroom.py's sample pages."""
    return add_sample_pages(website)


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return port


@pytest.fixture
def fake_dns(monkeypatch, site):
    """Names in the returned dict resolve as given; internet.PUBLIC_IP reaches `site`."""
    return internet.fake_dns(monkeypatch, site)


@pytest.fixture
def public(site, fake_dns, fast_ytdlp):
    """The test server as the public host news.test: public(path) is its URL there."""
    fake_dns["news.test"] = [internet.PUBLIC_IP]
    return lambda path: f"http://news.test:{site.port}{path}"
