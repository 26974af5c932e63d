"""A process answers readers from the catalogue version it read a moment ago
(NEWSCLIPS_VERSION_SECONDS, 1 in production, 0 in the other tests): a revalidation
or a kept page then needs no query, and a change reaches readers that much later."""

import time
from types import SimpleNamespace

import pytest
from django.urls import reverse

from catalog import versioning
from catalog.versioning import forget_local_pages

from .factories import make_clip

# PostgreSQL raises the catalogue version when a transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def remembered(settings):
    # Long enough for a slow machine to run each test within it; its end is simulated.
    settings.NEWSCLIPS_VERSION_SECONDS = 30
    forget_local_pages()  # nothing remembered from an earlier test's database
    yield
    forget_local_pages()


def test_readers_revalidate_and_read_kept_pages_without_a_query(
    client, catalogue, remembered, django_assert_num_queries
):
    url = reverse("catalog:tag_detail", args=["ukraine"])
    etag = client.get(url)["ETag"]

    with django_assert_num_queries(0):
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
        kept = client.get(url)
    assert kept.status_code == 200 and kept["ETag"] == etag


def test_a_change_reaches_readers_once_the_remembered_version_is_over(
    client, admin_client, catalogue, remembered, monkeypatch
):
    url = reverse("catalog:tag_detail", args=["ukraine"])
    etag = client.get(url)["ETag"]
    make_clip("Grain corridor reopens", tags=["ukraine"], channel="Global Desk")

    # Within the 30 seconds: the version read before the import still answers readers.
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    # An editor's request reads the version each time: the new clip at once.
    assert "Grain corridor reopens" in admin_client.get(url).content.decode()

    later = time.monotonic() + 31
    monkeypatch.setattr(versioning, "time", SimpleNamespace(monotonic=lambda: later))
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Grain corridor reopens" in changed.content.decode()


def test_every_request_reads_the_version_when_it_is_off(
    client, catalogue, settings, django_assert_num_queries
):
    settings.NEWSCLIPS_VERSION_SECONDS = 0
    url = reverse("catalog:tag_detail", args=["ukraine"])
    etag = client.get(url)["ETag"]

    with django_assert_num_queries(1):  # the version
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_no_copy_outlives_the_pages_max_age_after_a_change(client, catalogue, settings):
    """A copy served from the remembered version may be up to NEWSCLIPS_VERSION_SECONDS
    old when it leaves: its max-age is that much shorter."""
    settings.NEWSCLIPS_PAGE_MAX_AGE = 60
    settings.NEWSCLIPS_VERSION_SECONDS = 1
    url = reverse("catalog:tag_detail", args=["ukraine"])
    assert client.get(url)["Cache-Control"] == "public, max-age=59"
    settings.NEWSCLIPS_VERSION_SECONDS = 90
    assert client.get(url)["Cache-Control"] == "public, max-age=0"
