"""What is said and told in a clip finds it together with its own words: its moments'
titles and descriptions, its claims' text and claimant and its transcript, with a
word of its title, however the search is planned; the index follows every change.

On SQLite moments and claims are columns of the clip's own FTS5 row (migration
0016), transcripts indexed per segment; on PostgreSQL transcripts and moments are
in the clip's document, claims in their own index. Runs on SQLite and, under
scripts/test-postgres, on PostgreSQL.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

import catalog.search.conjunction
from catalog.ingest import SegmentRecord, TranscriptRecord
from catalog.models import Claim, Clip, Moment, Tag, TranscriptSegment
from catalog.search import search

from .factories import make_clip
from .test_search import query_form  # noqa: F401  every query form finds the same

pytestmark = pytest.mark.django_db


def found(q):
    return set(search(Clip.objects.all(), q).values_list("title", flat=True))


@pytest.fixture
def clips():
    kiel = make_clip("Hafenfest in Kiel", language="de")
    Moment.objects.create(
        clip=kiel,
        kind="story",
        start=462,
        end=470,
        title="Feuerwerk über der Förde",
        description="Tausende am Ufer.",
    )
    bonn = make_clip("Debatte in Bonn", language="de")
    Claim.objects.create(
        clip=bonn, text="Die Mieten sinken seit Jahren", claimant="Senatorin Weber"
    )
    make_clip(
        "Regen in Bremen",
        language="de",
        transcripts=[
            TranscriptRecord("de", "manual", [SegmentRecord(0.0, 2.0, "Sturmflut droht")])
        ],
    )
    make_clip("Feuerwerk verboten", language="de")  # a title word alone
    return {"kiel": kiel, "bonn": bonn}


@pytest.fixture(params=["by the index", "per clip"])
def plan(request, monkeypatch):
    """Several words by the index's conjunction, or each word checked per clip."""
    if request.param == "per clip":
        monkeypatch.setattr(catalog.search.conjunction, "OFF_TEXT_LIMIT", -1)
    return request.param


def test_a_moment_claim_or_transcript_word_and_a_title_word(clips, plan, query_form):  # noqa: F811
    assert found("kiel feuerwerk") == {"Hafenfest in Kiel"}
    assert found("Kiel Ufer") == {"Hafenfest in Kiel"}  # the moment's description
    assert found("bonn mieten") == {"Debatte in Bonn"}
    assert found("bonn weber") == {"Debatte in Bonn"}  # the claimant
    assert found('bonn "mieten sinken"') == {"Debatte in Bonn"}
    assert found("bremen sturmflut") == {"Regen in Bremen"}
    assert found("feuerwerk") == {"Hafenfest in Kiel", "Feuerwerk verboten"}
    assert found("kiel mieten") == set()
    assert found("bonn feuerwerk") == set()
    assert found("feuerwerk -förde") == {"Feuerwerk verboten"}


def test_the_index_follows_every_change(clips):
    kiel, bonn = clips["kiel"], clips["bonn"]
    kiel.title = "Sommerfest in Lübeck"
    kiel.save()
    # The clip's own text changes; what is said and told in it stays found.
    assert found("lübeck feuerwerk") == {"Sommerfest in Lübeck"}
    assert found("kiel") == set()

    moment = kiel.moments.get()
    moment.clip = bonn
    moment.save()
    assert found("bonn feuerwerk") == {"Debatte in Bonn"}
    assert found("lübeck feuerwerk") == set()
    Moment.objects.create(clip=kiel, kind="story", start=1, end=2, title="Segelregatta")
    Moment.objects.create(clip=kiel, kind="story", start=3, end=4, title="Musik am Hafen")
    assert found("lübeck segelregatta musik") == {"Sommerfest in Lübeck"}
    kiel.moments.filter(title="Segelregatta").delete()
    assert found("lübeck segelregatta") == set()
    assert found("lübeck musik") == {"Sommerfest in Lübeck"}

    claim = bonn.claims.get()
    claim.text = "Die Busse fahren pünktlich"
    claim.save()
    assert found("bonn mieten") == set()
    assert found("bonn busse") == {"Debatte in Bonn"}
    Claim.objects.create(clip=bonn, text="Der Rhein ist sauber")
    claim.delete()
    assert found("bonn busse") == set()
    assert found("bonn rhein") == {"Debatte in Bonn"}

    segment = TranscriptSegment.objects.get()
    segment.text = "Sonne satt"
    segment.save()
    assert found("bremen sturmflut") == set()
    assert found("bremen sonne") == {"Regen in Bremen"}
    segment.clip = bonn  # a segment moved to another clip
    segment.save()
    assert found("bremen sonne") == set()
    assert found("bonn sonne") == {"Debatte in Bonn"}
    segment.delete()
    assert found("bonn sonne") == set()


