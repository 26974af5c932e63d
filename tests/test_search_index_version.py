"""SQLite's search index has a version of its own (catalog.search.sqlite): what only the
index decides (each word's clips off its text, catalog.search.conjunction) is read once
per version of the index, so a write the index does not follow (an availability check)
leaves it kept, while every write it follows (a tag, a transcript, a title) reads it
again and the search finds what changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import AvailabilityCheck, CatalogueVersion, ClipTag, Tag, TranscriptSegment
from catalog.search import sqlite

from .factories import make_clip

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="the index's own version is SQLite's (PostgreSQL reads no clips off their text)",
    ),
]

URL = reverse("catalog:clip_list")


def _off_text_reads(client, query, **more):
    """The page's clips (titles) and how many off-text reads building it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": query, **more})
    reads = [q for q in queries.captured_queries if "'said'" in q["sql"]]
    return {clip.title for clip in response.context["clips"]}, len(reads)


def _index_version():
    return sqlite.index_version(connection)


def test_a_write_the_index_does_not_follow_keeps_the_words_clips_off_their_text(client):
    clip = make_clip("Hafen im Sturm", tags=["wahl"])
    make_clip("Hafen ohne Wahl")
    found, reads = _off_text_reads(client, "hafen wahl")
    assert found == {"Hafen im Sturm", "Hafen ohne Wahl"}
    assert reads == 2  # one per word
    catalogue, index = CatalogueVersion.objects.current(), _index_version()

    AvailabilityCheck.objects.create(clip=clip, status="available")

    assert CatalogueVersion.objects.current() != catalogue  # the pages change
    assert _index_version() == index  # the index does not
    again, reads = _off_text_reads(client, "hafen wahl", other="1")
    assert again == found
    assert reads == 0


@pytest.mark.parametrize("change", ["tag", "transcript", "title"])
def test_every_write_the_index_follows_reads_them_again(client, change):
    clip = make_clip("Hafen am Abend")
    make_clip("Unwetter", tags=["sturm"])  # the tag exists before: only the clip's tagging changes
    found, _reads = _off_text_reads(client, "hafen sturm")
    assert found == set()
    index = _index_version()

    if change == "tag":
        ClipTag.objects.create(clip=clip, tag=Tag.objects.get(slug="sturm"))
    elif change == "transcript":
        TranscriptSegment.objects.create(
            clip=clip, language="de", kind="manual", start=3.0, end=5.0, text="Der Sturm"
        )
    else:
        clip.title = "Hafen im Sturm"
        clip.save(update_fields=["title"])

    assert _index_version() != index
    again, reads = _off_text_reads(client, "hafen sturm", other="1")
    assert again == {clip.title}
    assert reads == 2


def test_removing_a_tag_is_followed_too(client):
    clip = make_clip("Hafen am Abend", tags=["sturm"])
    assert _off_text_reads(client, "hafen sturm")[0] == {"Hafen am Abend"}
    index = _index_version()

    ClipTag.objects.filter(clip=clip).delete()

    assert _index_version() != index
    assert _off_text_reads(client, "hafen sturm", other="1")[0] == set()
