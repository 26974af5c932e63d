"""What is shown on screen: keyframes and on-screen text from a captured video, end to end.

A video made by ffmpeg with German and English captions (light text on a dark box)
at known seconds is captured from the local site (yt-dlp), then analysed with the
real ffmpeg and Tesseract: its text is found by the one search at the right second,
its keyframes are stored beside the capture and shown to those who may see it.
Runs on SQLite and, under scripts/test-postgres, on PostgreSQL.
"""

import itertools
import subprocess

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.analysis import frames, pipeline, steps
from catalog.analysis.pipeline import analyse_clips
from catalog.capture.jobs import request_capture, run_capture
from catalog.capture.storage import storage_name
from catalog.models import (
    Capture,
    Clip,
    Keyframe,
    MediaAnalysis,
    Moment,
    StoredFile,
    TranscriptSegment,
)
from catalog.search import search
from tests.factories import make_clip

from .media import ONSCREEN_TEXT

pytestmark = pytest.mark.django_db

GERMAN, ENGLISH = (text for _start, _end, text in ONSCREEN_TEXT)


@pytest.fixture
def analysis_settings(capture_settings, settings):
    settings.NEWSCLIPS_KEYFRAME_EVERY = 4
    settings.NEWSCLIPS_TEXT_EVERY = 1
    return capture_settings


def captured_clip(site, path, body, title):
    site.files[path] = body
    site.files[f"/page{path}/"] = (
        b'<!DOCTYPE html><html lang="de"><head><title>x</title></head><body>'
        b'<video controls><source src="' + path.encode() + b'" type="video/mp4"></video>'
        b"</body></html>"
    )
    clip = make_clip(title, language="de", duration=12, url=site.url(f"/page{path}/"))
    capture = request_capture(clip, enqueue=False)
    assert run_capture(capture.pk, retry=False) == Capture.Status.COMPLETE
    return clip


@pytest.fixture
def news_clip(analysis_settings, media_site, onscreen_video):
    return captured_clip(media_site, "/media/news.mp4", onscreen_video, "Abendnachrichten")


