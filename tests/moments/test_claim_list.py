"""The claims page: claims with their ratings, organisations, clips and moments, newest first;
found by the one search(), filtered by ClaimFilter, as a feed, in the sitemap, cached by ETag."""

import html
import re
from datetime import date

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Claim, ClaimReview, Clip, Moment
from catalog.search import search
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _built_pages(settings):
    """Each request builds its page: these tests read the response's context (the page
    kept per version is tests/test_page_cache.py's)."""
    settings.NEWSCLIPS_PAGE_CACHE = False


def _claim(clip, text, *, at=None, reviews=(), **fields):
    moment = None
    if at is not None:
        moment = Moment.objects.create(clip=clip, kind="claim", start=at, end=at + 8, title=text)
    claim = Claim.objects.create(clip=clip, moment=moment, text=text, **fields)
    for n, (rating, organisation) in enumerate(reviews):
        ClaimReview.objects.create(
            claim=claim,
            rating=rating,
            organisation=organisation,
            url=f"https://check.example/{claim.pk}/{n}",
            published=date(2024, 6, 1 + n),
        )
    return claim


@pytest.fixture
def claims():
    bulletin = make_clip("Abendnachrichten", language="de", tags=["Rente"], channel="Kanal Eins")
    debate = make_clip("Evening debate", language="en", channel="Channel Two")
    return {
        "renten": _claim(
            bulletin,
            "Die Renten steigen nächstes Jahr um zehn Prozent",
            at=462.5,
            claimant="Die Ministerin",
            reviews=[("Falsch", "Faktenfuchs"), ("Irreführend", "Prüfstand")],
        ),
        "budget": _claim(
            debate,
            "The budget doubled in a year",
            claimant="The senator",
            reviews=[("False", "Claim Radar")],
        ),
        "unchecked": _claim(debate, "Trains always run late", language="de"),
    }


def _texts(client, query=""):
    response = client.get(reverse("catalog:claim_list") + query)
    assert response.status_code == 200
    return [claim.text for claim in response.context["claims"]]


def test_the_page_lists_claims_newest_first_with_rating_organisation_clip_and_moment(
    client, claims
):
    response = client.get(reverse("catalog:claim_list"))
    assert _texts(client) == [c.text for c in reversed(list(claims.values()))]
    html = response.content.decode()
    renten = claims["renten"]
    clip_url = renten.clip.get_absolute_url()
    # The moment's link opens the clip at its time and lands on the claim.
    assert f'href="{clip_url}?t=462#claim-{renten.pk}"' in html
    assert ">7:42<" in html
    assert "Falsch" in html and "Faktenfuchs" in html and "Irreführend" in html
    assert 'href="https://check.example/' in html
    assert "Abendnachrichten" in html and "Kanal Eins" in html
    # Without a moment: the claim on its clip's page.
    budget = claims["budget"]
    assert f'href="{budget.clip.get_absolute_url()}#claim-{budget.pk}"' in html
    # The clip page has the anchor the link points at.
    clip_page = client.get(f"{clip_url}?t=462").content.decode()
    assert f'id="claim-{renten.pk}"' in clip_page
    # In the site's navigation.
    assert f'href="{reverse("catalog:claim_list")}" aria-current="page"' in html


def test_the_german_page_links_to_german_pages(client, claims, settings):
    """Every link of /de/claims/ keeps the /de/ prefix, also when the page in the default
    language (no prefix) was built and kept first."""
    settings.NEWSCLIPS_PAGE_CACHE = True
    client.get(reverse("catalog:claim_list"))
    html = client.get("/de/claims/").content.decode()
    renten, budget = claims["renten"], claims["budget"]
    assert f'href="/de/clips/{renten.clip_id}/?t=462#claim-{renten.pk}"' in html
    assert f'href="/de/clips/{budget.clip_id}/#claim-{budget.pk}"' in html
    assert f'href="/de/clips/{renten.clip_id}/"' in html
    assert 'href="/de/channels/kanal-eins/"' in html
    links = re.findall(r'href="(/[^"]*)"', html)
    assert [link for link in links if not link.startswith(("/de/", "/static/"))] == [
        "/en/claims/"  # the language switch
    ]


def test_claims_are_found_by_the_one_search_stemmed_and_by_claimant(client, claims):
    assert _texts(client, "?q=Rente") == [claims["renten"].text]  # "Renten", stemmed
    assert _texts(client, "?q=doubling") == [claims["budget"].text]
    assert _texts(client, "?q=senator") == [claims["budget"].text]
    assert _texts(client, '?q="zehn Prozent"') == [claims["renten"].text]
    assert _texts(client, "?q=%23rente") == [claims["renten"].text]  # the clip's tag
    assert _texts(client, "?q=%40channel-two") == [claims["unchecked"].text, claims["budget"].text]
    assert _texts(client, "?q=%40channel-two+-trains") == [claims["budget"].text]
    assert _texts(client, "?q=nothinglikethis") == []
    assert list(search(Claim.objects.all(), "!!!")) == []
    # A claim's words find its clip too, as a moment's do.
    clips = search(Clip.objects.all(), "Prozent")
    assert list(clips) == [claims["renten"].clip]


