"""import_factcheck against fact-check pages served on 127.0.0.1: ClaimReview in JSON-LD and
in microdata imported with rating and organisation; hostile and broken pages refused, nothing
written."""

import json
from html import escape

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalog.ingest import factchecks
from catalog.models import Claim, ClaimReview, Moment
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


def claim_review(claim="Die Inflation liegt bei 20 Prozent.", rating="Falsch", n=1):
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://correctiv.example/faktencheck/{n}",
        "datePublished": "2024-05-03",
        "claimReviewed": claim,
        "author": {"@type": "Organization", "name": "Correctiv"},
        "reviewRating": {"@type": "Rating", "alternateName": rating, "ratingValue": 1},
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "A. Politiker"},
            "datePublished": "2024-05-01",
        },
        "inLanguage": "de",
    }


def json_ld_page(*items, extra=""):
    scripts = "".join(
        # As pages publish it: "</" escaped, so a claim's "</script>" cannot end the element.
        f'<script type="application/ld+json">{json.dumps(item).replace("</", "<\\/")}</script>'
        for item in items
    )
    return f"<!DOCTYPE html><html><head>{scripts}{extra}</head><body>Artikel</body></html>"


MICRODATA_PAGE = """<!DOCTYPE html><html><body>
<article itemscope itemtype="https://schema.org/ClaimReview">
  <link itemprop="url" href="https://factcheck.afp.example/claim-2">
  <meta itemprop="datePublished" content="2024-06-10">
  <p>Behauptung: <span itemprop="claimReviewed">Der Strompreis hat sich verdreifacht.</span></p>
  <div itemprop="author" itemscope itemtype="https://schema.org/Organization">
    <span itemprop="name">AFP Faktencheck</span></div>
  <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">
    Bewertung: <span itemprop="alternateName">Irreführend</span></div>
</article></body></html>"""


@pytest.fixture
def clip():
    return make_clip("Bulletin", duration=1200, language="de")


@pytest.fixture
def site(website, settings):
    settings.NEWSCLIPS_ALLOW_PRIVATE_URLS = True
    return website


def _import(site, path, html, clip, *extra, **options):
    url = site.add(path, html, **options)
    call_command("import_factcheck", url, "--clip", str(clip.pk), *extra)


def test_a_json_ld_claim_review_is_imported_at_its_time(site, clip):
    _import(site, "/check.html", json_ld_page(claim_review()), clip, "--at", "7:42")
    review = ClaimReview.objects.select_related("claim__moment").get()
    assert (review.rating, review.organisation) == ("Falsch", "Correctiv")
    assert review.url == "https://correctiv.example/faktencheck/1"
    assert str(review.published) == "2024-05-03"
    claim = review.claim
    assert (claim.text, claim.claimant, str(claim.claimed_on)) == (
        "Die Inflation liegt bei 20 Prozent.",
        "A. Politiker",
        "2024-05-01",
    )
    assert (claim.moment.kind, claim.moment.start, claim.moment.end) == ("claim", 462, 472)

    # The same article again changes nothing; a moment covering the time is used.
    _import(site, "/check.html", json_ld_page(claim_review()), clip, "--at", "7:42")
    assert (Claim.objects.count(), ClaimReview.objects.count(), Moment.objects.count()) == (1, 1, 1)


def test_a_microdata_claim_review_is_imported(site, clip):
    story = Moment.objects.create(clip=clip, kind="story", start=100, end=200, title="Strom")
    _import(site, "/afp.html", MICRODATA_PAGE, clip, "--at", "2:30")
    review = ClaimReview.objects.select_related("claim").get()
    assert (review.rating, review.organisation) == ("Irreführend", "AFP Faktencheck")
    assert review.url == "https://factcheck.afp.example/claim-2"
    assert review.claim.text == "Der Strompreis hat sich verdreifacht."
    assert review.claim.moment == story


def test_reviews_of_one_claim_from_two_pages_are_both_kept(site, clip):
    _import(site, "/a.html", json_ld_page(claim_review(n=1)), clip)
    other = claim_review(n=2, rating="Größtenteils falsch")
    _import(site, "/b.html", json_ld_page(other), clip)
    assert ClaimReview.objects.count() == 2


