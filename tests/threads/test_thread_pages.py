"""Public pages: a clip's "Also seen as" and threads, the thread list and the thread page."""

import json
import re

import pytest

from catalog.models import ClipRelation, StoryThread, ThreadClip
from tests.factories import make_clip

pytestmark = pytest.mark.django_db

CHANNEL_START = re.compile(
    r'<li><a href="/channels/([^/]+)/">[^<]*</a>\s*<span class="badge[^"]*">(\w+)'
)


def json_ld(response):
    found = re.search(rb'<script type="application/ld\+json">(.*?)</script>', response.content)
    return json.loads(found.group(1))


def test_clip_page_shows_confirmed_relations_from_its_side(client, story):
    page = client.get(story["broadcast"].get_absolute_url()).content.decode()
    assert "Also seen as" in page
    assert "Re-uploaded as" in page and "Summit opens (re-upload)" in page
    # The excerpt's range in this clip plays here, its own range on its page.
    excerpt_url = story["excerpt"].get_absolute_url()
    assert 'href="?t=42#player">0:42–1:30</a> here' in page
    assert f'href="{excerpt_url}?play=1#player">0:00–0:48</a> there' in page
    assert "Mirrored as" in page
    assert "Unrelated talk show" not in page  # a suggestion is not shown
    assert story["thread"].get_absolute_url() in page

    page = client.get(excerpt_url).content.decode()
    assert "Excerpt of" in page
    broadcast_url = story["broadcast"].get_absolute_url()
    assert f'href="{broadcast_url}?t=42#player">0:42–1:30</a> there' in page


def test_a_rejected_or_draft_thing_is_not_shown(client, story, editor):
    story["relations"]["reupload"].decide(ClipRelation.Status.REJECTED, editor)
    story["thread"].published = False
    story["thread"].save()
    page = client.get(story["broadcast"].get_absolute_url()).content.decode()
    assert "Summit opens (re-upload)" not in page
    assert story["thread"].get_absolute_url() not in page
    assert client.get(story["thread"].get_absolute_url()).status_code == 404
    assert client.get("/threads/").content.decode().count("G7 summit") == 0


def test_other_kinds_are_listed_apart(client, story, editor):
    follow_up = make_clip("Summit ends", channel="WELT", published=(2022, 6, 28))
    ClipRelation.objects.get_or_create(
        from_clip=follow_up,
        to_clip=story["broadcast"],
        kind=ClipRelation.Kind.FOLLOW_UP,
        defaults={"status": ClipRelation.Status.CONFIRMED},
    )
    page = client.get(story["broadcast"].get_absolute_url()).content.decode()
    linked = page.split("Linked clips", 1)[1]
    assert "Followed up by" in linked and "Summit ends" in linked
    assert "Follow-up to" in client.get(follow_up.get_absolute_url()).content.decode()


def test_json_ld_says_what_a_clip_is_based_on_and_its_excerpted_parts(client, story):
    data = json_ld(client.get(story["excerpt"].get_absolute_url()))
    broadcast_url = "http://testserver" + story["broadcast"].get_absolute_url()
    assert data["isBasedOn"] == [
        {
            "@type": "VideoObject",
            "name": "Summit opens in Elmau",
            "url": broadcast_url + "?t=42#player",
        }
    ]
    data = json_ld(client.get(story["broadcast"].get_absolute_url()))
    assert "isBasedOn" not in data
    assert data["hasPart"] == [
        {
            "@type": "Clip",
            "name": "Elmau: the arrival",
            "startOffset": 42,
            "endOffset": 90,
            "url": broadcast_url + "?t=42",
        }
    ]
    mirror = json_ld(client.get(story["mirror"].get_absolute_url()))
    assert mirror["isBasedOn"][0]["url"] == broadcast_url


def test_thread_list(client, story):
    StoryThread.objects.create(name="Draft thread", slug="draft", published=False)
    page = client.get("/threads/").content.decode()
    assert "G7 summit in Elmau 2022" in page and "4 clips" in page
    assert "Draft thread" not in page
    assert 'aria-current="page"' in page


