"""Browsing big lists: keyset pages, facets, the histogram, tag counts and query plans."""

import re
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from catalog.browse import cards
from catalog.browse import facets as facets_module
from catalog.browse.pagination import AFTER, BEFORE, Key, encode_cursor, paginate
from catalog.languages import language_name
from catalog.models import Channel, Clip, Tag
from catalog.models import clips as clips_module

from .factories import make_clip

pytestmark = pytest.mark.django_db

HOME = "/"


@pytest.fixture(autouse=True)
def _fresh_language_cache(settings):
    """The filter's language choices are cached; clips here must not leak into other tests.
    Each request builds its page (these tests read the response's context; the page
    kept per version is tests/test_page_cache.py's)."""
    settings.NEWSCLIPS_PAGE_CACHE = False
    cache.clear()
    yield
    cache.clear()


def _link(html, rel):
    match = re.search(rf'rel="{rel}" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def _walk(client, url, rel):
    """Every page from `url` following rel=next (or prev) links: a list of title lists."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append([clip.title for clip in response.context["clips"]])
        link = _link(response.content.decode(), rel)
        url = HOME + link if link else None
    return pages


@pytest.fixture
def mixed(settings):
    """Ties on a date (year precision), undated clips and plain dates, three to a page."""
    settings.NEWSCLIPS_PAGE_SIZE = 3
    for n in range(4):
        make_clip(f"Year {n}", published=(2023, 1, 1), precision="year", tags=["x"])
    for n in range(4):
        make_clip(f"Undated {n}", published=None, tags=["x"] if n % 2 else [])
    for n in range(3):
        make_clip(f"Day {n}", published=(2024, 3, 1 + n), tags=["x"])
    # Newest first, NULL dates last, the higher id first among equals.
    return [clip.title for clip in Clip.objects.newest()]


def test_cursor_pages_walk_every_clip_once_in_order_and_back(client, mixed):
    assert mixed[:3] == ["Day 2", "Day 1", "Day 0"]
    assert mixed[-4:] == ["Undated 3", "Undated 2", "Undated 1", "Undated 0"]

    forward = _walk(client, HOME, "next")
    assert [title for page in forward for title in page] == mixed
    assert [len(page) for page in forward] == [3, 3, 3, 2]

    last_page_url = HOME + _link(client.get(HOME).content.decode(), "next")
    for _ in range(2):
        last_page_url = HOME + _link(client.get(last_page_url).content.decode(), "next")
    backward = _walk(client, last_page_url, "prev")
    assert backward == forward[::-1]


def test_the_first_page_has_no_previous_link_and_the_last_no_next(client, mixed):
    html = client.get(HOME).content.decode()
    assert _link(html, "prev") is None
    assert "&laquo; Newest" not in html  # already on the first page
    url = HOME
    while link := _link(client.get(url).content.decode(), "next"):
        url = HOME + link
    last = client.get(url).content.decode()
    assert _link(last, "prev")
    assert _link(last, "next") is None
    assert '<a href="?">&laquo; Newest</a>' in last


def test_cursor_links_keep_the_filters(client, mixed):
    pages = _walk(client, HOME + "?tag=x&language=", "next")
    expected = [title for title in mixed if title not in ("Undated 0", "Undated 2")]
    assert [title for page in pages for title in page] == expected
    html = client.get(HOME + "?tag=x").content.decode()
    assert _link(html, "next").startswith("?tag=x&cursor=")


def test_feed_and_download_links_of_a_cursor_page_are_the_whole_list(client, mixed):
    page2 = HOME + _link(client.get(HOME + "?tag=x").content.decode(), "next")
    html = client.get(page2).content.decode()
    assert 'href="/feeds/clips.atom?tag=x"' in html
    assert 'href="/export.csv?tag=x"' in html


def test_a_cursor_from_an_undated_clip_continues_among_the_undated(client, mixed):
    undated = Clip.objects.get(title="Undated 2")
    cursor = encode_cursor(AFTER, Key(None, undated.pk))
    response = client.get(f"{HOME}?cursor={cursor}")
    assert [clip.title for clip in response.context["clips"]] == ["Undated 1", "Undated 0"]


@pytest.mark.parametrize(
    "cursor", ["nonsense", "YXwyMDI0fHg", "eHx8MQ", "%00", "YnwyMDI0LTAxLTAxfDE"]
)
def test_a_broken_cursor_is_a_400(client, mixed, cursor):
    # The last one is a date without a time zone: not one we wrote.
    assert client.get(f"{HOME}?cursor={cursor}").status_code == 400


def test_facets_count_the_whole_result_set_exactly_below_the_limit(client, catalogue):
    make_clip("Third", tags=["ukraine", "extra"], channel="Global Desk", language="en")
    response = client.get(HOME)
    facets = response.context["facets"]

    assert facets.exact and facets.total == 3
    by_name = {f.name: {v.label: (v.count, v.url) for v in f.values} for f in facets.facets}
    assert by_name["tag"]["#ukraine"] == (2, "?tag=ukraine")
    assert by_name["channel"]["Global Desk"] == (2, "?channel=global-desk")
    assert by_name["language"]["English"] == (2, "?language=en")
    assert by_name["year"]["2023"] == (1, "?date_from=2023-01-01&date_to=2023-12-31")
    html = response.content.decode()
    assert "≈" not in html
    assert '<p class="result-count">3 clips</p>' in html

    # A facet adds its filter to the ones in use; the chosen tag is not offered again.
    filtered = client.get(HOME + "?tag=ukraine").context["facets"].by_name
    assert [v.url for v in filtered["tag"].values] == [
        "?tag=ukraine&tag=extra",
        "?tag=ukraine&tag=war",
    ]


def test_facets_are_estimated_from_a_sample_above_the_limit(client, monkeypatch):
    for n in range(40):
        make_clip(f"Clip {n}", tags=["common"] + (["rare"] if n < 4 else []), channel=f"C{n % 2}")
    monkeypatch.setattr(facets_module, "EXACT_LIMIT", 10)
    monkeypatch.setattr(facets_module, "SAMPLE_SIZE", 20)  # every second id

    response = client.get(HOME)
    facets = response.context["facets"]
    assert not facets.exact
    assert facets.total == 40  # 20 sampled, each standing for two
    tags = {v.label: v.count for v in facets.by_name["tag"].values}
    assert tags["#common"] == 40
    assert 0 <= tags.get("#rare", 0) <= 8
    html = response.content.decode()
    assert "≈ counts are estimated from a sample" in html
    assert '<abbr title="estimated from a sample">≈</abbr> 40 clips' in html


def test_histogram_shows_clips_per_month_as_accessible_svg(client, catalogue):
    make_clip("Same month", published=(2024, 11, 20))
    make_clip("Earlier", published=(2024, 6, 3))
    html = client.get(HOME).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]

    assert 'role="img"' in svg and 'aria-labelledby="histogram-title histogram-desc"' in svg
    assert "Clips per month, 2024-06 to 2024-11" in svg
    assert "<title>2024-11: 2</title>" in svg
    assert "<title>2024-06: 1</title>" in svg
    assert svg.count("<rect") == 2  # empty months draw no bar
    # The catalogue's clip known only by its year is no January bar: it is counted apart.
    assert "+ 1 clip known only by year: 2023" in html
    assert "style=" not in html  # a strict CSP allows no inline styles


@pytest.mark.parametrize("sampled", [False, True])
def test_histogram_months_are_local_whether_counted_or_sampled(client, monkeypatch, sampled):
    """Dates are stored in UTC; a clip of 00:30 on 1 February in Berlin counts for February."""
    for n in range(4):
        make_clip(f"Night {n}", published=(2024, 2, 1, 0, 30), precision="time")
    if sampled:
        monkeypatch.setattr(facets_module, "EXACT_LIMIT", 1)
        monkeypatch.setattr(facets_module, "SAMPLE_SIZE", 2)
    facets = client.get(HOME).context["facets"]
    assert facets.exact is not sampled
    assert set(facets.dates.months) == {(2024, 2)}
    assert sum(facets.dates.months.values()) == 4


def test_facets_of_a_search_that_can_match_nothing(client, catalogue):
    response = client.get(HOME + "?q=!!!")
    assert response.status_code == 200
    assert response.context["facets"].total == 0


def test_histogram_on_tag_and_channel_pages(client, catalogue):
    for url in ("/tags/ukraine/", "/channels/global-desk/"):
        response = client.get(url)
        assert '<figure class="histogram">' in response.context["histogram_html"]
        assert "<svg" in response.content.decode()
    # Only a clip known by its year: no bars to draw, the count alone.
    html = client.get("/channels/nordfunk/").content.decode()
    assert "<svg" not in html and "+ 1 clip known only by year: 2023" in html


def test_filter_form_suggests_only_the_top_values(client):
    for n in range(30):
        make_clip(f"Clip {n}", tags=[f"tag{n}"], channel=f"Channel {n}")
    html = client.get(HOME).content.decode()
    assert "<select" not in html[html.index('<form class="filters"') :].split("language")[0]
    tags = re.search(r'<datalist id="tag-choices">(.*?)</datalist>', html).group(1)
    assert tags.count("<option") == facets_module.TOP


def test_tag_counts_follow_every_write(db):
    clip = make_clip("One", tags=["a", "b"])
    make_clip("Two", tags=["a"])
    assert dict(Tag.objects.values_list("slug", "clip_count")) == {"a": 2, "b": 1}
    clip.clip_tags.filter(tag__slug="b").delete()
    Clip.objects.filter(title="Two").delete()
    assert dict(Tag.objects.values_list("slug", "clip_count")) == {"a": 1, "b": 0}
    assert [t.slug for t in Tag.objects.with_clip_counts()] == ["a"]


def test_channel_counts_follow_every_write(db):
    one = make_clip("One", channel="Nordfunk")
    make_clip("Two", channel="Nordfunk")
    make_clip("Three", channel="Global Desk")
    make_clip("Four", channel=None)

    def counts():
        return dict(Channel.objects.values_list("slug", "clip_count"))

    assert counts() == {"nordfunk": 2, "global-desk": 1}
    Clip.objects.filter(pk=one.pk).update(channel=Channel.objects.get(slug="global-desk"))
    assert counts() == {"nordfunk": 1, "global-desk": 2}
    Clip.objects.filter(title="Four").update(channel=Channel.objects.get(slug="nordfunk"))
    Clip.objects.filter(title="Three").update(channel=None)
    assert counts() == {"nordfunk": 2, "global-desk": 1}
    Clip.objects.filter(channel__slug="nordfunk").delete()
    assert counts() == {"nordfunk": 0, "global-desk": 1}


def test_tag_filter_form_follows_the_tags_use(db, monkeypatch):
    for n in range(3):
        make_clip(f"Clip {n}", tags=["common"] + (["rare"] if n == 0 else []))
    monkeypatch.setattr(clips_module, "COMMON_TAG_CLIPS", 2)

    common = str(Clip.objects.tagged("common").query)
    assert "EXISTS" in common and " IN (SELECT" not in common
    rare = str(Clip.objects.tagged("rare").query)
    assert " IN (SELECT" in rare and "EXISTS" not in rare
    both = Clip.objects.tagged("common", "rare")
    assert " IN (SELECT" in str(both.query) and "EXISTS" in str(both.query)
    assert [c.title for c in both] == ["Clip 0"]
    assert Clip.objects.tagged("common").count() == 3
    assert not Clip.objects.tagged("common", "unknown").exists()


def _plan(sql):
    """The database's plan of a captured query (its parameters already in it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test table is tiny: forbid the plans that only win on tiny tables, so
            # that a Sort in the plan means the index cannot give the order.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            # And sorting: the primary key plus a sort of the row or two a test has can
            # win too (it did once in CI, for the undated page's `id < 10`).
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    return plan


def test_newest_first_pages_read_the_index_in_order(db):
    """Every query paginate() makes for the first page, a deep page (and the undated
    stretch after it), a previous page and an undated page is an index scan in the
    list's order, with no sort, on both databases."""
    make_clip("A")
    dated, undated = Key(datetime(2024, 1, 1, tzinfo=UTC), 10), Key(None, 10)
    cursors = {
        "first": None,
        "deep": encode_cursor(AFTER, dated),
        "previous": encode_cursor(BEFORE, dated),
        "undated": encode_cursor(AFTER, undated),
        "previous undated": encode_cursor(BEFORE, undated),
    }
    for name, cursor in cursors.items():
        with CaptureQueriesContext(connection) as captured:
            paginate(Clip.objects.all(), cursor)
        assert captured.captured_queries, name
        for query in captured.captured_queries:
            plan = _plan(query["sql"])
            assert "clip_newest_idx" in plan, (name, query["sql"], plan)
            assert "Sort" not in plan and "TEMP B-TREE" not in plan, (name, plan)


def test_postgres_reads_a_clips_date_by_id_from_an_index(db):
    """The relevance window of common words looks each match up by id for its date
    (migration 0020): PostgreSQL has the covering index, SQLite needs none (rowid)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'clip_id_date_idx'")
            (definition,) = cursor.fetchone()
            assert "(id) INCLUDE (published_at)" in definition
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'clip_id_date_idx'")
            assert cursor.fetchone() == (0,)


def test_languages_are_named_in_the_readers_language(client, catalogue):
    make_clip("Dritte", channel="Global Desk", language="de")
    make_clip("Klingonisch", channel="Global Desk", language="tlh")
    cache.clear()  # the filter's list of known languages

    english = client.get(HOME).content.decode()
    german = client.get(HOME, headers={"accept-language": "de"}).content.decode()

    assert '<option value="en">English</option>' in english
    assert '<option value="de">German</option>' in english
    assert '<option value="tlh">tlh</option>' in english  # unknown to Django: the code
    assert '<option value="de">Deutsch</option>' in german
    assert '<option value="en">Englisch</option>' in german
    assert 'rel="nofollow">Englisch</a>' in german  # the facet


def test_the_languages_that_occur_one_lookup_each(db):
    for title, language in [("A", "fr"), ("B", ""), ("C", "de"), ("D", "fr"), ("E", "tlh")]:
        make_clip(title, channel="Global Desk" if title < "D" else "Nordfunk", language=language)
    assert Clip.objects.languages() == ["de", "fr", "tlh"]  # in order, none empty, once each
    assert Clip.objects.filter(channel__slug="nordfunk").languages() == ["fr", "tlh"]
    assert Clip.objects.none().languages() == []
    Clip.objects.all().delete()
    assert Clip.objects.languages() == []


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("de", "German"),
        ("DE", "German"),
        ("de-AT", "German"),
        ("en_US", "English"),
        ("pt-br", "Brazilian Portuguese"),
        ("tlh", "tlh"),
        ("", ""),
    ],
)
def test_language_name_reads_the_spellings_sources_use(code, name):
    with translation.override("en"):
        assert language_name(code) == name


def test_card_tags_link_each_tag_in_slug_order_escaped(client):
    make_clip("Tagged", tags=["zebra", "Apfel", "ukraine"])
    html = client.get(HOME).content.decode()
    tags = re.search(r'<ul class="tags" aria-label="Tags">(.*?)</ul>', html).group(1)
    assert tags == (
        '<li><a href="/tags/apfel/">#apfel</a></li>'
        '<li><a href="/tags/ukraine/">#ukraine</a></li>'
        '<li><a href="/tags/zebra/">#zebra</a></li>'
    )
    hostile = cards.tag_links([cards.CardTag('a"<b>', "/t/?a=1&b=2")])
    assert hostile == '<li><a href="/t/?a=1&amp;b=2">#a&quot;&lt;b&gt;</a></li>'
