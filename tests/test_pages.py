"""The public pages through the test client: content, filters, escaping, query counts."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from catalog.models import (
    AvailabilityCheck,
    Channel,
    Claim,
    ClaimReview,
    ClipRelation,
    ClipRevision,
    MediaReview,
    Moment,
    StoryThread,
    Tag,
    ThreadClip,
    TranscriptSegment,
)

from .factories import make_clip

pytestmark = pytest.mark.django_db


def test_home_lists_clips_newest_first_with_their_card(client, catalogue):
    ukraine, other = catalogue
    response = client.get(reverse("catalog:clip_list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(ukraine.title) < html.index(other.title)
    assert '<time datetime="2023">2023</time>' in html  # year precision, no fake 1 January
    assert "12:34" in html  # duration
    assert 'href="/tags/ukraine/"' in html
    assert 'href="/channels/global-desk/"' in html


@pytest.mark.parametrize(
    "query", ["?tag=ukraine", "?tag=%23UKRAINE", "?q=%23ukraine", "?q=%23Ukraine"]
)
def test_tag_filter_and_hashtag_search_show_only_the_tagged_clip(client, catalogue, query):
    response = client.get(reverse("catalog:clip_list") + query)

    assert list(response.context["clips"]) == [catalogue[0]]


def test_several_tags_must_all_match(client, catalogue):
    url = reverse("catalog:clip_list")
    assert list(client.get(url + "?tag=ukraine&tag=war").context["clips"]) == [catalogue[0]]
    assert list(client.get(url + "?tag=ukraine,war").context["clips"]) == [catalogue[0]]
    assert list(client.get(url + "?tag=ukraine&tag=bundestag").context["clips"]) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?channel=nordfunk", ["de"]),
        ("?channel=Nordfunk", ["de"]),
        ("?language=de", ["de"]),
        ("?duration=short", ["de"]),
        ("?duration=medium", ["en"]),
        ("?duration=long", []),
        ("?date_from=2024-11-02&date_to=2024-11-02", ["en"]),
        ("?date_from=2024-11-03", []),
        ("?date_to=2023-12-31", ["de"]),
        ("?q=Heizungsgesetz", ["de"]),
        ("?q=global+winter", ["en"]),
        ("?q=%40nordfunk", ["de"]),
        ("?q=%40%22Global+Desk%22", []),
        ("?q=bundestag+-heizungsgesetz", []),
        ('?q="brace+for+winter"', ["en"]),
        ('?q="winter+brace"', []),
        ("?q=%22unbalanced", []),
    ],
)
def test_filters(client, catalogue, query, expected):
    by_language = {clip.language: clip for clip in catalogue}
    clips = list(client.get(reverse("catalog:clip_list") + query).context["clips"])
    assert clips == [by_language[language] for language in expected]


def test_active_filters_are_shown_and_each_removes_itself(client, catalogue):
    response = client.get(reverse("catalog:clip_list") + "?tag=ukraine&language=en")

    active = {(f["label"], f["value"]): f["url"] for f in response.context["active_filters"]}
    assert active == {("Tags", "ukraine"): "?language=en", ("Language", "en"): "?tag=ukraine"}
    assert 'href="?language=en"' in response.content.decode()


def test_pagination_keeps_the_filters(client):
    for n in range(26):
        make_clip(f"Clip {n}", tags=["ukraine"], published=(2024, 1, n + 1))
    response = client.get(reverse("catalog:clip_list") + "?tag=ukraine")

    assert len(response.context["clips"]) == 24
    cursor = response.context["page_obj"].next_cursor
    assert f'href="?tag=ukraine&amp;cursor={cursor}"' in response.content.decode()
    page2 = client.get(reverse("catalog:clip_list") + f"?tag=ukraine&cursor={cursor}")
    assert [clip.title for clip in page2.context["clips"]] == ["Clip 1", "Clip 0"]


def test_clip_page_shows_everything(client, catalogue):
    ukraine = catalogue[0]
    clip = make_clip(
        "Explainer: the grain corridor",
        tags=["ukraine"],
        description="Line one\nline two\n\nSee https://news.example.com/x?a=1&b=2 and #Ukraine",
        related=[ukraine.title, ("External video", "https://video.example.org/v/1"), "Unknown"],
        platform="youtube",
        external_id="dQw4w9WgXcQ",
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    response = client.get(clip.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert "<p>Line one<br>line two</p>" in html
    assert (
        '<a href="https://news.example.com/x?a=1&amp;b=2" rel="nofollow noopener" class="ext">'
        in html
    )
    assert '<a href="/tags/ukraine/" class="hashtag">#Ukraine</a>' in html
    assert f'<a href="{ukraine.get_absolute_url()}">{ukraine.title}</a>' in html
    assert 'href="https://video.example.org/v/1" rel="nofollow noopener"' in html
    assert "<span>Unknown</span>" in html
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ" rel="nofollow noopener"' in html
    # The player loads only on request: no third-party frame on page load.
    assert "<iframe" not in html
    assert 'href="?play=1#player"' in html
    played = client.get(clip.get_absolute_url() + "?t=42").content.decode()
    assert (
        'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&amp;rel=0&amp;start=42"'
        in played
    )


def test_untrusted_text_stays_text(client):
    clip = make_clip(
        '<script>alert("t")</script><img src=x onerror=alert(1)>',
        tags=["<b>x</b>"],
        channel='<i onmouseover="alert(1)">Evil</i>',
        description=(
            "javascript:alert(1) <a href='javascript:alert(2)'>click</a>\n"
            'data:text/html;base64,PHNjcmlwdD4= &lt;b&gt; https://ok.example/"onmouseover=alert(3)'
        ),
        url="javascript:alert(4)",
    )
    for url in (
        clip.get_absolute_url(),
        reverse("catalog:clip_list"),
        clip.channel.get_absolute_url(),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<i onmouseover" not in html
        assert 'href="javascript:' not in html.lower()
        assert "href='javascript:" not in html.lower()
        assert 'href="data:' not in html
    html = client.get(clip.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html
    assert "&amp;lt;b&amp;gt;" in html
    assert 'href="https://ok.example/" rel="nofollow noopener"' in html


def test_tag_pages(client, catalogue):
    make_clip("Another", tags=["ukraine"])
    response = client.get(reverse("catalog:tag_list"))
    tags = list(response.context["page_obj"])
    assert [tag.slug for tag in tags][:1] == ["ukraine"]  # most used first
    assert tags[0].clip_count == 2

    filtered = client.get(reverse("catalog:tag_list") + "?q=BUND")
    assert [tag.slug for tag in filtered.context["page_obj"]] == ["bundestag"]

    detail = client.get(reverse("catalog:tag_detail", kwargs={"slug": "ukraine"}))
    assert {clip.title for clip in detail.context["clips"]} == {catalogue[0].title, "Another"}
    assert client.get("/tags/nope/").status_code == 404


def test_unicode_tags_have_readable_urls(client):
    make_clip("Aussenpolitik", tags=["#Außenpolitik", "#Украина"])
    assert set(Tag.objects.values_list("slug", flat=True)) == {"außenpolitik", "украина"}
    url = Tag.objects.get(slug="украина").get_absolute_url()
    assert url == "/tags/%D1%83%D0%BA%D1%80%D0%B0%D0%B8%D0%BD%D0%B0/"
    assert client.get(url).status_code == 200
    assert client.get("/tags/außenpolitik/").status_code == 200


def test_channel_pages(client, catalogue, sample_links_channel):
    response = client.get(reverse("catalog:channel_list"))
    assert {channel.name for channel in response.context["page_obj"]} >= {"Global Desk", "Nordfunk"}

    detail = client.get(sample_links_channel.get_absolute_url())
    html = detail.content.decode()
    assert "WELT DOKUS Channel: " in html
    assert 'href="https://www.youtube.com/c/WELTDoku" rel="nofollow noopener"' in html
    assert [clip.title for clip in detail.context["clips"]] == ["Mit Links"]


@pytest.fixture
def sample_links_channel():
    from catalog.ingest import LinkRecord

    make_clip(
        "Mit Links",
        channel="WELT",
        published=None,
        links=[LinkRecord("https://www.youtube.com/c/WELTDoku", "WELT DOKUS Channel")],
    )
    return Channel.objects.get(name="WELT")


def _clips(n):
    for i in range(n):
        make_clip(
            f"Clip {i}",
            tags=["ukraine", f"t{i}"],
            channel=f"Channel {i % 3}",
            related=[f"Clip {i - 1}"],
        )


# Every public page reads the catalogue version first (its ETag, newsclips/http_cache.py).
VERSION = 1
# A clip list: its page of clips, and the facets (a bounded count, the matching
# clips' channel/language/date, their top tags, those tags' slugs, the channel
# names). The cards (with their tags) were rendered by the warm-up request and are
# kept per version; tests/test_page_cache.py counts them.
LIST = VERSION + 1 + 5


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/", LIST),
        # + the tag's use count, the channel's id, the ranked window and its count
        # (relevance order pages by offset), the boilerplate for the snippets and the
        # cards' tags (a search's cards are rendered each time); - the channel facet
        # (the term's match estimate is cached)
        ("/?tag=ukraine&channel=channel-0&q=clip", LIST + 5),
        # + the tag (its moments are kept per version, read by the warm-up request)
        ("/tags/ukraine/", LIST + 1),
        ("/channels/channel-0/", LIST + 1),  # + the channel and its links, - the channel facet
        ("/tags/", VERSION + 2),
        ("/channels/", VERSION + 2),
    ],
)
def test_query_count_does_not_grow_with_the_page(client, django_assert_num_queries, url, queries):
    """No N+1: the same number of queries for one clip and for a full page."""
    # Fill the language cache (per catalogue version); another query string, so the
    # facets are counted below.
    warm = f"{url}{'&' if '?' in url else '?'}warm=1"
    _clips(1)
    client.get(warm)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    _clips(30)
    # A commit raises the catalogue version (new cache keys); on PostgreSQL the test's
    # transaction never commits, so start again from an empty cache.
    cache.clear()
    client.get(warm)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_clip_page_query_count_does_not_grow_with_related_links(client, django_assert_num_queries):
    _clips(1)
    one = make_clip("One related", related=["Clip 0"])
    many = make_clip("Many related", related=[f"Clip {i}" for i in range(1)] + ["x", "y", "z"])
    _clips(10)
    # Which parts the clip has (one statement); the clip with its channel; its tags;
    # its related links with their targets; the catalogue version. No query for the
    # parts it has not got (transcript, moments, history, claims, relations, ...).
    with django_assert_num_queries(VERSION + 4):
        client.get(one.get_absolute_url())
    with django_assert_num_queries(VERSION + 4):
        client.get(many.get_absolute_url())


def test_a_clip_page_asks_for_each_part_the_clip_has_once(client, django_assert_num_queries):
    plain = make_clip("Nothing but a title", tags=[])
    clip = make_clip("Every part", related=["Nothing but a title"], duration=600)
    TranscriptSegment.objects.create(
        clip=clip, language="en", kind="manual", start=1, end=4, text="Said in the clip"
    )
    moment = Moment.objects.create(clip=clip, kind="story", start=60, end=90, title="The story")
    moment.tags.add(Tag.objects.create(name="Story tag", slug="story-tag"))
    ClipRevision.objects.create(clip=clip, field="title", old="Old title", new="Every part")
    AvailabilityCheck.objects.create(clip=clip, status="available")
    claim = Claim.objects.create(clip=clip, moment=moment, text="Claimed in the clip")
    ClaimReview.objects.create(claim=claim, rating="False", organisation="Checkers")
    MediaReview.objects.create(clip=clip, rating="edited", note="Cut short.")
    ClipRelation.objects.create(
        from_clip=plain, to_clip=clip, kind="reupload", status=ClipRelation.Status.CONFIRMED
    )
    thread = StoryThread.objects.create(name="The thread", slug="the-thread")
    ThreadClip.objects.create(thread=thread, clip=clip)

    # The parts; the clip; its tags, related links, transcript, moments and their tags,
    # revisions and checks; its relations, threads, claims (with their reviews) and
    # authenticity rating; no capture complete, so no capture query at all.
    with django_assert_num_queries(VERSION + 14):
        html = client.get(clip.get_absolute_url()).content.decode()
    for shown in (
        "Said in the clip",
        "The story",
        "#story-tag",
        "Old title",
        "Claimed in the clip",
        "Checkers",
        "Cut short.",
        "Nothing but a title",
        "The thread",
    ):
        assert shown in html, shown