@pytest.fixture
def archivist(db):
    user = User.objects.create_user("archivist", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_capture"))
    return user


def onscreen(clip):
    return list(
        TranscriptSegment.objects.filter(clip=clip, kind="onscreen")
        .order_by("start")
        .values_list("start", "end", "language", "text")
    )


def state():
    """Everything the analysis writes, to compare before and after a second run."""
    return (
        list(MediaAnalysis.objects.values_list("id", "status", "text_until", "frames_read")),
        list(Keyframe.objects.order_by("id").values_list("id", "time", "stored_file__sha256")),
        list(TranscriptSegment.objects.order_by("id").values_list("id", "start", "end", "text")),
        list(StoredFile.objects.order_by("id").values_list("id", "sha256")),
    )


def test_the_text_on_screen_is_read_and_found_at_its_second(news_clip, client):
    [outcome] = analyse_clips([news_clip])
    assert outcome.status == "complete", outcome.detail
    segments = onscreen(news_clip)
    german = next(s for s in segments if "Zölle" in s[3])
    english = next(s for s in segments if "minister" in s[3])
    assert german[3] == GERMAN and german[2] == "de"
    assert english[3] == ENGLISH and english[2] == "en"
    assert abs(german[0] - 2) <= 1 and abs(german[1] - 5) <= 1.5
    assert abs(english[0] - 7) <= 1 and abs(english[1] - 10) <= 1.5

    # The one search finds both, stemmed (Zoll/Zölle, denied/deny), and a hit links to the time.
    assert set(search(Clip.objects.all(), "Zölle").values_list("pk", flat=True)) == {news_clip.pk}
    assert search(Clip.objects.all(), '"minister denied"').get() == news_clip
    html = client.get(reverse("catalog:clip_list"), {"q": "Zölle"}).content.decode()
    start = int(german[0])
    assert f'href="{news_clip.get_absolute_url()}?t={start}#player"' in html
    assert f'aria-label="On-screen text at 0:0{start}"' in html
    assert "<mark>Zölle</mark>" in html
    html = client.get(reverse("catalog:clip_list"), {"q": "Tuesday"}).content.decode()
    assert f"?t={int(english[0])}#player" in html

    # The clip page shows it as a track of its own, like a transcript.
    page = client.get(news_clip.get_absolute_url()).content.decode()
    assert "on-screen text" in page
    assert f'<a href="?t={start}#player" class="timestamp">0:0{start}</a> {GERMAN}' in page

    analysis = MediaAnalysis.objects.get(capture__clip=news_clip)
    assert analysis.status == "complete"
    assert analysis.ffmpeg_version == frames.ffmpeg_version() != ""
    assert analysis.tesseract_version.startswith(("4.", "5."))
    assert analysis.frames_read == 12 and analysis.frames_skipped == {}


def test_keyframes_are_stored_beside_the_capture_and_shown_to_who_may_see_it(
    news_clip, client, archivist, capture_storage
):
    analyse_clips([news_clip])
    keyframes = list(Keyframe.objects.order_by("time").select_related("stored_file"))
    times = [k.time for k in keyframes]
    assert times[0] == 0
    assert all(later - earlier <= 4 for earlier, later in itertools.pairwise(times))
    cut = [k for k in keyframes if k.shot_change]
    assert len(cut) == 1 and abs(cut[0].time - 6) <= 0.5  # the shot change from bars to dark
    for keyframe in keyframes:
        stored = keyframe.stored_file
        path = capture_storage / storage_name(stored.sha256)
        assert path.read_bytes()[:3] == b"\xff\xd8\xff" and stored.mime_type == "image/jpeg"
        width = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "stream=width", "-of", "csv=p=0", path],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert width == "320"
    assert not list((capture_storage).rglob("*.tmp"))  # nothing half-written left
    Moment.objects.create(clip=news_clip, kind="story", start=5, end=12, title="Zölle & Stahl")
    image_url = reverse("catalog:keyframe", args=[cut[0].pk])

    page = client.get(news_clip.get_absolute_url()).content.decode()
    assert "keyframe-strip" not in page and image_url not in page
    assert client.get(image_url).status_code == 403

    client.force_login(User.objects.create_user("editor", password="x", is_staff=True))
    assert "keyframe-strip" not in client.get(news_clip.get_absolute_url()).content.decode()
    assert client.get(image_url).status_code == 403

    client.force_login(archivist)
    page = client.get(news_clip.get_absolute_url()).content.decode()
    assert page.count('<img src="/keyframes/') == len(keyframes)
    moment = news_clip.moments.get()
    assert f'href="?t=6#{moment.anchor}"' in page  # the cut lies in the moment
    assert 'href="?t=0#preserved"' in page  # no moment there: the preserved copy
    assert "Zölle &amp; Stahl" in page
    # The strip costs one query, however many frames it shows.
    with CaptureQueriesContext(connection) as few:
        client.get(news_clip.get_absolute_url())
    Keyframe.objects.bulk_create(
        Keyframe(analysis=cut[0].analysis, time=t + 0.5, stored_file=cut[0].stored_file)
        for t in range(12)
    )
    with CaptureQueriesContext(connection) as many:
        page = client.get(news_clip.get_absolute_url()).content.decode()
    assert page.count('<img src="/keyframes/') == len(keyframes) + 12
    assert len(many) == len(few)
    # Following a keyframe's link starts the preserved copy at its time.
    page = client.get(news_clip.get_absolute_url(), {"t": "6"}).content.decode()
    assert "/files/media.mp4#t=6" in page
    response = client.get(image_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert (
        response.content == (capture_storage / storage_name(cut[0].stored_file.sha256)).read_bytes()
    )


def test_running_twice_changes_nothing(news_clip, capture_storage):
    analyse_clips([news_clip])
    before, files = state(), sorted(p.name for p in capture_storage.rglob("*") if p.is_file())
    [outcome] = analyse_clips([news_clip])
    assert outcome.status == "unchanged"
    assert state() == before
    # Starting over reads everything anew and finds the same: the segments stay the same rows.
    [outcome] = analyse_clips([news_clip], again=True)
    assert outcome.status == "complete"
    after = state()
    assert after[2] == before[2] and after[3] == before[3]
    assert [k[1:] for k in after[1]] == [k[1:] for k in before[1]]
    assert sorted(p.name for p in capture_storage.rglob("*") if p.is_file()) == files


class Killed(BaseException):
    """What a worker's death looks like from inside: nothing catches it."""


def test_a_killed_run_resumes_where_it_stopped(news_clip, monkeypatch):
    monkeypatch.setattr(steps, "FRAMES_PER_BATCH", 5)
    starts = []
    read = frames.text_frames

    def text_frames(path, folder, *, start, **options):
        starts.append(start)
        if len(starts) == 2:
            raise Killed
        return read(path, folder, start=start, **options)

    monkeypatch.setattr(frames, "text_frames", text_frames)
    with pytest.raises(Killed):
        analyse_clips([news_clip])
    analysis = MediaAnalysis.objects.get()
    assert analysis.status == "running" and analysis.keyframes_done
    assert analysis.text_until == 5 and analysis.frames_read == 5
    keyframes = list(Keyframe.objects.values_list("id", flat=True))

    # A run while the worker may be alive leaves it alone; a stale one resumes.
    [outcome] = analyse_clips([news_clip])
    assert outcome.status == "failed" and "another worker" in outcome.detail
    MediaAnalysis.objects.update(heartbeat_at=timezone.now() - pipeline.stale_after() * 2)
    assert [a.pk for a in pipeline.resume_stale_analyses()] == [analysis.pk]
    [outcome] = analyse_clips([news_clip])
    assert outcome.status == "complete", outcome.detail
    assert starts == [0, 5, 5, 10]  # the first batch was not read again
    assert list(Keyframe.objects.values_list("id", flat=True)) == keyframes
    assert [s[3] for s in onscreen(news_clip)] == [GERMAN, ENGLISH]


def test_undecodable_media_fail_their_clip_with_the_reason_and_the_rest_go_on(
    news_clip, media_site, analysis_settings, tmp_path, capsys
):
    broken = captured_clip(
        media_site, "/media/broken.mp4", b"\x00\x00\x00 not a video" * 500, "Kaputt"
    )
    sound = tmp_path / "sound.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=2",
         "-c:a", "aac", str(sound)],
        check=True,
    )  # fmt: skip
    radio = captured_clip(media_site, "/media/radio.mp4", sound.read_bytes(), "Radio")
    with pytest.raises(CommandError, match="1 of 3 clips failed"):
        call_command("analyse", broken.pk, news_clip.pk, radio.pk)
    output = capsys.readouterr()
    assert f"failed: clip #{broken.pk}: failed: the media cannot be decoded: " in output.err
    assert f"clip #{news_clip.pk}: complete: " in output.out
    failed = MediaAnalysis.objects.get(capture__clip=broken)
    assert failed.status == "failed"
    assert failed.reason.startswith("the media cannot be decoded: ")
    assert "Invalid data" in failed.reason
    assert MediaAnalysis.objects.get(capture__clip=news_clip).status == "complete"
    assert not Keyframe.objects.filter(analysis=failed).exists()
    assert onscreen(broken) == [] and len(onscreen(news_clip)) == 2
    # Sound only: nothing to look at, said so, and done.
    silent = MediaAnalysis.objects.get(capture__clip=radio)
    assert (silent.status, silent.reason) == (
        "complete",
        "the media has no picture: nothing to look at",
    )
    assert not silent.keyframes.exists() and onscreen(radio) == []
    assert not list(analysis_settings.joinpath("work").glob("analysis-*"))