def test_script_in_the_claim_text_stays_text(site, clip, client):
    hostile = '<script>alert("x")</script> Wahlbetrug'
    _import(site, "/x.html", json_ld_page(claim_review(claim=hostile)), clip, "--at", "1:00")
    assert Claim.objects.get().text == hostile
    html = client.get(clip.get_absolute_url()).content.decode()
    assert '<script>alert("x")' not in html
    assert escape(hostile, quote=True).replace("&#x27;", "'") in html.replace("&#x27;", "'")


@pytest.mark.parametrize(
    ("html", "message"),
    [
        (json_ld_page({"@type": "NewsArticle", "headline": "x"}), "has no schema.org ClaimReview"),
        (
            json_ld_page(extra='<script type="application/ld+json">{"@type": "ClaimRev'),
            "no schema.org ClaimReview; its json-ld is broken",
        ),
        (json_ld_page(*[claim_review(n=n) for n in range(10)]), "has 10 ClaimReviews"),
        (json_ld_page({**claim_review(), "reviewRating": {}}), "has no rating"),
        (json_ld_page({**claim_review(), "claimReviewed": ""}), "which claim it reviewed"),
    ],
)
def test_bad_pages_are_refused_and_nothing_is_written(site, clip, html, message):
    with pytest.raises(CommandError, match=message):
        _import(site, "/bad.html", html, clip, "--at", "1:00")
    assert not Claim.objects.exists() and not Moment.objects.exists()


def test_private_addresses_are_refused(website, clip, settings):
    settings.NEWSCLIPS_ALLOW_PRIVATE_URLS = False
    with pytest.raises(CommandError, match="could not be fetched"):
        _import(website, "/c.html", json_ld_page(claim_review()), clip)
    assert website.requests == []
    assert not Claim.objects.exists()


def test_too_large_and_too_slow_pages_are_refused(site, clip, settings, monkeypatch):
    settings.NEWSCLIPS_MAX_RESPONSE_BYTES = 2000
    padding = "<!-- " + "x" * 5000 + " -->"
    with pytest.raises(CommandError, match="too large"):
        _import(site, "/big.html", json_ld_page(claim_review(), extra=padding), clip)
    settings.NEWSCLIPS_MAX_RESPONSE_BYTES = 10_000_000
    monkeypatch.setattr(factchecks, "ARTICLE_TIMEOUT", 0.5)
    with pytest.raises(CommandError, match="could not be fetched"):
        _import(site, "/slow.html", json_ld_page(claim_review()), clip, delay=2)
    assert not Claim.objects.exists()


def test_bad_arguments_are_clear_errors(site, clip):
    with pytest.raises(CommandError, match="no clip with id 999999"):
        call_command("import_factcheck", site.url("/x"), "--clip", "999999")
    with pytest.raises(CommandError, match="not a timecode"):
        call_command("import_factcheck", site.url("/x"), "--clip", str(clip.pk), "--at", "7:99")
    with pytest.raises(CommandError, match="past the clip's end"):
        _import(site, "/late.html", json_ld_page(claim_review()), clip, "--at", "1:00:00")
    with pytest.raises(CommandError, match="not an http"):
        call_command("import_factcheck", "file:///etc/passwd", "--clip", str(clip.pk))


def test_editors_import_a_fact_check_on_the_clips_admin_page(site, clip, admin_client):
    site.add("/afp.html", MICRODATA_PAGE)
    url = reverse("admin:catalog_clip_import_factcheck", args=[clip.pk])
    change = admin_client.get(reverse("admin:catalog_clip_change", args=[clip.pk])).content
    assert url.encode() in change
    response = admin_client.post(url, {"url": site.url("/afp.html"), "at": "3:00"})
    assert response.status_code == 302
    review = ClaimReview.objects.select_related("claim__moment").get()
    assert review.organisation == "AFP Faktencheck" and review.claim.moment.start == 180

    site.add("/none.html", json_ld_page())
    response = admin_client.post(url, {"url": site.url("/none.html"), "at": "3:00"})
    assert response.status_code == 200
    assert (
        "Nothing was imported: the page has no schema.org ClaimReview" in response.content.decode()
    )
    response = admin_client.post(url, {"url": site.url("/afp.html"), "at": "99:00"})
    assert "past the clip" in response.content.decode()
    assert ClaimReview.objects.count() == 1


def test_the_import_page_is_for_editors_who_may_add_claims(site, clip, client):

    client.force_login(User.objects.create_user("viewer", password="x", is_staff=True))
    url = reverse("admin:catalog_clip_import_factcheck", args=[clip.pk])
    assert client.post(url, {"url": site.url("/x.html")}).status_code == 403
