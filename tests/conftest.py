"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"


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
    from .factories import make_clip

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


pytest_plugins = ["tests.browser"]