def test_a_frame_that_cannot_be_read_is_skipped_and_counted(tmp_path, onscreen_video):
    from catalog.analysis import ocr

    video = tmp_path / "clip.mp4"
    video.write_bytes(onscreen_video)
    sampled = frames.text_frames(video, tmp_path, start=2, length=3, every=1, duration=12)
    bad = tmp_path / "text-000099.png"
    bad.write_bytes(b"\x89PNG broken")
    paths = [sampled[0].path, bad, *(frame.path for frame in sampled[1:])]
    reading = ocr.read_frames(paths, tmp_path)
    assert reading.skipped == {"the frame cannot be read as an image": 1}
    assert str(bad) not in reading.lines
    assert [reading.lines[str(frame.path)] for frame in sampled] == [[GERMAN]] * 3


def test_on_screen_text_stays_text(client, db):
    clip = make_clip("Sendung", language="de")
    TranscriptSegment.objects.create(
        clip=clip, kind="onscreen", language="de", start=3, end=5,
        text='<script>alert(1)</script><a href="javascript:x">Eilmeldung</a>',
    )  # fmt: skip
    page = client.get(clip.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;a href=&quot;javascript:x&quot;&gt;" in page
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page
    html = client.get(reverse("catalog:clip_list"), {"q": "Eilmeldung"}).content.decode()
    assert "<mark>Eilmeldung</mark>&lt;/a&gt;" in html


def test_a_complete_capture_queues_its_analysis(
    analysis_settings, media_site, onscreen_video, django_capture_on_commit_callbacks
):
    media_site.files["/media/clip.mp4"] = onscreen_video
    clip = make_clip("Queued", url=media_site.url("/v/"))
    capture = request_capture(clip, enqueue=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_capture(capture.pk, retry=False) == Capture.Status.COMPLETE
    analysis = MediaAnalysis.objects.get(capture=capture)
    assert analysis.status == "queued" and analysis.task_id
    assert pipeline.run_analysis(analysis.pk) == "complete"
    assert [s[3] for s in onscreen(clip)] == [GERMAN, ENGLISH]
