"""Who sees what: readers see that a copy exists; staff with view_capture play it with ranges."""

import hashlib

import pytest
from django.contrib.auth.models import Permission, User
from django.template import Context, Template
from django.urls import reverse

from catalog.capture.jobs import request_capture, run_capture
from catalog.models import Capture, CustodyEvent
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured(capture_settings, media_site):
    clip = make_clip("Preserved", url=media_site.url("/v/"))
    capture = request_capture(clip, enqueue=False)
    assert run_capture(capture.pk, retry=False) == Capture.Status.COMPLETE
    return Capture.objects.with_files().get(pk=capture.pk)


@pytest.fixture
def archivist(db):
    user = User.objects.create_user("archivist", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_capture"))
    return user


def media_url(capture, name="media.mp4"):
    return reverse("catalog:capture_file", args=[capture.pk, name])


def body(response):
    return b"".join(response.streaming_content)


def test_anonymous_readers_get_403_and_nothing_streamed(client, captured):
    response = client.get(media_url(captured))
    assert response.status_code == 403
    assert b"ftyp" not in response.content  # no byte of the MP4
    assert not CustodyEvent.objects.filter(action="play").exists()


def test_staff_without_the_permission_get_403(client, captured):
    client.force_login(User.objects.create_user("editor", password="x", is_staff=True))
    assert client.get(media_url(captured)).status_code == 403


def test_staff_with_view_capture_play_it_with_range_requests(
    client, captured, archivist, media_files
):
    client.force_login(archivist)
    data = media_files["clip"]
    whole = client.get(media_url(captured))
    assert whole.status_code == 200
    assert whole["Content-Type"] == "video/mp4"
    assert whole["Accept-Ranges"] == "bytes"
    assert body(whole) == data

    part = client.get(media_url(captured), HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert part["Content-Length"] == "100"
    assert body(part) == data[100:200]

    tail = client.get(media_url(captured), HTTP_RANGE="bytes=-10")
    assert body(tail) == data[-10:]
    open_ended = client.get(media_url(captured), HTTP_RANGE=f"bytes={len(data) - 5}-")
    assert body(open_ended) == data[-5:]
    beyond = client.get(media_url(captured), HTTP_RANGE=f"bytes={len(data)}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(data)}"

    # One play in the custody log per playback from the start, not per range request.
    plays = CustodyEvent.objects.filter(clip=captured.clip, action="play")
    assert [(e.actor, e.detail) for e in plays] == [(archivist, "media.mp4")]


def test_the_captured_page_is_never_served_as_html(client, captured, archivist):
    client.force_login(archivist)
    response = client.get(media_url(captured, "page.html"))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    body(response)
    assert CustodyEvent.objects.filter(action="download", detail="page.html").exists()


def test_public_captures_setting_lets_readers_play(client, captured, settings):
    settings.NEWSCLIPS_PUBLIC_CAPTURES = True
    response = client.get(media_url(captured), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206
    assert len(body(response)) == 10
    # Public pages go out gzipped to browsers that take it; a preserved file never
    # does: its ranges and its SHA-256 are about the file's own bytes.
    whole = client.get(media_url(captured), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert whole.status_code == 200
    assert "Content-Encoding" not in whole
    assert hashlib.sha256(body(whole)).hexdigest() == whole["X-Content-Sha256"]


def test_the_clip_page_tells_readers_a_copy_exists_and_plays_it_for_staff(
    client, captured, archivist
):
    sha = captured.media_file().stored_file.sha256
    page = client.get(captured.clip.get_absolute_url())
    html = page.content.decode()
    assert "Preserved copy" in html
    assert sha in html
    assert "<video" not in html
    assert media_url(captured) not in html

    client.force_login(archivist)
    html = client.get(captured.clip.get_absolute_url()).content.decode()
    assert f'<source src="{media_url(captured)}" type="video/mp4">' in html
    assert media_url(captured, "subtitles.de.vtt") in html
    assert (
        "media-src" not in page["Content-Security-Policy"]
        or "'self'" in page["Content-Security-Policy"]
    )
    assert "default-src 'self'" in page["Content-Security-Policy"]


def test_an_incomplete_capture_is_not_served(client, capture_settings, archivist):
    clip = make_clip("Queued", url="https://news.example/v")
    capture = request_capture(clip, enqueue=False)
    client.force_login(archivist)
    assert client.get(media_url(capture)).status_code == 404
    assert "Preserved copy" not in client.get(clip.get_absolute_url()).content.decode()


def test_the_preserved_copy_costs_two_queries_whatever_the_files(
    client, captured, archivist, django_assert_num_queries
):
    """The capture, then its files with their stored files: one query each."""
    template = Template("{% load captures %}{% preserved_copy clip %}")
    with django_assert_num_queries(2):
        html = template.render(Context({"clip": captured.clip}))
    assert "Preserved copy" in html
