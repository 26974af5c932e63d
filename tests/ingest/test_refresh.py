"""Refreshing clips against a live site: revisions, removals, failures, locks, schedule."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.ingest import Outcome, due_clips, ingest_url, refresh_clip, refresh_due
from catalog.models import AvailabilityCheck, Clip, ClipRevision

pytestmark = pytest.mark.django_db


def test_url_import_then_changed_title_gives_exactly_one_revision(newsroom):
    url = newsroom.publish("flut", "Hochwasser in Bayern")
    created = ingest_url(url)
    assert created.outcome is Outcome.CREATED, created.reason
    clip = created.clip
    assert (clip.platform, clip.external_id) == ("generic", "flut")
    assert clip.refreshed_at is not None

    newsroom.publish("flut", "Hochwasser in Bayern: Pegel sinken")
    result = refresh_clip(clip)

    assert result.outcome is Outcome.UPDATED
    clip.refresh_from_db()
    assert clip.title == "Hochwasser in Bayern: Pegel sinken"
    revision = ClipRevision.objects.get(clip=clip)
    assert (revision.field, revision.old) == ("title", "Hochwasser in Bayern")
    assert refresh_clip(clip).outcome is Outcome.UNCHANGED
    assert ClipRevision.objects.count() == 1


def test_already_catalogued_url_is_unchanged_without_a_fetch(newsroom):
    url = newsroom.publish("wahl", "Wahlabend")
    ingest_url(url)
    newsroom.clear()

    assert ingest_url(url).outcome is Outcome.UNCHANGED
    assert newsroom.requests == []


def test_rate_limited_refresh_keeps_everything_and_logs_a_failed_check(newsroom):
    clip = ingest_url(newsroom.publish("sturm", "Sturm über der Nordsee")).clip
    before = Clip.objects.filter(pk=clip.pk).values().get()

    newsroom.answer("sturm", 429)
    result = refresh_clip(clip)

    assert result.outcome is Outcome.FAILED
    assert "429" in result.reason
    after = Clip.objects.filter(pk=clip.pk).values().get()
    assert {k: v for k, v in after.items() if k != "refreshed_at"} == {
        k: v for k, v in before.items() if k != "refreshed_at"
    }
    check = AvailabilityCheck.objects.get(clip=clip)
    assert check.status == AvailabilityCheck.Status.CHECK_FAILED
    assert after["availability"] != AvailabilityCheck.Status.CHECK_FAILED


def test_video_gone_private_keeps_its_metadata(newsroom):
    clip = ingest_url(newsroom.publish("gipfel", "Gipfeltreffen", "Lange Beschreibung.")).clip

    newsroom.answer("gipfel", 403)
    result = refresh_clip(clip)

    assert result.outcome is Outcome.UPDATED
    clip.refresh_from_db()
    assert clip.availability == Clip.Availability.PRIVATE
    assert (clip.title, clip.description) == ("Gipfeltreffen", "Lange Beschreibung.")
    assert AvailabilityCheck.objects.get(clip=clip).status == "private"


def test_locked_title_survives_refresh(newsroom):
    clip = ingest_url(newsroom.publish("haushalt", "Haushalt beschlossn")).clip
    Clip.objects.filter(pk=clip.pk).update(title="Haushalt beschlossen", locked_fields=["title"])

    newsroom.publish("haushalt", "Haushalt beschlossn!!", "Neue Beschreibung.")
    refresh_clip(Clip.objects.get(pk=clip.pk))

    clip.refresh_from_db()
    assert clip.title == "Haushalt beschlossen"
    assert clip.description == "Neue Beschreibung."


def test_due_clips_follow_the_age_schedule(newsroom):
    now = timezone.now()
    young = ingest_url(newsroom.publish("jung", "Jung")).clip
    old = ingest_url(newsroom.publish("alt", "Alt")).clip
    Clip.objects.filter(pk=young.pk).update(
        published_at=now - timedelta(days=1), refreshed_at=now - timedelta(hours=5)
    )
    Clip.objects.filter(pk=old.pk).update(
        published_at=now - timedelta(days=400), refreshed_at=now - timedelta(days=5)
    )
    assert list(due_clips(now)) == [young]

    Clip.objects.filter(pk=old.pk).update(refreshed_at=now - timedelta(days=31))
    summary = refresh_due(limit=10)
    assert sorted(r.clip.pk for r in summary.results) == sorted([young.pk, old.pk])
    assert not due_clips().exists()
