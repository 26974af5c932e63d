"""Atom and RSS feeds of every list, and the links that advertise them on the list pages."""

import html

import feedparser
import pytest
from django.urls import reverse

from .factories import make_clip

pytestmark = pytest.mark.django_db


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception  # well-formed XML that feedparser understands
    return response, feed


def _titles(feed):
    return [entry.title for entry in feed.entries]


@pytest.mark.parametrize("name", ["catalog:feed_atom", "catalog:feed_rss"])
def test_all_clips_feed_lists_newest_first_with_item_details(client, catalogue, name):
    ukraine, bundestag = catalogue
    response, feed = _parse(client, reverse(name))

    expected = {
        "catalog:feed_atom": "application/atom+xml",
        "catalog:feed_rss": "application/rss+xml",
    }
    assert response["Content-Type"].startswith(expected[name])
    assert feed.version == {"catalog:feed_atom": "atom10", "catalog:feed_rss": "rss20"}[name]
    assert _titles(feed) == [ukraine.title, bundestag.title]
    entry = feed.entries[0]
    page_url = f"http://testserver{ukraine.get_absolute_url()}"
    assert entry.link == page_url
    assert entry.id == page_url
    assert entry.author == "Global Desk"
    assert sorted(tag.term for tag in entry.tags) == ["ukraine", "war"]
    assert "Our correspondent reports, with a comma." in entry.summary
    assert entry.published_parsed[:5] == (2024, 11, 2, 7, 30)  # 08:30 Berlin is 07:30 UTC


def test_year_precision_claims_no_publication_day(client, catalogue):
    _, bundestag = catalogue
    _, feed = _parse(client, reverse("catalog:feed_atom"))
    entry = next(e for e in feed.entries if e.title == bundestag.title)

    # Not "published 2023-01-01": only when it entered the catalogue.
    assert "published" not in entry
    assert entry.summary == "<p>Published 2023 (only the year is known).</p>"
    assert entry.updated_parsed[:3] == bundestag.created_at.utctimetuple()[:3]


@pytest.mark.parametrize("suffix", ["atom", "rss"])
def test_tag_and_channel_feeds(client, catalogue, suffix):
    ukraine, bundestag = catalogue
    tag_url = reverse(f"catalog:tag_feed_{suffix}", kwargs={"slug": "ukraine"})
    channel_url = reverse(f"catalog:channel_feed_{suffix}", kwargs={"slug": "nordfunk"})

    _, tag_feed = _parse(client, tag_url)
    _, channel_feed = _parse(client, channel_url)

    assert _titles(tag_feed) == [ukraine.title]
    assert tag_feed.feed.title.startswith("#ukraine")
    assert tag_feed.feed.link == "http://testserver/tags/ukraine/"
    assert _titles(channel_feed) == [bundestag.title]
    assert channel_feed.feed.title.startswith("Nordfunk")
    assert client.get(reverse("catalog:tag_feed_atom", kwargs={"slug": "nope"})).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=%23ukraine", ["en"]),
        ("?q=Heizungsgesetz", ["de"]),
        ("?tag=bundestag", ["de"]),
        ("?language=de", ["de"]),
        ("?channel=global-desk", ["en"]),
        ("?date_to=2023-12-31", ["de"]),
        ("?q=nothing-matches-this", []),
    ],
)
def test_feed_applies_the_list_filters(client, catalogue, query, expected):
    by_language = {clip.language: clip.title for clip in catalogue}
    _, feed = _parse(client, reverse("catalog:feed_atom") + query)

    assert _titles(feed) == [by_language[language] for language in expected]
    # The feed links back to the list with the same filters.
    assert feed.feed.link.endswith("/" + query)


def test_invalid_filter_is_a_bad_request(client, catalogue):
    response = client.get(reverse("catalog:feed_atom") + "?date_from=yesterday")
    assert response.status_code == 400


def test_feed_is_limited_to_fifty_items(client):
    for day in range(1, 53):
        make_clip(f"Clip {day}", published=(2024, 1, 1 + day % 28))
    _, feed = _parse(client, reverse("catalog:feed_rss"))
    assert len(feed.entries) == 50


@pytest.mark.parametrize("name", ["catalog:feed_atom", "catalog:feed_rss"])
def test_markup_in_titles_and_descriptions_stays_text(client, name):
    title = '<script>alert("t")</script> & <b>bold</b>'
    make_clip(title, description="<img src=x onerror=alert(1)>\x0b and more", channel="<i>Evil</i>")
    response, feed = _parse(client, reverse(name))

    assert b"<script>" not in response.content
    assert b"<img" not in response.content
    entry = feed.entries[0]
    # What a reader shows: the text, markup included (an RSS title is HTML, so
    # feedparser hands it over escaped; an Atom title is plain text).
    shown = entry.title
    if entry.title_detail.type == "text/html":
        shown = html.unescape(shown)
    assert shown == title
    # The summary is HTML whose text is the description (feedparser keeps it escaped).
    assert "&lt;img src=x onerror=alert(1)&gt;" in entry.summary
    assert entry.author == "<i>Evil</i>"


LIST_PAGES = [
    ("catalog:clip_list", {}, "/feeds/clips.atom", "/export"),
    ("catalog:tag_detail", {"slug": "ukraine"}, "/tags/ukraine/feed.atom", "/tags/ukraine/export"),
    (
        "catalog:channel_detail",
        {"slug": "global-desk"},
        "/channels/global-desk/feed.atom",
        "/channels/global-desk/export",
    ),
]


@pytest.mark.parametrize(("page", "kwargs", "feed", "export"), LIST_PAGES)
def test_list_pages_advertise_feeds_and_downloads_with_the_filters(
    client, catalogue, page, kwargs, feed, export
):
    url = reverse(page, kwargs=kwargs) + "?q=winter&language=en&page=1"
    page_html = client.get(url).content.decode()
    query = "?q=winter&amp;language=en"  # the page number is not a filter

    head = page_html[: page_html.index("</head>")]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Atom feed of this list" '
        f'href="{feed}{query}">'
    ) in head
    body = page_html[page_html.index("<body") :]
    assert f'<a href="{feed}{query}" type="application/atom+xml">Subscribe (Atom)</a>' in body
    assert f'<a href="{export}.csv{query}" rel="nofollow" download>Download CSV</a>' in body
    assert (
        f'<a href="{export}.jsonl{query}" rel="nofollow" download>Download JSON Lines</a>' in body
    )


def test_advertised_search_feed_returns_the_search_results(client, catalogue):
    page_html = client.get(reverse("catalog:clip_list") + "?q=%23bundestag").content.decode()
    assert 'href="/feeds/clips.atom?q=%23bundestag"' in page_html

    _, feed = _parse(client, "/feeds/clips.atom?q=%23bundestag")
    assert _titles(feed) == [catalogue[1].title]
