"""Full-text search on a small corpus: stemming, syntax, transcripts, boilerplate, safety, sync.

Runs on SQLite (FTS5) and, under scripts/test-postgres, on PostgreSQL (tsvector).
"""

import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from catalog.boilerplate_lines import MIN_CLIPS
from catalog.ingest import SegmentRecord, TranscriptRecord
from catalog.models import Channel, ChannelBoilerplate, Clip, ClipTag, Tag, TranscriptSegment
from catalog.search import RELEVANCE_WINDOW, by_relevance, detect_boilerplate, search

from .factories import clip_record, make_clip

pytestmark = pytest.mark.django_db

SUBSCRIBE = "Abonniere den WELT YouTube Channel: https://www.youtube.com/c/WELT"
DISCLAIMER = "Die Meinungen in diesem Video sind die der Gäste, nicht die der Redaktion."


def found(q, queryset=None):
    return set(search(queryset or Clip.objects.all(), q).values_list("title", flat=True))


@pytest.fixture(params=["rare", "common", "very common"])
def query_form(request, monkeypatch):
    """Every query form finds the same clips: a rare term's matches drive the query,
    a common term is checked per clip (on SQLite against its matches read once,
    a very common one by a lookup per clip)."""
    import catalog.search
    import catalog.search.sqlite

    if request.param != "rare":
        monkeypatch.setattr(catalog.search, "COMMON_TERM_CLIPS", -1)
    if request.param == "very common":
        monkeypatch.setattr(catalog.search.sqlite, "VERY_COMMON", -1)
    return request.param


def transcript(language, *segments):
    return [TranscriptRecord(language, "manual", [SegmentRecord(*s) for s in segments])]


@pytest.fixture
def corpus(db):
    """German and English clips, one with a transcript."""
    return {
        "wahl": make_clip(
            "Die Wahl in Thüringen",
            description="Ergebnisse und Stimmen aus Erfurt.",
            language="de",
            channel="Nordfunk",
            tags=["Landtag"],
            published=(2024, 9, 1),
        ),
        "election": make_clip(
            "The election night in Ohio",
            description="Results and voices from Columbus.",
            language="en",
            channel="Global Desk",
            tags=["usa"],
            published=(2024, 11, 6),
        ),
        "talk": make_clip(
            "Interview mit der Ministerin",
            description="Ein Gespräch über Haushalt und Schulden.",
            language="de",
            channel="Nordfunk",
            published=(2024, 10, 1),
            transcripts=transcript(
                "de",
                (0.0, 4.0, "Guten Abend und willkommen."),
                (754.3, 760.0, "Das Bürgergeld steigt im nächsten Jahr."),
            ),
        ),
    }


def test_german_and_english_words_are_stemmed(corpus, query_form):
    assert found("Wahlen") == {"Die Wahl in Thüringen"}
    assert found("elections") == {"The election night in Ohio"}
    assert found("Stimme") == {"Die Wahl in Thüringen"}  # "Stimmen" in the description
    assert found("voice") == {"The election night in Ohio"}


def test_all_words_must_match_across_fields(corpus, query_form):
    assert found("wahl nordfunk landtag") == {"Die Wahl in Thüringen"}  # title, channel, tag
    assert found("wahl ohio") == set()
    assert found("interview bürgergeld") == {"Interview mit der Ministerin"}  # title + transcript


def test_phrases_exclusion_tags_and_channels(corpus, query_form):
    assert found('"election night"') == {"The election night in Ohio"}
    assert found('"night election"') == set()
    assert found("nordfunk -thüringen") == {"Interview mit der Ministerin"}
    assert found('nordfunk -"guten abend"') == {"Die Wahl in Thüringen"}
    assert found("#landtag") == {"Die Wahl in Thüringen"}
    assert found("@nordfunk") == {"Die Wahl in Thüringen", "Interview mit der Ministerin"}
    assert found('@"Global') == set()


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        '"""',
        "'",
        "NEAR(wahl ohio)",
        "wahl*",
        "^wahl",
        "title:wahl",
        "{title description}: wahl",
        "wahl OR ohio",
        "wahl AND NOT ohio",
        "(((wahl",
        "wahl)))",
        "'; DROP TABLE catalog_clip; --",
        "wahl & ohio | !x <-> y:*",
        "-",
        "--",
        "@",
        "#",
        "!!!",
        "\x00wahl",
        '@\x00 #\x00 -\x00 "\x00"',
        "ä" * 10_000,
        "wahl " * 2_000,
        '"' * 10_000,
        "x" * 10_000,
    ],
)
def test_hostile_input_is_harmless(client, corpus, hostile):
    list(search(Clip.objects.all(), hostile))
    list(by_relevance(search(Clip.objects.all(), hostile), hostile))
    response = client.get(reverse("catalog:clip_list"), {"q": hostile})
    assert response.status_code == 200
    assert Clip.objects.count() == 3


def test_query_syntax_words_are_plain_words(corpus, query_form):
    make_clip("Near the border, or not", language="en")
    assert found("NEAR") == {"Near the border, or not"}
    assert found("title:wahl") == set()  # the words "title" and "wahl", next to each other
    assert found("OR NOT") == {"Near the border, or not"}