def test_thread_page_timeline_keeps_date_precision(client, story):
    response = client.get(story["thread"].get_absolute_url())
    page = response.content.decode()
    groups = re.findall(r'<h3 class="timeline__date"><time datetime="([^"]+)">', page)
    # Year-only first (its period starts first, and it says so), then the month, then days.
    assert groups == ["2022", "2022-06", "2022-06-26", "2022-06-27"]
    assert "only the year is known" in page and "only the month is known" in page
    assert "The opening." in page
    # The channels in the order they carried the story: the mirror dated only 2022 may
    # have been first, as may the month-dated excerpt; WELT's exact day may be first too.
    starts = CHANNEL_START.findall(page)
    assert starts == [
        ("mirror-site", "first"),
        ("clips-daily", "first"),
        ("welt", "first"),
        ("copy-cat", "first"),
    ]
    assert "How the clips are related" in page and "re-upload of" in page


def test_channels_later_than_an_exact_first_day(client, story):
    thread = StoryThread.objects.create(name="Exact", slug="exact")
    for clip in (story["broadcast"], story["reupload"]):
        ThreadClip.objects.create(thread=thread, clip=clip)
    page = client.get(thread.get_absolute_url()).content.decode()
    starts = CHANNEL_START.findall(page)
    assert starts == [("welt", "first"), ("copy-cat", "later")]


def test_thread_feed_and_exports_go_through_the_filters(client, story):
    feed = client.get("/threads/g7-elmau-2022/feed.atom").content.decode()
    assert feed.count("<entry>") == 4 and "G7 summit in Elmau 2022" in feed
    assert "Unrelated talk show" not in feed
    rows = client.get("/threads/g7-elmau-2022/export.jsonl?channel=welt")
    lines = b"".join(rows.streaming_content).decode().splitlines()
    assert [json.loads(line)["title"] for line in lines] == ["Summit opens in Elmau"]
    csv = b"".join(client.get("/threads/g7-elmau-2022/export.csv").streaming_content).decode()
    assert csv.count("\n") == 5
    assert client.get("/threads/nope/feed.rss").status_code == 404
    # The clip list and its downloads take ?thread= like any other filter.
    listed = client.get("/?thread=g7-elmau-2022").content.decode()
    assert "Unrelated talk show" not in listed and "Summit opens (re-upload)" in listed
    assert "/feeds/clips.atom?thread=g7-elmau-2022" in listed
    assert client.get("/export.csv?thread=unknown").status_code == 400


def test_sitemap_lists_published_threads(client, story):
    StoryThread.objects.create(name="Draft", slug="draft", published=False)
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-threads.xml" in index
    section = client.get("/sitemap-threads.xml").content.decode()
    assert "/threads/g7-elmau-2022/" in section and "/threads/draft/" not in section


def test_untrusted_thread_text_stays_text(client, db):
    thread = StoryThread.objects.create(
        name="<script>alert(1)</script>", slug="x", description="<img src=x onerror=alert(1)>"
    )
    for page in ("/threads/", thread.get_absolute_url()):
        body = client.get(page).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body


def test_query_counts_do_not_grow_with_relations_and_clips(
    client, story, editor, django_assert_num_queries, settings
):
    settings.NEWSCLIPS_PAGE_CACHE = False  # each request builds the page
    thread = story["thread"]
    clip_url, thread_url = story["broadcast"].get_absolute_url(), thread.get_absolute_url()
    # Clip page: the version, which parts the clip has, the clip, its tags, its confirmed
    # relations (both clips and channels joined) and its threads (the parts it has not
    # got are not asked for). Thread page: the version, the thread, its clips with
    # channels, their tags, the relations between them.
    counts = {clip_url: 6, thread_url: 5, "/threads/": 3}
    for url, queries in counts.items():
        client.get(url)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    for n in range(6):
        copy = make_clip(f"Copy {n}", channel=f"Copier {n}", tags=["g7", f"copy-{n}"])
        ClipRelation.objects.suggest(copy, story["broadcast"], "reupload")[0].decide(
            ClipRelation.Status.CONFIRMED, editor
        )
        ThreadClip.objects.create(thread=thread, clip=copy, note=f"note {n}")
        StoryThread.objects.create(name=f"Thread {n}", slug=f"thread-{n}").clips.add(copy)
    for url, queries in counts.items():
        client.get(url)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    assert client.get(clip_url).content.decode().count("Re-uploaded as") == 7


def test_a_range_here_is_a_link_only_where_the_page_has_a_player(client, story):
    page = client.get(story["excerpt"].get_absolute_url()).content.decode()
    assert '<span class="timestamp">0:00–0:48</span> here' in page
