"""The SSRF guard: URL ingestion reaches the public web only, on every request yt-dlp makes."""

import pytest

from catalog.ingest import netguard
from catalog.ingest.netguard import AddressRefused, GuardedUrllibRH, GuardedYoutubeDL, check_url
from catalog.ingest.ytdlp import FetchError, extract_page, list_entries
from tests.support.internet import PUBLIC_IP


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),  # noqa: S104
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("fc00::1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
    ],
)
def test_non_public_addresses_are_refused(address, kind):
    with pytest.raises(AddressRefused, match=f"is a {kind} address"):
        netguard.check_address(address)


@pytest.mark.parametrize("address", [PUBLIC_IP, "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_pass(address):
    netguard.check_address(address)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("file:///etc/passwd", "file:"),
        ("ftp://example.org/x", "ftp:"),
        ("javascript:alert(1)", "javascript:"),
        ("example.org/video", "a URL without a scheme"),
    ],
)
def test_only_http_and_https(url, shown, settings):
    settings.NEWSCLIPS_ALLOW_PRIVATE_URLS = True  # the scheme rule holds even then
    with pytest.raises(FetchError) as raised:
        extract_page(url)
    assert raised.value.kind == "unsupported"
    assert raised.value.reason == f"only http and https URLs can be imported, not {shown}"


def test_loopback_is_refused_without_the_setting(site, fast_ytdlp):
    with pytest.raises(FetchError) as raised:
        extract_page(site.url("/og.html"))
    assert raised.value.kind == "unsupported"
    assert raised.value.reason == (
        "refused: 127.0.0.1 is a loopback address; only public web addresses can be imported"
    )
    with pytest.raises(FetchError, match="loopback"):
        list_entries(site.url("/several.html"), limit=None)
    assert site.requests == []


def test_a_public_host_is_fetched(public, site):
    [record] = extract_page(public("/og.html"))
    assert record.title == "Sturm über der Nordsee"
    assert "/og.html" in site.requests


def test_a_redirect_to_a_public_host_is_followed(public, site):
    start = site.redirect("/ok", public("/og.html")).replace("127.0.0.1", "news.test")
    [record] = extract_page(start)
    assert record.title == "Sturm über der Nordsee"


def test_a_redirect_to_loopback_is_refused(public, site):
    start = site.redirect("/evil", site.url("/og.html")).replace("127.0.0.1", "news.test")
    with pytest.raises(FetchError) as raised:
        extract_page(start)
    assert raised.value.kind == "unsupported"
    assert "127.0.0.1 is a loopback address" in raised.value.reason
    assert site.requests == ["/evil"]  # the target was never asked


def test_a_redirect_to_another_scheme_is_refused(public, site):
    start = site.redirect("/ftp", "ftp://news.test/x").replace("127.0.0.1", "news.test")
    with pytest.raises(FetchError, match="only http and https URLs can be imported, not ftp:"):
        extract_page(start)


def test_every_dns_answer_must_be_public(public, fake_dns, site):
    fake_dns["mixed.test"] = [PUBLIC_IP, "10.0.0.7"]
    with pytest.raises(FetchError, match=r"mixed.test \(10.0.0.7\) is a private address"):
        extract_page(public("/og.html").replace("news.test", "mixed.test"))
    assert site.requests == []


def test_dns_rebinding_is_caught_at_connect_time(public, fake_dns, site):
    """The name answers public for the check and loopback for the connection."""
    calls = []

    def rebinding():
        calls.append(1)
        return [PUBLIC_IP] if len(calls) == 1 else ["127.0.0.1"]

    fake_dns["rebind.test"] = rebinding
    with pytest.raises(FetchError, match=r"rebind.test \(127.0.0.1\) is a loopback address"):
        extract_page(public("/og.html").replace("news.test", "rebind.test"))
    assert site.requests == []


def test_unresolvable_host_is_a_network_error(fake_dns):
    with pytest.raises(FetchError) as raised:
        extract_page("https://no-such-host.invalid/clip")
    assert raised.value.kind == "network"
    assert "does not resolve" in raised.value.reason


def test_the_guarded_handler_is_the_only_one():
    with GuardedYoutubeDL({"quiet": True}) as ydl:
        handlers = list(ydl._request_director.handlers.values())
        assert [type(handler) for handler in handlers] == [GuardedUrllibRH]
        with pytest.raises(Exception, match="Unsupported url scheme"):
            ydl.urlopen("file:///etc/passwd")


def test_direct_urlopen_to_loopback_is_refused(site):
    with (
        GuardedYoutubeDL({"quiet": True}) as ydl,
        pytest.raises(netguard.RefusedRequest, match="loopback"),
    ):
        ydl.urlopen(site.url("/og.html"))
    assert site.requests == []


def test_check_url_with_private_allowed_still_checks_the_scheme():
    check_url("http://127.0.0.1/x", allow_private=True)
    with pytest.raises(AddressRefused):
        check_url("gopher://127.0.0.1/x", allow_private=True)
