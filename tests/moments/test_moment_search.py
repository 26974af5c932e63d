"""Moments in the full-text search: found, ranked, kept in sync, a hit links to its time.

Runs on SQLite (FTS5) and, under scripts/test-postgres, on PostgreSQL (tsvector).
"""

import pytest
from django.urls import reverse

from catalog.models import Clip, Moment
from catalog.search import by_relevance, search
from tests.factories import make_clip
from tests.test_search import query_form  # noqa: F401  every query form finds the same

pytestmark = pytest.mark.django_db


def found(q):
    return set(search(Clip.objects.all(), q).values_list("title", flat=True))


@pytest.fixture
def bulletin():
    clip = make_clip("Abendnachrichten", language="de", duration=1200)
    Moment.objects.create(
        clip=clip,
        kind="story",
        start=462,
        end=470,
        title="Streit um das Heizungsgesetz",
        description="Die Koalition <b>ringt</b> um Kompromisse.",
    )
    Moment.objects.create(
        clip=clip, kind="claim", start=600, end=610, title="Inflation claim", language="en"
    )
    make_clip("Wetter", language="de")
    return clip


def test_a_moment_title_or_description_finds_its_clip(bulletin, query_form):  # noqa: F811
    assert found("Heizungsgesetz") == {"Abendnachrichten"}
    assert found("Kompromiss") == {"Abendnachrichten"}  # stemmed by the clip's language
    assert found("inflation") == {"Abendnachrichten"}  # the moment's own language
    assert found("Heizungsgesetz -Koalition") == set()
    assert found("Heizungsgesetz Wetter") == set()


def test_the_index_follows_edits_and_deletions(bulletin):
    moment = bulletin.moments.get(kind="story")
    moment.title = "Debatte zur Rente"
    moment.description = ""
    moment.save()
    assert found("Heizungsgesetz") == set()
    assert found("Rente") == {"Abendnachrichten"}
    moment.delete()
    assert found("Rente") == set()
    Moment.objects.bulk_create(
        [Moment(clip=bulletin, kind="segment", start=1, end=2, title="Bulk Schulden")]
    )
    assert found("Schulden") == {"Abendnachrichten"}


def test_a_hit_in_a_moment_links_to_its_time(client, bulletin):
    html = client.get(reverse("catalog:clip_list"), {"q": "Heizungsgesetz"}).content.decode()
    url = bulletin.get_absolute_url()
    assert f'href="{url}?t=462#player"' in html
    assert 'aria-label="Moment at 7:42"' in html
    assert ">7:42</a> Streit um das <mark>Heizungsgesetz</mark>" in html

    html = client.get(reverse("catalog:clip_list"), {"q": "ringt"}).content.decode()
    assert "Die Koalition &lt;b&gt;<mark>ringt</mark>&lt;/b&gt; um Kompromisse." in html
    assert "<b>ringt" not in html


def test_a_moment_hit_ranks_above_a_transcript_only_hit(bulletin):
    make_clip("Morgenmagazin", language="de", description="Heute: das Heizungsgesetz.")
    make_clip("Heizungsgesetz beschlossen", language="de")
    ranked = by_relevance(search(Clip.objects.all(), "Heizungsgesetz"), "Heizungsgesetz")
    titles = [clip.title for clip in ranked]
    assert titles[0] == "Heizungsgesetz beschlossen"  # the title weighs most
    assert titles.index("Abendnachrichten") < titles.index("Morgenmagazin")
