"""Servers and disks that misbehave: each capture fails with the reason and leaves no file."""

import socket
import subprocess
import threading

import pytest

from catalog.capture.jobs import claim, request_capture, run_capture
from catalog.ingest import netguard
from catalog.models import Capture, StoredFile
from tests.factories import make_clip

from .media import page_html

pytestmark = pytest.mark.django_db

PUBLIC_IP = "93.184.216.34"


def run(clip):
    capture = request_capture(clip, enqueue=False)
    run_capture(capture.pk, retry=False)
    return Capture.objects.get(pk=capture.pk)


def assert_nothing_kept(root):
    assert not StoredFile.objects.exists()
    assert not [p for p in (root / "captures").rglob("*") if p.is_file()]
    assert not [p for p in (root / "work").rglob("*") if p.is_file()]


@pytest.fixture
def public(monkeypatch, media_site, settings):
    """The local site as the public host news.test, with the private-network guard on."""
    settings.NEWSCLIPS_ALLOW_PRIVATE_URLS = False
    port = media_site.port
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port_, *args, **kwargs):
        if host == "news.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_IP, port_))]
        return real_getaddrinfo(host, port_, *args, **kwargs)

    real_socket = netguard._plain_socket

    def plain_socket(ip_addr, timeout, source_address):
        family, socktype, proto, name, (ip, _port) = ip_addr
        if ip == PUBLIC_IP:  # a real public host cannot exist here: reach the local site
            ip_addr = (family, socktype, proto, name, ("127.0.0.1", port))
        return real_socket(ip_addr, timeout, source_address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(netguard, "_plain_socket", plain_socket)
    return lambda path: f"http://news.test:{port}{path}"


def test_a_private_network_url_is_refused(capture_settings, media_site, settings):
    settings.NEWSCLIPS_ALLOW_PRIVATE_URLS = False
    capture = run(make_clip("Local", url=media_site.url("/v/")))
    assert capture.status == Capture.Status.FAILED
    assert "127.0.0.1 is a loopback address" in capture.reason
    assert media_site.requests == []
    assert_nothing_kept(capture_settings)


def test_a_public_page_is_captured_through_the_guard(capture_settings, public, media_site):
    media_site.files["/p/"] = page_html(public(""))
    capture = run(make_clip("Public", url=public("/p/")))
    assert capture.status == Capture.Status.COMPLETE, capture.reason
    assert capture.media_urls == [public("/media/clip.mp4")]


def test_a_media_url_on_a_private_network_is_refused(capture_settings, public, media_site):
    media_site.files["/p/"] = page_html(media_site.base)  # media on 127.0.0.1
    capture = run(make_clip("Media local", url=public("/p/")))
    assert capture.status == Capture.Status.FAILED
    assert "127.0.0.1 is a loopback address" in capture.reason
    assert "/media/clip.mp4" not in [path for path, _range in media_site.requests]
    assert_nothing_kept(capture_settings)


def test_a_media_redirect_to_a_private_network_is_refused(capture_settings, public, media_site):
    media_site.files["/p/"] = page_html(public(""), "/go/media.mp4")
    media_site.behaviour["/go/media.mp4"] = ("redirect", media_site.url("/media/clip.mp4"))
    capture = run(make_clip("Redirected", url=public("/p/")))
    assert capture.status == Capture.Status.FAILED
    assert "127.0.0.1 is a loopback address" in capture.reason
    assert "/media/clip.mp4" not in [path for path, _range in media_site.requests]
    assert_nothing_kept(capture_settings)


def test_a_media_redirect_is_recorded_after_redirects(capture_settings, media_site):
    media_site.files["/r/"] = page_html(media_site.base, "/go/media.mp4")
    media_site.behaviour["/go/media.mp4"] = ("redirect", media_site.url("/media/clip.mp4"))
    capture = run(make_clip("Redirected", url=media_site.url("/r/")))
    assert capture.status == Capture.Status.COMPLETE, capture.reason
    assert capture.media_urls == [media_site.url("/media/clip.mp4")]


@pytest.mark.parametrize(
    ("behaviour", "limit", "seconds", "reason"),
    [
        (None, 20_000, 60, "too large"),  # Content-Length above the limit
        ("endless", 200_000, 60, "too large"),  # no length, never ends
        ("drip", 10_000_000, 1, "too slow"),
        ("lie", 10_000_000, 60, "truncated"),  # promises more than it sends
        ("truncate", 10_000_000, 60, "truncated"),  # stops half-way, every time
    ],
)
def test_a_misbehaving_media_server_fails_the_capture_with_the_reason(
    capture_settings, media_site, settings, behaviour, limit, seconds, reason
):
    settings.NEWSCLIPS_CAPTURE_MAX_FILE_BYTES = limit
    settings.NEWSCLIPS_CAPTURE_MAX_SECONDS = seconds
    if behaviour:
        media_site.behaviour["/media/clip.mp4"] = behaviour
    capture = run(make_clip("Bad server", url=media_site.url("/v/")))
    assert capture.status == Capture.Status.FAILED
    assert reason in capture.reason
    assert_nothing_kept(capture_settings)


def test_a_server_that_dies_mid_download_fails_the_capture(capture_settings, media_site):
    def die():
        # Stopped: refused from now on, not left hanging.
        threading.Thread(target=media_site.stop, daemon=True).start()
        return media_site.files["/media/clip.mp4"]

    media_site.files["/die.mp4"] = die
    media_site.behaviour["/die.mp4"] = "truncate"
    media_site.files["/d/"] = page_html(media_site.base, "/die.mp4")
    capture = run(make_clip("Dies", url=media_site.url("/d/")))
    assert capture.status == Capture.Status.FAILED
    assert "truncated" in capture.reason or "network error" in capture.reason
    assert_nothing_kept(capture_settings)


def test_a_dropped_connection_is_resumed_with_a_range_request(capture_settings, media_site):
    media_site.behaviour["/media/clip.mp4"] = "die"  # half the bytes once, then all is well
    capture = run(make_clip("Resumed", url=media_site.url("/v/")))
    assert capture.status == Capture.Status.COMPLETE, capture.reason
    ranges = [r for path, r in media_site.requests if path == "/media/clip.mp4" and r]
    half = len(media_site.files["/media/clip.mp4"]) // 2
    assert ranges == [f"bytes={half}-"]


@pytest.fixture
def small_disk(tmp_path):
    """A 16 KiB tmpfs: too small for the media, so a write runs out of space half-way."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.decode()[:100]}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.parametrize("full", ["work", "captures"])
def test_a_disk_that_fills_mid_write_fails_the_capture(
    capture_settings, media_site, settings, small_disk, full
):
    if full == "work":
        settings.NEWSCLIPS_CAPTURE_WORK_DIR = small_disk
    else:
        settings.STORAGES = {
            **settings.STORAGES,
            "captures": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": small_disk},
            },
        }
    capture = run(make_clip("Full disk", url=media_site.url("/v/")))
    assert capture.status == Capture.Status.FAILED
    assert "disk full" in capture.reason or "No space left" in capture.reason
    assert not StoredFile.objects.exists()
    assert not [p for p in small_disk.rglob("*") if p.is_file()]
    assert not [p for p in (capture_settings / "work").rglob("*") if p.is_file()]


def test_two_workers_never_run_one_capture(capture_settings, media_site):
    capture = request_capture(make_clip("Once", url=media_site.url("/v/")), enqueue=False)
    assert claim(capture.pk) is not None
    assert claim(capture.pk) is None  # the second worker finds it running
    assert run_capture(capture.pk, retry=False) == Capture.Status.RUNNING


def test_two_captures_of_one_clip_at_once_end_complete_and_whole(capture_settings, media_site):
    clip = make_clip("Both", url=media_site.url("/v/"))
    first = Capture.objects.create(clip=clip, source_url=clip.url, host="127.0.0.1")
    second = Capture.objects.create(clip=clip, source_url=clip.url, host="127.0.0.1")
    assert run_capture(first.pk, retry=False) == Capture.Status.COMPLETE
    assert run_capture(second.pk, retry=False) == Capture.Status.COMPLETE
    one, two = (Capture.objects.get(pk=c.pk) for c in (first, second))
    assert {f.name for f in one.files.all()} == {f.name for f in two.files.all()}
    assert one.media_file().stored_file_id == two.media_file().stored_file_id
