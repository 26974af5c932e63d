"""Followed sources: a local feed gains videos; only the new ones are fetched."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.ingest import check_source
from catalog.models import Clip, FollowedSource

pytestmark = pytest.mark.django_db


def test_feed_with_two_new_videos_ingests_exactly_two_then_none(newsroom):
    for clip_id in ("alt1", "alt2"):
        newsroom.publish(clip_id, f"Alt {clip_id}")
    feed = newsroom.feed("/feeds/kanal.xml", ["alt1", "alt2"])
    source = FollowedSource.objects.create(url=newsroom.url("/kanal"), feed_url=feed)
    assert check_source(source).counts["created"] == 2

    newsroom.publish("neu1", "Neu eins")
    newsroom.publish("neu2", "Neu zwei")
    newsroom.feed("/feeds/kanal.xml", ["neu2", "neu1", "alt1", "alt2"])
    newsroom.clear()

    summary = check_source(source)

    assert summary.counts == {"created": 2, "updated": 0, "unchanged": 0, "failed": 0}
    assert sorted(r.clip.external_id for r in summary.results) == ["neu1", "neu2"]
    assert "/clips/alt1.html" not in newsroom.requests  # known entries are never fetched
    source.refresh_from_db()
    assert source.last_outcome.startswith("2 new of 4 listed")
    assert source.channel is not None
    assert source.next_check_at > timezone.now()

    newsroom.clear()
    assert check_source(source).results == []
    assert newsroom.requests == ["/feeds/kanal.xml"]
    assert Clip.objects.count() == 4


def test_a_broken_feed_is_recorded_and_the_url_listed_instead(newsroom):
    newsroom.add("/feeds/bad.xml", "<html>nope", content_type="application/xml")
    page = newsroom.publish("einzeln", "Einzeln")
    source = FollowedSource.objects.create(url=page, feed_url=newsroom.url("/feeds/bad.xml"))

    summary = check_source(source)

    source.refresh_from_db()
    assert "feed: the feed is not valid XML" in source.last_error
    assert [r.clip.external_id for r in summary.results] == ["einzeln"]


def test_only_enabled_due_sources_are_checked(newsroom):
    feed = newsroom.feed("/feeds/leer.xml", [])
    due = FollowedSource.objects.create(url=newsroom.url("/a"), feed_url=feed)
    FollowedSource.objects.create(url=newsroom.url("/b"), feed_url=feed, enabled=False)
    later = FollowedSource.objects.create(
        url=newsroom.url("/c"),
        feed_url=feed,
        next_check_at=timezone.now() + timezone.timedelta(hours=1),
    )

    call_command("check_followed", stdout=io.StringIO())

    assert FollowedSource.objects.filter(last_checked_at__isnull=False).get() == due
    later.refresh_from_db()
    assert later.last_checked_at is None


def test_check_followed_command_reports_each_source(newsroom):
    newsroom.publish("x", "X")
    source = FollowedSource.objects.create(
        url=newsroom.url("/k"), feed_url=newsroom.feed("/feeds/k.xml", ["x"])
    )
    out = io.StringIO()
    call_command("check_followed", str(source.pk), stdout=out)
    assert f"{source.url}: 1 new of 1 listed: 1 created" in out.getvalue()
