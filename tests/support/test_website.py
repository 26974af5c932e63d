"""The local test web site answers as a real one does: what other tests build on."""

import hashlib
import http.client
import json
import threading
import urllib.error
import urllib.request

import pytest
import yt_dlp


def fetch(url, method="GET", timeout=10, **headers):
    """(status, headers, body) without raising on 4xx/5xx and without following redirects."""
    request = urllib.request.Request(url, method=method, headers=headers)
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def test_text_bytes_and_their_types(website):
    page = website.add("/a.html", "<p>Grüße</p>")
    website.add("/b.vtt", "WEBVTT\n")
    website.add("/c.bin", b"\x00\x01")
    website.add("/d", "<p>no extension</p>")
    website.add("/feed", "<feed/>", content_type="application/atom+xml")

    assert page == f"http://127.0.0.1:{website.port}/a.html" == website.url("/a.html")
    status, headers, body = fetch(page)
    assert (status, headers["Content-Type"], body) == (
        200,
        "text/html; charset=utf-8",
        "<p>Grüße</p>".encode(),
    )
    assert headers["Content-Length"] == str(len(body))
    assert fetch(website.url("/b.vtt"))[1]["Content-Type"] == "text/vtt; charset=utf-8"
    assert fetch(website.url("/c.bin"))[1]["Content-Type"] == "application/octet-stream"
    assert fetch(website.url("/d"))[1]["Content-Type"] == "text/html; charset=utf-8"
    assert fetch(website.url("/feed"))[1]["Content-Type"] == "application/atom+xml"


def test_status_headers_redirects_and_not_found(website):
    website.add("/private.html", "no", status=403, headers={"X-Reason": "private"})
    website.redirect("/old", "/new.html")
    website.redirect("/moved", "https://elsewhere.example/x", status=301)

    status, headers, body = fetch(website.url("/private.html"))
    assert (status, headers["X-Reason"], body) == (403, "private", b"no")
    assert fetch(website.url("/old"))[:2][0] == 302
    assert fetch(website.url("/old"))[1]["Location"] == "/new.html"
    assert fetch(website.url("/moved"))[1]["Location"] == "https://elsewhere.example/x"
    assert fetch(website.url("/nothing"))[0] == 404
    website.add("/gone.html", "here")
    website.remove("/gone.html")
    assert fetch(website.url("/gone.html"))[0] == 404


def test_requests_are_logged_in_order_with_their_headers(website):
    website.add("/a", "a")
    fetch(website.url("/a?page=2"), **{"User-Agent": "tester"})
    fetch(website.url("/b"), method="HEAD")
    assert website.requests == ["/a", "/b"]
    first, second = website.log
    assert (first.method, first.query, first.headers["User-Agent"]) == ("GET", "page=2", "tester")
    assert (second.method, second.path) == ("HEAD", "/b")
    website.wait_for("/a")
    website.clear()
    assert website.requests == []


def test_head_has_the_headers_and_no_body(website):
    website.add("/a.html", "<p>x</p>")
    status, headers, body = fetch(website.url("/a.html"), method="HEAD")
    assert (status, headers["Content-Length"], body) == (200, "8", b"")