def test_transcript_hit_links_to_its_moment(client, corpus, query_form):
    response = client.get(reverse("catalog:clip_list"), {"q": "Bürgergeld"})
    html = response.content.decode()

    assert [clip.title for clip in response.context["clips"]] == ["Interview mit der Ministerin"]
    url = corpus["talk"].get_absolute_url()
    assert f'href="{url}?t=754#player"' in html
    assert ">12:34</a> Das <mark>Bürgergeld</mark> steigt im nächsten Jahr." in html


def test_description_snippet_is_highlighted_and_escaped(client):
    make_clip(
        "Clip",
        language="de",
        description="Vorher <script>alert(1)</script> und dann die Wahlen & mehr.",
    )
    html = client.get(reverse("catalog:clip_list"), {"q": "wahl"}).content.decode()

    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; und dann die <mark>Wahlen</mark> &amp; mehr."
    assert escaped in html
    assert "<script>alert(1)" not in html


def test_title_hits_are_marked_and_escaped(client):
    make_clip("<b>Wahlen</b> in Thüringen", language="de")
    make_clip("Nachrichten", description="Die Wahl.", language="de")
    html = client.get(reverse("catalog:clip_list"), {"q": "wahl"}).content.decode()

    assert "&lt;b&gt;<mark>Wahlen</mark>&lt;/b&gt; in Thüringen" in html
    assert ">Nachrichten</a>" in html  # no hit in the title: plain


def test_relevance_or_date_order(client, query_form):
    older_title_hit = make_clip("Haushalt 2025", published=(2020, 1, 1), language="de")
    newer_description_hit = make_clip(
        "Nachrichten", description="Auch: der Haushalt.", published=(2024, 1, 1), language="de"
    )
    url = reverse("catalog:clip_list")

    by_default = list(client.get(url, {"q": "haushalt"}).context["clips"])
    newest = list(client.get(url, {"q": "haushalt", "sort": "newest"}).context["clips"])
    assert by_default == [older_title_hit, newer_description_hit]
    assert newest == [newer_description_hit, older_title_hit]
    # Without words to rank by, relevance is newest first.
    assert list(client.get(url, {"sort": "relevance"}).context["clips"]) == newest


