"""Fingerprints in the admin: read-only on the clip page, the action, the list of failures."""

import re

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from catalog.models import MediaFingerprint, ThumbnailHash
from tests.capture.signed import make_signed_capture
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


def fingerprint(clip, **fields):
    capture = make_signed_capture(clip)
    values = {
        "frame_hashes": bytes(range(32)) * 3,
        "frame_quality": bytes([100, 10, 90]),
        "audio": b"\x01\x00\x00\x00" * 81,
        "audio_step": 0.1238,
        "duration": 3.0,
        "tool_versions": {"pdqhash": "0.2.8", "fpcalc": "1.5.1"},
    }
    return MediaFingerprint.objects.create(
        clip=clip, stored_file=capture.media_file().stored_file, **(values | fields)
    )


@pytest.fixture
def fingerprinted(capture_settings, settings):
    settings.NEWSCLIPS_TSA_URLS = []
    good = make_clip("Fingerprinted", url="https://video.example.com/v/1")
    bad = make_clip("Broken media", url="https://video.example.com/v/2")
    fingerprint(good)
    fingerprint(bad, status="failed", reason="not a media file FFmpeg can read", frame_hashes=b"")
    ThumbnailHash.objects.create(
        clip=good, thumbnail_url="https://i.example.com/1.jpg", pdq=b"\xab" * 32, quality=87
    )
    return good, bad


def test_the_clip_page_shows_its_fingerprints_as_tables(admin_client, fingerprinted):
    good, bad = fingerprinted
    page = admin_client.get(reverse("admin:catalog_clip_change", args=[good.pk])).content.decode()
    compact = re.sub(r"\s+", "", page)
    assert "Media fingerprints" in page or "media fingerprints" in page
    assert '<tdclass="usable-frames">2</td>' in compact  # the frame of quality 10 left out
    assert '<tdclass="audio-seconds">10s</td>' in compact  # 81 values of 0.1238 s
    assert f'<codeclass="pdq">{"ab" * 32}</code>' in compact
    assert "media_fingerprints-TOTAL_FORMS" not in page  # tables: saving the clip posts nothing
    page = admin_client.get(reverse("admin:catalog_clip_change", args=[bad.pk])).content.decode()
    assert "not a media file FFmpeg can read" in page
    assert "The thumbnail has not been hashed." in page


def test_the_fingerprint_list_finds_failures_with_their_reason(
    admin_client, fingerprinted, django_assert_num_queries
):
    url = reverse("admin:catalog_mediafingerprint_changelist")
    with django_assert_num_queries(5):  # as many for any number of rows: no hash is loaded
        page = admin_client.get(url + "?status__exact=failed").content.decode()
    assert "Broken media" in page and "not a media file FFmpeg can read" in page
    assert "Fingerprinted</a>" not in page
    with django_assert_num_queries(5):
        assert "Fingerprinted</a>" in admin_client.get(url).content.decode()
    good = MediaFingerprint.objects.get(clip=fingerprinted[0])
    detail = admin_client.get(reverse("admin:catalog_mediafingerprint_change", args=[good.pk]))
    assert "fpcalc 1.5.1, pdqhash 0.2.8" in detail.content.decode()


def test_the_action_queues_the_task_for_each_clip(admin_client, django_capture_on_commit_callbacks):
    clips = [make_clip(f"Clip {n}") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:catalog_clip_changelist"),
            {"action": "compute_fingerprints", "_selected_action": [c.pk for c in clips[:2]]},
            follow=True,
        )
    assert "Fingerprints of 2 clips queued" in response.content.decode()
    queued = DBTaskResult.objects.filter(task_path__endswith="fingerprint_clip_task")
    assert sorted(task.args_kwargs["args"][0] for task in queued) == [c.pk for c in clips[:2]]
