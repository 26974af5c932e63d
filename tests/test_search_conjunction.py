"""Several words at once: the text conjunction plan (catalog.search.ClipsMatchingAll)
finds the same clips, in the same order, as the per-clip plan it replaces, for every
order and filter; and what it costs in queries.

A small seeded corpus where each word may sit in a title, a description, a channel's
name, a tag, a transcript, a moment or a claim, so that clips match a word in every
way there is. Runs on SQLite and, under scripts/test-postgres, on PostgreSQL.
"""

import random
import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import catalog.search.conjunction
from catalog.browse import facets
from catalog.ingest import SegmentRecord, TranscriptRecord
from catalog.models import Claim, Clip, Moment
from catalog.search import by_relevance, search

from .factories import make_clip

pytestmark = pytest.mark.django_db

WORDS = ["hafen", "brücke", "wahl", "sturm", "markt", "zug"]
CHANNELS = ["Nordfunk", "Hafen Radio", "Global Desk"]
QUERIES = [
    "hafen wahl",
    "Hafen brücke sturm",
    "wahl zug",
    "markt sturm zug",
    '"hafen radio" wahl',
    "hafen wahl -zug",
    "brücke markt #sturm",
    "wahl sturm @nordfunk",
    "hafen nichtda",
]
FILTERS = [{}, {"channel": "nordfunk"}, {"tag": "wahl"}, {"date_from": "2021-01-01"}]


def _some(rng, n=2):
    return " ".join(rng.sample(WORDS, rng.randint(0, n)))


@pytest.fixture
def corpus():
    rng = random.Random(15)  # noqa: S311 -- a reproducible corpus, nothing secret
    for n in range(60):
        year = rng.choice([None, 2019, 2020, 2021, 2022, 2023])
        clip = make_clip(
            f"Clip {n} {_some(rng)}",
            description=f"Bericht {_some(rng)}",
            language=rng.choice(["de", "en", ""]),
            channel=rng.choice(CHANNELS),
            tags=rng.sample(WORDS, rng.randint(0, 2)),
            published=(year, 1 + n % 12, 1 + n % 28) if year else None,
            transcripts=[
                TranscriptRecord("de", "manual", [SegmentRecord(0.0, 2.0, f"Heute {_some(rng)}")])
            ]
            if rng.random() < 0.3
            else [],
        )
        if rng.random() < 0.2:
            Moment.objects.create(
                clip=clip, kind="story", start=1, end=2, title=f"Teil {_some(rng, 1)}"
            )
    # Claims on every seventh clip, from a generator of their own (the rest stays as it was).
    claims = random.Random(16)  # noqa: S311
    for clip in Clip.objects.order_by("pk")[::7]:
        Claim.objects.create(
            clip=clip, text=f"Angeblich {_some(claims)}", claimant=_some(claims, 1)
        )


@pytest.fixture(params=["ids first", "index walk"])
def plans(request, monkeypatch):
    """Run a function under the new plan and under the old one (no term may have
    clips that match it off its text: every multi-word search takes the old way).
    The new plan's matches drive the query, or a list walks its index and keeps them
    (as for many matches: conjunction.WALK_ABOVE). On PostgreSQL the new plan also runs
    with every word taken as common (a page's list is walked testing each clip against
    the matches: dense_conjunction_sql); all must give what the old one gives."""
    if request.param == "index walk":
        monkeypatch.setattr(catalog.search.conjunction, "WALK_ABOVE", -1)

    def run(function):
        new = function()
        if connection.vendor == "postgresql":
            with monkeypatch.context() as patch:
                patch.setattr(catalog.search.conjunction, "COMMON_TERM_CLIPS", -1)
                dense = function()
            assert dense == new
        with monkeypatch.context() as patch:
            patch.setattr(catalog.search.conjunction, "OFF_TEXT_LIMIT", -1)
            old = function()
        return new, old

    return run


@pytest.mark.parametrize("q", QUERIES)
def test_same_clips_in_the_same_order_as_the_per_clip_plan(corpus, plans, q):
    def results():
        matching = search(Clip.objects.all(), q)
        return (
            list(matching.newest().values_list("pk", flat=True)),
            list(by_relevance(matching, q).values_list("pk", flat=True)),
        )

    (newest, ranked), (old_newest, old_ranked) = plans(results)
    assert newest == old_newest
    assert ranked == old_ranked
    if q != "hafen nichtda":
        assert newest  # the corpus has matches for every other query


