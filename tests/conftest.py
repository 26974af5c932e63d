"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"


@pytest.fixture
def samples():
    """The third-party sample inputs in ../shared/samples (never copied into the project)."""
    if not SAMPLES.is_dir():
        pytest.skip(f"sample inputs not found at {SAMPLES} (../shared beside the project root)")
    return SAMPLES


pytest_plugins = ["tests.browser"]
