"""A tag's page lists its clips and its moments; each moment links to its clip at its time."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Moment, Tag
from catalog.templatetags.moments import TAG_PAGE_MOMENTS
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


@pytest.fixture
def wahl():
    return Tag.objects.create(name="Wahl", slug="wahl")


def _moment(clip, tag, start, title):
    moment = Moment.objects.create(clip=clip, kind="story", start=start, end=start + 5, title=title)
    moment.tags.add(tag)
    return moment


def test_the_tag_page_lists_clips_and_moments(client, wahl):
    tagged_clip = make_clip("Wahlabend", tags=["wahl"])
    bulletin = make_clip("Abendnachrichten", language="de", published=(2024, 6, 1))
    _moment(bulletin, wahl, 462, "Die <i>Wahl</i> in Sachsen")
    make_clip("Unrelated")
    html = client.get(wahl.get_absolute_url()).content.decode()
    assert "Wahlabend" in html and "Unrelated" not in html
    assert (
        f'<a href="{bulletin.get_absolute_url()}?t=462#player" class="timestamp">7:42</a>' in html
    )
    assert "Die &lt;i&gt;Wahl&lt;/i&gt; in Sachsen" in html
    assert html.index("Die &lt;i&gt;Wahl") < html.index(tagged_clip.title)


def test_a_tag_page_with_only_moments_shows_them(client, wahl):
    clip = make_clip("Bulletin")
    _moment(clip, wahl, 10, "Only here")
    html = client.get(wahl.get_absolute_url()).content.decode()
    assert "Only here" in html


def test_tag_page_moments_cost_the_same_queries_however_many(client, wahl, settings):
    settings.NEWSCLIPS_PAGE_CACHE = False  # the page built each time: its queries counted
    clip = make_clip("Bulletin", duration=9999)
    _moment(clip, wahl, 1, "First")
    url = wahl.get_absolute_url()
    client.get(url)

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(TAG_PAGE_MOMENTS + 5):
        _moment(make_clip(f"Clip {n}"), wahl, n, f"Moment {n}")
    # A new catalogue version, and new cached parts with it; on PostgreSQL the test's
    # transaction never commits (no new version), so start again from an empty cache.
    cache.clear()
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many.captured_queries) == len(one.captured_queries)
    assert html.count('class="moment moment--story"') == TAG_PAGE_MOMENTS
    assert "The newest 20 moments." in html


@pytest.mark.django_db(transaction=True)  # PostgreSQL raises the version at commit
def test_a_tags_moments_are_read_once_per_version_for_every_page_of_the_tag(client, wahl, settings):
    settings.NEWSCLIPS_PAGE_CACHE = False  # pages built each time: the moments' own cache
    clip = make_clip("Bulletin")
    _moment(clip, wahl, 10, "First moment")
    url = wahl.get_absolute_url()
    client.get(url)

    # Another page of the tag (a filter): the same moments, not read again.
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url + "?language=en").content.decode()
    assert "First moment" in html
    assert not [q for q in queries.captured_queries if "catalog_moment_tags" in q["sql"]]
    # Per language: the German page has its own links and words.
    german = client.get("/de" + url).content.decode()
    assert f'href="/de/clips/{clip.pk}/?t=10#player"' in german
    assert "Momente" in german

    _moment(clip, wahl, 20, "Second moment")  # a write: a new version
    assert "Second moment" in client.get(url + "?language=en").content.decode()
