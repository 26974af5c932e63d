"""More ways to name the server itself or its network, through the public ingest functions.

Each is refused with a message for the editor and writes nothing: other spellings
of loopback (decimal, octal, hex, short), the name `localhost`, IPv6 forms, the
cloud metadata address, and redirects from a public host to any of them. With
NEWSCLIPS_ALLOW_PRIVATE_URLS the same local server is fetched (the tests' setting).
"""

import pytest

from catalog import ingest
from catalog.models import Clip, IngestJob

pytestmark = pytest.mark.django_db


def refused(url):
    result = ingest.ingest_url(url)
    assert result.outcome == "failed", url
    assert not Clip.objects.exists()
    return result.reason


@pytest.mark.parametrize(
    ("host", "shown"),
    [
        ("2130706433", "2130706433 (127.0.0.1) is a loopback address"),
        ("0177.0.0.1", "0177.0.0.1 (127.0.0.1) is a loopback address"),
        ("0x7f.0.0.1", "0x7f.0.0.1 (127.0.0.1) is a loopback address"),
        ("127.1", "127.1 (127.0.0.1) is a loopback address"),
        ("localhost", "(127.0.0.1) is a loopback address"),
        ("[::1]", "::1 is a loopback address"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is a loopback address"),
        ("[::ffff:7f00:1]", "is a loopback address"),
        ("[fd12:3456::1]", "fd12:3456::1 is a private address"),
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
        ("0.0.0.0", "0.0.0.0 is a unspecified address"),  # noqa: S104
        ("10.0.0.1", "10.0.0.1 is a private address"),
    ],
)
def test_other_spellings_of_private_addresses_are_refused(site, fast_ytdlp, host, shown):
    port = site.port
    reason = refused(f"http://{host}:{port}/og.html")
    assert reason.startswith("refused: ")
    assert shown in reason
    assert reason.endswith("; only public web addresses can be imported")
    assert site.requests == []


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:{port}/og.html",
        "http://2130706433:{port}/og.html",
        "http://[::1]:{port}/og.html",
        "http://10.0.0.1/admin",
    ],
)
def test_a_redirect_from_a_public_host_to_a_private_one_is_refused(site, public, target):
    port = site.port
    start = site.redirect("/hop", target.format(port=port)).replace("127.0.0.1", "news.test")
    reason = refused(start)
    assert "address; only public web addresses can be imported" in reason
    assert site.requests == ["/hop"]  # the target was never asked


def test_a_public_name_that_resolves_to_loopback_is_refused(site, fake_dns, fast_ytdlp):
    fake_dns["intranet.test"] = ["127.0.0.1"]
    port = site.port
    reason = refused(f"http://intranet.test:{port}/og.html")
    assert "intranet.test (127.0.0.1) is a loopback address" in reason


def test_the_admin_shows_the_refusal_and_writes_nothing(admin_client, site, fast_ytdlp):
    response = admin_client.post(
        "/admin/catalog/clip/add-from-urls/", {"urls": "http://169.254.169.254/latest/"}
    )
    html = response.content.decode()
    assert "nothing was imported: refused: 169.254.169.254 is a link-local address" in html
    assert not Clip.objects.exists()
    assert not IngestJob.objects.exists()


def test_the_setting_lets_the_local_test_server_in(allow_private, site):
    result = ingest.ingest_url(site.url("/og.html").replace("127.0.0.1", "localhost"))
    assert result.outcome == "created"
    assert Clip.objects.get().title == "Sturm über der Nordsee"