def test_the_page_filters_by_rating_organisation_and_language(client, claims):
    assert _texts(client, "?rating=False") == [claims["budget"].text]
    assert _texts(client, "?organisation=Prüfstand") == [claims["renten"].text]
    # A claim's own language, else its clip's.
    assert _texts(client, "?language=de") == [claims["unchecked"].text, claims["renten"].text]
    assert _texts(client, "?language=en") == [claims["budget"].text]
    assert _texts(client, "?q=budget&rating=Falsch") == []
    response = client.get(reverse("catalog:claim_list") + "?rating=Invented")
    assert response.status_code == 200
    assert not list(response.context["claims"])
    assert "rating" in response.context["filter"].errors


def test_the_feeds_carry_the_pages_filters_and_escape_text(client, claims):
    hostile = _claim(
        claims["budget"].clip, "<script>alert(1)</script> Prozent", reviews=[("False", "<b>X</b>")]
    )
    response = client.get(reverse("catalog:claim_feed_atom") + "?rating=False")
    assert response.status_code == 200
    atom = feedparser.parse(response.content)
    assert [entry.title for entry in atom.entries] == [hostile.text, claims["budget"].text]
    # The organisation's markup arrives as text: escaped in the HTML summary.
    assert "&lt;b&gt;X&lt;/b&gt;" in atom.entries[0].summary
    assert "<b>" not in atom.entries[0].summary
    budget = claims["budget"]
    assert atom.entries[1].link == (
        f"http://testserver{budget.clip.get_absolute_url()}#claim-{budget.pk}"
    )
    rss = feedparser.parse(client.get(reverse("catalog:claim_feed_rss") + "?q=Prozent").content)
    # RSS readers take <title> as HTML: the markup stays text there too.
    titles = [html.unescape(entry.title) for entry in rss.entries]
    assert titles == [hostile.text, claims["renten"].text]
    assert client.get(reverse("catalog:claim_feed_atom") + "?rating=Invented").status_code == 400
    page = client.get(reverse("catalog:claim_list") + "?q=Prozent").content.decode()
    assert 'href="/claims/feed.atom?q=Prozent"' in page
    assert "<script>alert(1)" not in page


def test_a_claims_page_takes_the_same_queries_for_one_claim_or_many(client, claims):
    def count():
        cache.clear()  # the filters' choices are read anew each time, as after an edit
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("catalog:claim_list")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    clip = claims["renten"].clip
    for n in range(12):
        _claim(clip, f"Claim number {n}", at=n * 10, reviews=[("False", f"Org {n}")])
    assert count() == few
    # The version, the filters' choices (ratings, organisations, languages), the count,
    # the claims with their clips, channels and moments, their reviews.
    assert few == 7


# Committed: PostgreSQL bumps the catalogue's version at commit (catalog.versioning).
@pytest.mark.django_db(transaction=True)
def test_the_page_changes_after_an_edit_of_a_claim_or_a_review(client, claims):
    url = reverse("catalog:claim_list")
    first = client.get(url)
    assert first["Cache-Control"].startswith("public") or "public" in first["Cache-Control"]
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    review = claims["budget"].reviews.get()
    review.rating = "Mostly false"
    review.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "Mostly false" in changed.content.decode()
    etag = changed["ETag"]
    Claim.objects.filter(pk=claims["unchecked"].pk).update(text="Trains are never late")
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and "Trains are never late" in again.content.decode()


def test_the_claims_page_is_in_the_sitemap(client, claims):
    index = client.get(reverse("catalog:sitemap")).content.decode()
    assert "sitemap-lists.xml" in index
    section = client.get(reverse("catalog:sitemap_section", args=["lists"])).content.decode()
    assert f"http://testserver{reverse('catalog:claim_list')}</loc>" in section


def test_a_new_clip_language_restems_its_moments_and_claims_without_one(db):
    """A moment or claim without a language of its own is indexed in its clip's; when that
    changes, so do their stems (German "Wahlen" is found by "Wahl" only when stemmed so)."""
    clip = make_clip("Bulletin", language="en")
    Moment.objects.create(clip=clip, kind="story", start=1, end=9, title="Die Wahlen")
    claim = Claim.objects.create(clip=clip, text="Die Renten steigen")
    Moment.objects.create(clip=clip, start=10, end=12, title="Wahlen", language="en")
    assert list(search(Clip.objects.all(), "Wahl")) == []
    assert list(search(Claim.objects.all(), "Rente")) == []
    Clip.objects.filter(pk=clip.pk).update(language="de")
    assert list(search(Clip.objects.all(), "Wahl")) == [clip]
    assert list(search(Claim.objects.all(), "Rente")) == [claim]
    assert list(search(Clip.objects.all(), "Rente")) == [clip]
