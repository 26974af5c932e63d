"""Fixtures shared by the whole suite, and the markers of the slow kinds of test."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from catalog.ingest import ytdlp

from .factories import make_clip
from .support.newsroom import Newsroom
from .support.website import Website

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"

# A test is given the marker the moment it asks for one of these fixtures (directly or
# through another fixture), so that new tests are sorted without anyone remembering to.
# Tests that start processes themselves say so: `pytestmark = pytest.mark.server`.
MARKERS_BY_FIXTURE = {
    "browser": "browser",  # headless Chromium (the `page` fixture uses it)
    "website": "ytdlp",  # the local web site, fetched by yt-dlp (`newsroom`, `site`, ...)
    "scratch": "server",  # the real commands in their own processes (tests/hostile)
}


def pytest_collection_modifyitems(config, items):
    postgres = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        for fixture, marker in MARKERS_BY_FIXTURE.items():
            if fixture in item.fixturenames:
                item.add_marker(marker)
        if not postgres and item.get_closest_marker("postgres"):
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL: runs in the PostgreSQL pass of `make test` "
                    "(scripts/test-postgres)"
                )
            )


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a rolled-back test leaves the catalogue
    version where it was, and the next test's version could meet its fragments."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def samples():
    """The third-party sample inputs in ../shared/samples (never copied into the project)."""
    if not SAMPLES.is_dir():
        pytest.skip(f"sample inputs not found at {SAMPLES} (../shared beside the project root)")
    return SAMPLES


@pytest.fixture
def catalogue(db):
    """Two clips that differ in every filter: tag, channel, date and precision, language, length."""
    ukraine = make_clip(
        "Frontline towns brace for winter",
        tags=["Ukraine", "war"],
        channel="Global Desk",
        published=(2024, 11, 2, 8, 30),
        precision="time",
        duration=754,
        language="en",
        url="https://video.example.com/v/1",
        description="Our correspondent reports, with a comma.\nMore: https://news.example.com/a",
    )
    bundestag = make_clip(
        "Heizungsgesetz im Bundestag",
        tags=["bundestag"],
        channel="Nordfunk",
        published=(2023, 1, 1),
        precision="year",
        duration=95,
        language="de",
    )
    return ukraine, bundestag


@pytest.fixture
def website():
    """An empty web site on 127.0.0.1 (a random port) for this test: tests/support/website.py."""
    with Website() as site:
        yield site


@pytest.fixture
def newsroom(website, allow_private):
    """A news site whose video pages the test publishes (tests/support/newsroom.py), fetched
    with private addresses allowed and yt-dlp without retries."""
    return Newsroom(website)


@pytest.fixture
def fast_ytdlp(monkeypatch):
    """No retries and a short timeout: a failing request must fail at once in tests."""
    monkeypatch.setattr(ytdlp, "SOCKET_TIMEOUT", 3)
    monkeypatch.setattr(ytdlp, "RETRIES", 0)


@pytest.fixture
def allow_private(settings, fast_ytdlp):
    """yt-dlp may fetch from 127.0.0.1: the local test web site."""
    settings.NEWSCLIPS_ALLOW_PRIVATE_URLS = True
    return settings


pytest_plugins = ["tests.browser"]