@pytest.mark.parametrize(("query", "shown"), [({"q": "haushalt"}, "relevance"), ({}, "newest")])
def test_the_order_select_shows_the_order_in_force(client, query, shown):
    make_clip("Haushalt 2025", language="de")
    html = client.get(reverse("catalog:clip_list"), query).content.decode()
    select = re.search(r'<select name="sort"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'<option value="(\w+)"', select)[0] == shown  # the one a browser shows


def test_the_order_is_not_listed_as_a_filter(client):
    make_clip("Haushalt 2025", language="de")
    response = client.get(reverse("catalog:clip_list"), {"q": "haushalt", "sort": "newest"})
    assert [chip["value"] for chip in response.context["active_filters"]] == ["haushalt"]


def test_relevance_ranks_the_newest_matches_only(monkeypatch):
    import catalog.search

    monkeypatch.setattr(catalog.search, "RELEVANCE_WINDOW", 2)
    for year in (2020, 2021, 2022):
        make_clip(f"Haushalt {year}", published=(year, 1, 1))
    ranked = by_relevance(search(Clip.objects.all(), "haushalt"), "haushalt")
    assert [clip.title for clip in ranked] == ["Haushalt 2022", "Haushalt 2021"]
    assert RELEVANCE_WINDOW >= 1000


def _channel_clips(n=MIN_CLIPS, channel="WELT"):
    return [
        make_clip(
            f"Beitrag {i}",
            channel=channel,
            language="de",
            description=f"Thema {i}: Bericht über Renten.\n\n{SUBSCRIBE}\n{DISCLAIMER}",
        )
        for i in range(n)
    ]


def test_boilerplate_is_detected_folded_and_not_searched(client):
    clips = _channel_clips()
    assert found("abonniere") == {clip.title for clip in clips}  # not detected yet

    assert detect_boilerplate() == 1
    assert ChannelBoilerplate.objects.get().lines == sorted([SUBSCRIBE, DISCLAIMER])
    assert found("abonniere") == set()
    assert found("meinungen gäste") == set()
    assert found("renten") == {clip.title for clip in clips}
    html = client.get(reverse("catalog:clip_list"), {"q": "renten"}).content.decode()
    assert "<mark>Renten</mark>" in html
    assert "Abonniere" not in html

    page = client.get(clips[0].get_absolute_url()).content.decode()
    main, folded = page.split('<details class="boilerplate">')
    assert "Bericht über Renten" in main and "Abonniere" not in main.split("clip__description")[1]
    assert "Show channel boilerplate" in folded
    assert 'href="https://www.youtube.com/c/WELT" rel="nofollow noopener"' in folded


def test_boilerplate_line_gives_no_hit_but_the_clip_still_matches_elsewhere(query_form):
    clips = _channel_clips()
    own = make_clip("Der YouTube-Kanal", channel="WELT", language="de", description=SUBSCRIBE)
    detect_boilerplate()
    assert found("abonniere") == set()
    assert found("youtube") == {own.title}  # its title, not the folded line
    assert len(clips) == MIN_CLIPS


def test_the_pipeline_detects_boilerplate_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _channel_clips(MIN_CLIPS - 1, channel="Too small")
    assert not ChannelBoilerplate.objects.exists()
    # One transaction, as a bulk import: one check per channel.
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        _channel_clips()
    assert len(callbacks) == 1
    assert SUBSCRIBE in ChannelBoilerplate.objects.get(channel__name="WELT").lines
    assert found("abonniere", Clip.objects.filter(channel__name="WELT")) == set()


def test_boilerplate_command(capsys):
    _channel_clips()
    call_command("update_search")
    assert "1 of 1 channels have boilerplate" in capsys.readouterr().out


def test_index_follows_updates_and_deletes(corpus):
    wahl, election = corpus["wahl"], corpus["election"]

    Clip.objects.filter(pk=wahl.pk).update(title="Die Abstimmung in Sachsen")
    assert found("Thüringen") == set()
    assert found("Sachsen") == {"Die Abstimmung in Sachsen"}

    Channel.objects.filter(pk=election.channel_id).update(name="World Report")
    assert found("global") == set()
    assert found("world") == {"The election night in Ohio"}

    ClipTag.objects.filter(clip=election).delete()
    assert found("usa") == set()
    tag = Tag.objects.create(name="Wahlkampf", slug="wahlkampf")
    ClipTag.objects.create(clip=election, tag=tag)
    assert found("wahlkampf") == {"The election night in Ohio"}
    Tag.objects.filter(slug="wahlkampf").update(slug="campaign")
    assert found("wahlkampf") == set()
    assert found("campaign") == {"The election night in Ohio"}

    TranscriptSegment.objects.filter(clip=corpus["talk"]).update(text="Rente mit 70")
    assert found("bürgergeld") == set()
    assert found("rente") == {"Interview mit der Ministerin"}

    corpus["talk"].delete()
    assert found("rente") == set()
    election.delete()
    assert found("world") == set()
    assert not TranscriptSegment.objects.exists()


def test_the_pipeline_keeps_the_index_in_sync(corpus):
    from catalog.ingest import store

    talk = corpus["talk"]
    record = clip_record(
        "Interview mit dem Kanzler",
        platform=talk.platform,
        external_id=talk.external_id,
        tags=["Rente"],
        transcripts=transcript("de", (3.0, 5.0, "Die Rente ist sicher.")),
    )
    store(record)
    assert found("ministerin") == set()
    assert found("kanzler rente") == {"Interview mit dem Kanzler"}
    assert found("bürgergeld") == set()  # the German transcript was replaced


def test_bulk_inserts_are_indexed_by_the_database(query_form):
    channel = Channel.objects.create(name="Bulk Channel", slug="bulk")
    tag = Tag.objects.create(name="Energie", slug="energie")
    clips = Clip.objects.bulk_create(
        Clip(
            platform="bulk",
            external_id=str(i),
            title=f"Strompreise {i}",
            channel=channel,
            language="de",
            source="editor",
        )
        for i in range(3)
    )
    ClipTag.objects.bulk_create(ClipTag(clip=clip, tag=tag) for clip in clips)
    segment = TranscriptSegment(
        clip=clips[0], language="de", kind="manual", start=1, end=2, text="Wind"
    )
    TranscriptSegment.objects.bulk_create([segment])
    assert len(found("strompreis energie bulk")) == 3
    assert found("wind") == {"Strompreise 0"}


@pytest.mark.parametrize(("clips", "queries"), [(1, 13), (30, 13)])
def test_search_page_query_count(client, django_assert_num_queries, clips, queries):
    """relevance window, count, clips with channels, their tags, boilerplate, moments and
    transcripts of hits outside the metadata, and the list's five facet queries
    (catalog.browse.facets), and the catalogue version (the ETag); the terms' match
    estimates are cached (catalog.search.backends.matches_estimate)."""
    for i in range(clips):
        make_clip(
            f"Clip {i}",
            tags=["ukraine"],
            channel=f"Channel {i % 3}",
            transcripts=transcript("en", (i, i + 1, "the grain corridor")),
        )
    url = reverse("catalog:clip_list")
    # Fill the language cache; another query, so the facets are counted below.
    client.get(url, {"q": "corridor", "warm": "1"})
    with django_assert_num_queries(queries):
        response = client.get(url, {"q": "corridor"})
    assert len(response.context["clips"]) == min(clips, 24)
    assert all(clip.transcript_hit for clip in response.context["clips"])


@pytest.mark.django_db(transaction=True)
def test_the_migration_is_reversible():
    make_clip("Vor der Migration", language="de")
    call_command("migrate", "catalog", "0001", verbosity=0)
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "catalog_clipsearch" not in tables
    call_command("migrate", "catalog", verbosity=0)
    assert found("migration") == {"Vor der Migration"}  # filled from what was there
