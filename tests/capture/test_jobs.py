"""Captures as background jobs: the worker's task, per-host limit, retries, resume, rules."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from catalog.capture.jobs import request_capture, run_capture, run_capture_task, stale_after
from catalog.capture.rules import enqueue_due_captures, ruled_clips
from catalog.fingerprint.tasks import fingerprint_clip_task
from catalog.models import (
    AvailabilityCheck,
    Capture,
    CaptureRule,
    Channel,
    FollowedSource,
    MediaFingerprint,
    Tag,
)
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


def test_the_worker_task_runs_a_capture(capture_settings, media_site):
    capture = request_capture(make_clip("Task", url=media_site.url("/v/")), enqueue=False)
    assert run_capture_task.call(capture.pk) == Capture.Status.COMPLETE


def test_a_complete_capture_queues_the_fingerprint_of_its_media(
    capture_settings, media_site, django_capture_on_commit_callbacks
):
    capture = request_capture(make_clip("Task", url=media_site.url("/v/")), enqueue=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_capture(capture.pk) == Capture.Status.COMPLETE
    task = DBTaskResult.objects.get(task_path__endswith="fingerprint_clip_task")
    assert task.args_kwargs["args"] == [capture.clip_id]
    assert fingerprint_clip_task.call(capture.clip_id)["media"] == "created"
    assert MediaFingerprint.objects.get(clip=capture.clip_id).frame_count == 3


def test_a_failure_that_may_pass_is_retried_with_backoff(
    capture_settings, media_site, settings, django_capture_on_commit_callbacks
):
    settings.NEWSCLIPS_CAPTURE_ATTEMPTS = 3
    media_site.behaviour["/media/clip.mp4"] = "truncate"
    capture = request_capture(make_clip("Flaky", url=media_site.url("/v/")), enqueue=False)
    before = timezone.now()
    assert run_capture(capture.pk) == Capture.Status.QUEUED
    capture.refresh_from_db()
    assert capture.attempts == 1
    assert capture.reason.startswith("attempt 1 failed: truncated")
    assert timedelta(seconds=55) < capture.not_before - before < timedelta(seconds=65)
    task = DBTaskResult.objects.get()
    assert task.run_after == capture.not_before  # the worker waits for it

    Capture.objects.filter(pk=capture.pk).update(not_before=timezone.now())
    assert run_capture(capture.pk) == Capture.Status.QUEUED
    capture.refresh_from_db()
    assert capture.attempts == 2
    assert capture.not_before - timezone.now() > timedelta(minutes=3)  # 4 minutes

    assert run_capture(capture.pk) == Capture.Status.FAILED  # the last attempt
    capture.refresh_from_db()
    assert capture.reason.startswith("truncated")


def test_a_refusal_is_not_retried(capture_settings, media_site, settings):
    settings.NEWSCLIPS_CAPTURE_MAX_FILE_BYTES = 1000
    capture = request_capture(make_clip("Big", url=media_site.url("/v/")), enqueue=False)
    assert run_capture(capture.pk) == Capture.Status.FAILED


def test_captures_per_host_are_limited(capture_settings, media_site, settings):
    settings.NEWSCLIPS_CAPTURE_PER_HOST = 1
    busy = make_clip("Busy", url=media_site.url("/v/"))
    Capture.objects.create(
        clip=busy,
        source_url=busy.url,
        host="127.0.0.1",
        status=Capture.Status.RUNNING,
        heartbeat_at=timezone.now(),
    )
    waiting = request_capture(make_clip("Waits", url=media_site.url("/v/")), enqueue=False)
    assert run_capture(waiting.pk) == "busy"
    waiting.refresh_from_db()
    assert waiting.status == Capture.Status.QUEUED
    assert waiting.attempts == 0
    assert waiting.not_before > timezone.now()
    assert DBTaskResult.objects.filter(run_after=waiting.not_before).exists()
    assert media_site.requests == []


def test_a_stale_running_capture_is_resumed_and_completes(
    capture_settings, media_site, django_capture_on_commit_callbacks
):
    clip = make_clip("Killed", url=media_site.url("/v/"))
    capture = Capture.objects.create(
        clip=clip,
        source_url=clip.url,
        host="127.0.0.1",
        status=Capture.Status.RUNNING,
        heartbeat_at=timezone.now() - stale_after() - timedelta(minutes=1),
    )
    fresh = Capture.objects.create(
        clip=make_clip("Alive"),
        source_url=clip.url,
        status=Capture.Status.RUNNING,
        heartbeat_at=timezone.now(),
    )
    resumed = enqueue_due_captures()
    assert [c.pk for c in resumed] == [capture.pk]
    assert Capture.objects.get(pk=fresh.pk).status == Capture.Status.RUNNING
    assert run_capture(capture.pk) == Capture.Status.COMPLETE


def test_check_due_queues_what_rules_ask_for(capture_settings, django_capture_on_commit_callbacks):
    tagged = make_clip("Tagged", tags=["ukraine"], url="https://news.example/1")
    by_channel = make_clip("Channel", channel="Nordfunk", url="https://news.example/2")
    followed = make_clip("Followed", channel="Followed TV", url="https://news.example/3")
    make_clip("Other", tags=["sport"], channel="Elsewhere", url="https://news.example/4")
    CaptureRule.objects.create(tag=Tag.objects.get(slug="ukraine"))
    CaptureRule.objects.create(channel=Channel.objects.get(name="Nordfunk"))
    source = FollowedSource.objects.create(
        url="https://www.youtube.com/@followed", channel=Channel.objects.get(name="Followed TV")
    )
    CaptureRule.objects.create(followed_source=source)
    assert set(ruled_clips()) == {tagged, by_channel, followed}

    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_due")
    assert set(Capture.objects.values_list("clip__title", flat=True)) == {
        "Tagged",
        "Channel",
        "Followed",
    }
    tasks = DBTaskResult.objects.filter(task_path__endswith="run_capture_task")
    assert tasks.count() == 3
    assert list(ruled_clips()) == []  # each once


def test_a_clip_going_gone_is_captured_at_once_with_priority(
    capture_settings, django_capture_on_commit_callbacks
):
    clip = make_clip(
        "Taken down", url="https://www.youtube.com/watch?v=abcdefghijk", platform="youtube"
    )
    Capture.objects.create(clip=make_clip("Earlier"), source_url="https://news.example/")
    with django_capture_on_commit_callbacks(execute=True):
        # As a refresh records it (catalog.ingest's record_check): one row per change.
        AvailabilityCheck.objects.create(clip=clip, status="removed", reason="removed")
    capture = clip.captures.get()
    assert capture.priority == Capture.Priority.AT_RISK
    task = DBTaskResult.objects.get()
    assert task.priority == Capture.Priority.AT_RISK  # ahead of normal captures
    # A failed check (a rate limit) is no risk.
    other = make_clip("Rate limited", url="https://news.example/r")
    with django_capture_on_commit_callbacks(execute=True):
        AvailabilityCheck.objects.create(clip=other, status="check_failed", reason="HTTP 429")
    assert not other.captures.exists()
