"""check_due queues fingerprints that no capture queued: new thumbnails, old captures' media."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from catalog.fingerprint import tasks
from catalog.fingerprint.tasks import due_clip_ids, fingerprint_batch_task
from catalog.models import MediaFingerprint, ThumbnailHash
from tests.factories import make_clip
from tests.support.videos import make_image

pytestmark = pytest.mark.django_db


def thumbnail_hash(clip, url, status="ok"):
    ThumbnailHash.objects.create(clip=clip, thumbnail_url=url, status=status)


def test_clips_due_for_a_thumbnail_hash(db, django_assert_num_queries):
    new = make_clip("New", thumbnail_url="https://i.example.com/new.jpg")
    done = make_clip("Done", thumbnail_url="https://i.example.com/done.jpg")
    thumbnail_hash(done, done.thumbnail_url)
    failed = make_clip("Failed", thumbnail_url="https://i.example.com/404.jpg")
    thumbnail_hash(failed, failed.thumbnail_url, status="failed")  # not retried here
    changed = make_clip("Changed", thumbnail_url="https://i.example.com/v2.jpg")
    thumbnail_hash(changed, "https://i.example.com/v1.jpg")
    make_clip("No thumbnail")
    with django_assert_num_queries(3):
        assert due_clip_ids(10) == [new.pk, changed.pk]
    assert due_clip_ids(1) == [changed.pk]  # the newest first


def test_only_the_newest_clips_thumbnails_are_looked_at(db, monkeypatch):
    old = make_clip("Old", thumbnail_url="https://i.example.com/old.jpg")
    newer = [
        make_clip(f"New {n}", thumbnail_url=f"https://i.example.com/{n}.jpg") for n in range(2)
    ]
    monkeypatch.setattr(tasks, "RECENT_CLIPS", 2)
    assert due_clip_ids(10) == [clip.pk for clip in newer]
    assert old.pk not in due_clip_ids(10)


def test_captured_media_without_a_fingerprint_is_due(captured, clip_bytes):
    clip = captured("Captured before fingerprints", clip_bytes)
    assert due_clip_ids(10) == [clip.pk]
    fingerprint_batch_task.call([clip.pk])
    assert MediaFingerprint.objects.get(clip=clip).status == "ok"
    assert due_clip_ids(10) == []


def test_check_due_queues_one_batch(db, settings):
    clips = [
        make_clip(f"Clip {n}", thumbnail_url=f"https://i.example.com/{n}.jpg") for n in range(3)
    ]
    settings.NEWSCLIPS_FINGERPRINTS_PER_RUN = 2
    out = StringIO()
    call_command("check_due", stdout=out)
    assert "queued fingerprints of 2 clips" in out.getvalue()
    task = DBTaskResult.objects.get(task_path__endswith="fingerprint_batch_task")
    assert task.args_kwargs["args"] == [[clips[1].pk, clips[2].pk]]  # the newest


def test_the_batch_task_reports_what_it_did(website, allow_private, tmp_path):
    image = make_image(tmp_path / "t.png").read_bytes()
    ok = make_clip("Thumbnail", thumbnail_url=website.add("/t.png", image))
    bad = make_clip("Broken", thumbnail_url=website.add("/b.png", "not an image"))
    assert fingerprint_batch_task.call([ok.pk, bad.pk]) == {
        "media skipped": 2,
        "thumbnail created": 1,
        "thumbnail failed": 1,
    }
    assert due_clip_ids(10) == []  # the failure is recorded: check_due does not fetch it again
