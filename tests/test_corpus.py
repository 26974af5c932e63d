"""The synthetic corpus of the benches (manage.py generate_corpus, catalog.benchdata):
deterministic per seed, counts kept, and findable as clips stored one by one are."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count

from catalog import search
from catalog.models import Channel, Clip, Tag

from .factories import make_clip

pytestmark = pytest.mark.django_db
OPTIONS = {"clips": 60, "seed": 7, "channels": 5, "tags": 40, "verbosity": 0}


def _corpus_snapshot():
    clips = Clip.objects.filter(platform="synthetic").order_by("external_id")
    return [
        (
            c.external_id,
            c.title,
            c.description,
            c.channel.slug,
            c.published_at,
            c.published_precision,
            c.language,
            sorted(t.slug for t in c.tags.all()),
            len(c.transcript_segments.all()),
        )
        for c in clips.select_related("channel").prefetch_related("tags", "transcript_segments")
    ]


def test_generate_corpus_is_deterministic_and_keeps_tag_counts(db):
    call_command("generate_corpus", **OPTIONS)
    first = _corpus_snapshot()
    assert len(first) == 60
    assert all(3 <= len(clip[7]) <= 8 for clip in first)
    assert {clip[6] for clip in first} >= {"de", "en"}
    counts = Tag.objects.annotate(n=Count("clip_tags")).values_list("clip_count", "n")
    assert all(kept == actual for kept, actual in counts)
    counts = Channel.objects.annotate(n=Count("clips")).values_list("clip_count", "n")
    assert all(kept == actual for kept, actual in counts)

    with pytest.raises(CommandError, match="seed 7 is already loaded"):
        call_command("generate_corpus", **OPTIONS)
    Clip.objects.filter(platform="synthetic").delete()
    call_command("generate_corpus", **OPTIONS)
    assert _corpus_snapshot() == first
    # A new clip after the load gets a fresh id (the sequences moved on).
    assert make_clip("After").pk > max(
        Clip.objects.filter(platform="synthetic").values_list("pk", flat=True)
    )


def _found(word):
    return set(search.search(Clip.objects.all(), word).values_list("pk", flat=True))


def test_a_generated_clip_is_found_by_its_tags_moments_and_transcript(db):
    """The documents are written once after the load on PostgreSQL (not by the
    triggers, part by part): each part is in them."""
    call_command("generate_corpus", **OPTIONS)
    generated = Clip.objects.filter(platform="synthetic")
    tagged = generated.filter(tags__isnull=False).first()
    with_moments = generated.filter(moments__isnull=False).first()
    transcribed = generated.filter(transcript_segments__isnull=False).first()
    moment = with_moments.moments.order_by("start").first()
    segment = transcribed.transcript_segments.order_by("start").first()

    assert tagged.pk in _found(tagged.tags.order_by("slug").first().slug)
    assert with_moments.pk in _found(max(moment.title.split(), key=len))
    assert transcribed.pk in _found(max(segment.text.split(), key=len))


def test_postgresql_writes_each_generated_clips_document_as_its_triggers_would(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's documents only (SQLite's index has no bulk path)")
    call_command("generate_corpus", **OPTIONS)
    with connection.cursor() as cursor:
        # strip(): the positions of a clip's tags follow the order a join returns them.
        cursor.execute(
            """SELECT count(*) FROM catalog_clip c
            LEFT JOIN catalog_clipsearch s ON s.clip_id = c.id
            WHERE s.clip_id IS NULL
               OR strip(s.transcript) IS DISTINCT FROM strip(newsclips_clip_transcript(c.id))
               OR s.meta IS DISTINCT FROM
                  newsclips_clip_meta(c.title, c.description, c.language, c.channel_id)"""
        )
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'")
        assert cursor.fetchall() == []


def test_a_failed_bulk_load_leaves_the_triggers_on(db):
    with (
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
        connection.cursor() as cursor,
        search.bulk_load(cursor),
    ):
        make_clip("Half-loaded")
        1 / 0  # noqa: B018 - the load fails here
    assert not Clip.objects.filter(title="Half-loaded").exists()
    make_clip("Stored one by one", description="Winterdienst")
    assert _found("Winterdienst") == set(
        Clip.objects.filter(title="Stored one by one").values_list("pk", flat=True)
    )