@pytest.mark.parametrize("sort", ["relevance", "newest"])
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
def test_pages_list_the_same_clips_for_every_order_and_filter(
    client, corpus, plans, sort, filters, settings
):
    settings.NEWSCLIPS_PAGE_CACHE = False  # each request builds the page under its plan
    url = reverse("catalog:clip_list")

    def pages():
        listed = []
        for q in QUERIES:
            response = client.get(url, {"q": q, "sort": sort, **filters})
            listed.append([clip.pk for clip in response.context["clips"]])
        return listed

    new, old = plans(pages)
    assert new == old
    assert any(new)


def test_a_word_found_only_by_a_tag_transcript_moment_or_claim_counts(db):
    make_clip("Wahl in Kiel", tags=["Hafen"], language="de")
    spoken = make_clip(
        "Wahl in Bremen",
        language="de",
        transcripts=[TranscriptRecord("de", "manual", [SegmentRecord(0.0, 2.0, "Am Hafen")])],
    )
    told = make_clip("Wahl in Rostock", language="de")
    Moment.objects.create(clip=told, kind="story", start=1, end=2, title="Der Hafen")
    claimed = make_clip("Wahl in Lübeck", language="de")
    Claim.objects.create(clip=claimed, text="Der Hafen wächst")
    make_clip("Wahl in Bonn", language="de")
    make_clip("Hafen ohne Abstimmung", language="de")
    found = search(Clip.objects.all(), "wahl hafen").values_list("title", flat=True)
    assert set(found) == {"Wahl in Kiel", "Wahl in Bremen", "Wahl in Rostock", "Wahl in Lübeck"}
    assert spoken.pk in set(search(Clip.objects.all(), "bremen hafen").values_list("pk", flat=True))


def test_queries_of_a_two_word_search(client, django_assert_num_queries, corpus):
    """The clips that match each word off their text are read once per version of the
    search index (one query per word, and one for the index's version), and how many
    the words' conjunction finds (one query), the words' estimates once (one query
    for all, which the relevance window's size needs), then kept: a page costs what a
    one-word page does (test_search.test_search_page_query_count), here with one
    query more, the claims of a clip that only a claim explains (its snippet), and on
    SQLite the index's version. PostgreSQL reads no clips off their text (its
    document holds tags and claims: postgres_parts) and counts no matches (its
    planner picks the way)."""
    url = reverse("catalog:clip_list")
    client.get(url, {"q": "zug", "warm": "1"})  # the language cache
    index, off_text, count = (1, 2, 1) if connection.vendor == "sqlite" else (0, 0, 0)
    with django_assert_num_queries(14 + index + off_text + count + 1):
        first = client.get(url, {"q": "hafen wahl"})
    with django_assert_num_queries(14 + index):
        again = client.get(url, {"q": "hafen wahl", "other": "1"})  # facets counted again
    assert first.context["clips"] == again.context["clips"]


def test_the_matches_reach_the_where_clause_as_an_in_the_database_can_drive_with(corpus):
    """Not as `(... IN ...) = 1`, Django's form for a condition on SQLite, which has no
    boolean type: SQLite then cannot start from the matches and walks the whole list."""
    sql = str(search(Clip.objects.all(), "hafen wahl").newest()[:25].query)

    assert "IN (SELECT" in sql
    assert not re.search(r"\)\s*=\s*(1|True)\b", sql)


def test_the_facets_sample_asks_each_sampled_clip_when_the_words_are_each_common(
    corpus, monkeypatch
):
    """PostgreSQL's dense form (DenseMatches): the facets' sample checks its clips one
    by one (an EXISTS per sampled clip), as a page does, instead of fetching every clip
    that holds both words (ARRAY(...): 620 ms at 1 M clips); same counts either way."""
    if connection.vendor != "postgresql":
        pytest.skip("the dense form is PostgreSQL's (dense_conjunction_sql)")
    monkeypatch.setattr(facets, "SAMPLE_SIZE", 20)  # a sample, not the whole corpus
    monkeypatch.setattr(facets, "EXACT_LIMIT", 0)  # its counts, not an exact read

    def counts(common):
        with monkeypatch.context() as patch:
            patch.setattr(catalog.search.conjunction, "COMMON_TERM_CLIPS", common)
            with CaptureQueriesContext(connection) as queries:
                found = facets.facet_counts(search(Clip.objects.all(), "hafen wahl"), QueryDict())
        (sample,) = [q["sql"] for q in queries if "EXISTS" in q["sql"] and "unnest" in q["sql"]]
        return found, sample

    dense, dense_sample = counts(-1)
    among, among_sample = counts(10**9)
    assert "ARRAY(" not in dense_sample
    assert "ARRAY(" in among_sample  # the other form fetches the matches
    assert _counted(dense) == _counted(among)  # the same counts (ties in either order)
    assert dense.total > 0


def _counted(found):
    by_facet = {f.name: sorted((v.label, v.count) for v in f.values) for f in found.facets}
    return found.total, found.exact, found.undated, by_facet