@pytest.fixture
def video(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(bytes(range(256)) * 4096)  # 1 MiB
    return path


def test_a_file_is_served_whole_and_by_ranges(website, video):
    url = website.add("/media/clip.mp4", video)
    data = video.read_bytes()

    status, headers, body = fetch(url)
    assert (status, headers["Content-Type"], headers["Accept-Ranges"]) == (
        200,
        "video/mp4",
        "bytes",
    )
    assert body == data

    status, headers, body = fetch(url, Range="bytes=100-199")
    assert (status, headers["Content-Range"], body) == (
        206,
        f"bytes 100-199/{len(data)}",
        data[100:200],
    )
    status, headers, body = fetch(url, Range="bytes=1048000-")
    assert (status, body) == (206, data[1048000:])
    status, headers, body = fetch(url, Range="bytes=-10")
    assert (status, headers["Content-Range"], body) == (
        206,
        "bytes 1048566-1048575/1048576",
        data[-10:],
    )
    status, headers, body = fetch(url, Range="bytes=2000000-")
    assert (status, headers["Content-Range"], body) == (416, "bytes */1048576", b"")
    # Several ranges: the whole file, as servers may answer.
    assert fetch(url, Range="bytes=0-1,5-6")[:3:2] == (200, data)


def test_ranges_on_bytes_and_a_server_that_ignores_them(website):
    website.add("/a.txt", b"0123456789")
    website.add("/b.txt", b"0123456789", ranges=False)
    assert fetch(website.url("/a.txt"), Range="bytes=2-4")[::2] == (206, b"234")
    status, headers, body = fetch(website.url("/b.txt"), Range="bytes=2-4")
    assert (status, headers["Accept-Ranges"], body) == (200, None, b"0123456789")


def test_a_body_built_for_each_request_names_the_host_asked_for(website):
    website.add("/where", lambda request: json.dumps([request.base, request.query]))
    assert json.loads(fetch(website.url("/where?x=1"))[2]) == [website.base, "x=1"]
    connection = http.client.HTTPConnection("127.0.0.1", website.port, timeout=10)
    connection.request("GET", "/where", headers={"Host": f"news.test:{website.port}"})
    assert json.loads(connection.getresponse().read()) == [f"http://news.test:{website.port}", ""]
    connection.close()


def test_streams_drips_and_lies(website):
    website.add("/stream", lambda request: (b"%d," % n for n in range(5)))
    website.add("/drip", b"abcdef", chunk_size=2, interval=0.01)
    website.add("/lie", b"short", content_length=1000)

    status, headers, body = fetch(website.url("/stream"))
    assert (status, headers["Content-Length"], body) == (200, None, b"0,1,2,3,4,")
    assert fetch(website.url("/drip"))[2] == b"abcdef"
    with pytest.raises(http.client.IncompleteRead):
        fetch(website.url("/lie"))


def test_a_server_that_dies_half_way_through_a_file_or_a_range(website, video):
    data = video.read_bytes()
    url = website.add("/media/cut.mp4", video, close_after=1000)
    with pytest.raises(http.client.IncompleteRead) as raised:
        fetch(url)
    assert raised.value.partial == data[:1000]
    with pytest.raises(http.client.IncompleteRead) as raised:
        fetch(url, Range="bytes=5000-")
    assert raised.value.partial == data[5000:6000]


def test_a_post_is_answered_by_what_it_sent(website):
    website.add("/tsa", lambda request: request.method.encode() + b" " + request.body[::-1])
    request = urllib.request.Request(website.url("/tsa"), data=b"query", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == b"POST yreuq"
    assert website.log[0].body == b"query"


def test_a_slow_answer_times_a_client_out(website):
    website.add("/slow", "late", delay=2)
    with pytest.raises(TimeoutError):
        fetch(website.url("/slow"), timeout=0.2)


def test_parties_answer_only_once_all_have_asked(website):
    url = website.add("/same", "both", parties=2)
    first = []
    thread = threading.Thread(target=lambda: first.append(fetch(url)[2]))
    thread.start()
    website.wait_for("/same")
    assert thread.is_alive()  # held until the second request arrives
    assert fetch(url)[2] == b"both"
    thread.join(timeout=10)
    assert first == [b"both"]


def test_yt_dlp_downloads_a_served_file_in_ranges_unchanged(website, video, tmp_path):
    """The way media captures will use it: a page whose JSON-LD names the file."""
    data = video.read_bytes()
    website.add("/media/clip.mp4", video)
    page = website.page(
        "/clip.html",
        "<p>Bericht</p>",
        title="Bericht",
        head='<script type="application/ld+json">'
        + json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "VideoObject",
                "name": "Bericht",
                "contentUrl": website.url("/media/clip.mp4"),
            }
        )
        + "</script>",
    )
    options = {
        "quiet": True,
        "noprogress": True,
        "no_warnings": True,
        "outtmpl": str(tmp_path / "out" / "%(id)s.%(ext)s"),
        "http_chunk_size": 256 * 1024,
        "retries": 0,
    }
    with yt_dlp.YoutubeDL(options) as ydl:
        ydl.download([page])

    [downloaded] = (tmp_path / "out").iterdir()
    assert hashlib.sha256(downloaded.read_bytes()).digest() == hashlib.sha256(data).digest()
    # yt-dlp asked for pieces (of random sizes near the chunk size) that cover the file.
    asked = [r.headers["Range"] for r in website.log if r.path == "/media/clip.mp4"]
    pieces = [tuple(map(int, r.removeprefix("bytes=").split("-"))) for r in asked if r]
    assert len(pieces) >= 3
    assert [start for start, _end in pieces] == [0] + [end + 1 for _start, end in pieces[:-1]]
    assert pieces[-1][1] == len(data) - 1
