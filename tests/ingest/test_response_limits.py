"""A page may cost only so much: bytes read, bytes unpacked and seconds spent reading it."""

import gzip
import itertools

import pytest

from catalog.ingest import Outcome, ingest_urls
from catalog.ingest.netguard import GuardedYoutubeDL
from catalog.ingest.ytdlp import FetchError, extract_page
from catalog.models import Clip

LARGE = b"<html>" + b"".join(b"%06d\n" % n for n in range(128_000))  # 900 kB


@pytest.fixture(autouse=True)
def _limits(allow_private):
    allow_private.NEWSCLIPS_MAX_RESPONSE_BYTES = 1_000_000
    allow_private.NEWSCLIPS_MAX_RESPONSE_SECONDS = 1


@pytest.fixture(autouse=True)
def _costly_pages(site):
    # Never ends (no Content-Length, so it lasts until the connection closes).
    head = b"<!DOCTYPE html><html><head><title>Endless</title></head><body>"
    more = b"<p>and on and on</p>" * 4096
    site.add("/endless.html", lambda request: itertools.chain([head], itertools.repeat(more)))
    # Announces 50 MB.
    site.add("/huge.html", b"<html>" + b" " * 65536, content_length=50 * 1024 * 1024)
    # 30 kB on the wire that unpack to 30 MB of spaces.
    site.add(
        "/gzip-bomb.html",
        lambda request: gzip.compress(b"<html>" + b" " * 30 * 1024 * 1024, compresslevel=9),
        headers={"Content-Encoding": "gzip"},
    )
    # A byte every 50 ms: never slow enough for a socket timeout.
    drip = b"<html><head><title>Drip</title></head><body>" * 100
    site.add("/drip.html", drip, chunk_size=1, interval=0.05)
    # Within the limits, sent in pieces as a real server does.
    site.add("/large.html", LARGE, chunk_size=10_000)


@pytest.mark.parametrize("page", ["/endless.html", "/huge.html"])
def test_a_page_longer_than_the_limit_is_refused(site, page):
    with pytest.raises(FetchError) as raised:
        extract_page(site.url(page))
    assert raised.value.kind == "unsupported"
    assert raised.value.reason == (
        f"response too large: {site.url(page)} sent more than 1,000,000 bytes"
    )


def test_a_compressed_page_that_unpacks_beyond_the_limit_is_refused(site):
    with pytest.raises(FetchError) as raised:
        extract_page(site.url("/gzip-bomb.html"))
    assert raised.value.reason == "response too large: more than 1,000,000 bytes unpacked"


def test_a_page_that_drips_is_cut_off(site):
    with pytest.raises(FetchError) as raised:
        extract_page(site.url("/drip.html"))
    assert raised.value.kind == "network"  # may be the network's fault: worth a retry later
    assert raised.value.reason == (
        f"response too slow: {site.url('/drip.html')} was still sending after 1 s"
    )


def test_pages_within_the_limits_are_read(site):
    [record] = extract_page(site.url("/og.html"))
    assert record.title == "Sturm über der Nordsee"


@pytest.mark.parametrize("size", [None, 10_000_000, 512])
def test_a_read_returns_all_it_is_asked_for_not_one_socket_read(site, size):
    # Feeds and subtitles are read with read(limit + 1): a short read would cut them off.
    with GuardedYoutubeDL({"quiet": True}, allow_private=True) as ydl:
        response = ydl.urlopen(site.url("/large.html"))
        data = response.read(size)
    assert data == LARGE[:size]


@pytest.mark.django_db
def test_nothing_is_written_and_the_rest_of_the_batch_imports(site):
    summary = ingest_urls([site.url("/endless.html"), site.url("/og.html")])
    failed, created = summary.results
    assert (failed.outcome, failed.reason) == (
        Outcome.FAILED,
        f"response too large: {site.url('/endless.html')} sent more than 1,000,000 bytes",
    )
    assert created.outcome == Outcome.CREATED
    assert list(Clip.objects.values_list("title", flat=True)) == ["Sturm über der Nordsee"]