def test_moments_and_claims_follow_their_clips_language(db):
    """Without a language of their own they are stemmed by their clip's."""
    clip = make_clip("Evening news", language="en")
    Moment.objects.create(clip=clip, kind="story", start=1, end=2, title="Die Wahlen")
    Claim.objects.create(clip=clip, text="Die Renten steigen")
    assert found("evening wahl") == set()  # English stems keep "wahlen"
    assert found("evening rente") == set()
    clip.language = "de"
    clip.save()
    # Each word's clips off its text are kept per catalogue version, which PostgreSQL
    # raises on commit: this test's transaction never commits.
    cache.clear()
    assert found("evening wahl") == {"Evening news"}
    assert found("evening rente") == {"Evening news"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's document joins the parts")
def test_a_phrase_spans_no_two_parts(db):
    """As when each segment and moment had a row of its own (before migration 0016)."""
    clip = make_clip(
        "Nachrichten",
        language="de",
        transcripts=[
            TranscriptRecord(
                "de",
                "manual",
                [SegmentRecord(0.0, 2.0, "Die Brücke"), SegmentRecord(2, 4, "Hafen")],
            )
        ],
    )
    Moment.objects.create(
        clip=clip, kind="story", start=1, end=2, title="Neue Brücke", description="Hafen zu"
    )
    assert found('"brücke hafen"') == set()
    assert found('"neue brücke"') == {"Nachrichten"}


def test_a_clip_found_by_a_claim_shows_it(client, clips, django_assert_num_queries):
    """Its card quotes the claim and links to it on the clip page (at its moment's time
    when it has one). The page reads the claims of the clips that neither their text,
    a moment nor a transcript explains, in one query: version, window, count, clips,
    their tags, boilerplate, moments, transcripts, claims and four facet queries."""
    url = reverse("catalog:clip_list")
    client.get(url, {"q": "mieten", "warm": "1"})  # the language cache
    with django_assert_num_queries(13):
        html = client.get(url, {"q": "mieten"}).content.decode()
    bonn = clips["bonn"]
    claim = bonn.claims.get()
    assert f'href="{bonn.get_absolute_url()}#claim-{claim.pk}"' in html
    assert "Die <mark>Mieten</mark> sinken seit Jahren" in html

    moment = Moment.objects.create(clip=bonn, kind="claim", start=462, end=470, title="Aussage")
    claim.moment = moment
    claim.save()
    html = client.get("/de/", {"q": "weber"}).content.decode()
    assert f'href="/de/clips/{bonn.pk}/?t=462#claim-{claim.pk}"' in html
    assert 'aria-label="Behauptung bei 7:42"' in html
    assert "Senatorin <mark>Weber</mark>" in html


@pytest.mark.django_db(transaction=True)
def test_migration_0016_indexes_what_is_catalogued(clips):
    call_command("migrate", "catalog", "0015", verbosity=0)
    call_command("migrate", "catalog", verbosity=0)
    assert found("kiel feuerwerk") == {"Hafenfest in Kiel"}
    assert found("bonn weber") == {"Debatte in Bonn"}
    assert found("bremen sturmflut") == {"Regen in Bremen"}
    Moment.objects.create(clip=clips["bonn"], kind="story", start=1, end=2, title="Brückenbau")
    assert found("bonn brückenbau") == {"Debatte in Bonn"}  # and the triggers are back


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps tags apart")
def test_a_clips_tags_and_claims_are_in_its_document_and_follow_every_change(db):
    """Migration 0019: a word naming a big tag is not looked up in each of its clips,
    and a several-words page can walk its list (catalog.search.postgres_parts)."""
    kiel = make_clip("Wahl in Kiel", tags=["Hafen"], language="de")

    def in_document(word):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT clip_id FROM catalog_clipsearch WHERE document @@ newsclips_tsquery(%s)",
                [word],
            )
            return {row[0] for row in cursor.fetchall()}

    assert in_document("hafen") == {kiel.pk}
    assert in_document("häfen") == {kiel.pk}  # the tag's words by every stemming
    Tag.objects.filter(slug="hafen").update(slug="werft")
    assert in_document("hafen") == set()
    assert in_document("werft") == {kiel.pk}
    kiel.tags.clear()
    assert in_document("werft") == set()
    assert found("wahl werft") == set()

    claim = Claim.objects.create(clip=kiel, text="Die Werft schließt", claimant="Ein Minister")
    assert in_document("werft") == in_document("minister") == {kiel.pk}
    assert found("wahl werft") == {"Wahl in Kiel"}
    claim.text = "Der Hafen wächst"
    claim.save()
    assert in_document("werft") == set()
    assert in_document("hafen") == {kiel.pk}
    claim.delete()
    assert in_document("hafen") == in_document("minister") == set()
