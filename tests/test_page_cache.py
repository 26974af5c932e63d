"""What the site keeps per catalogue version: whole pages, cards, the lists' sidebars.

Pinned by query counts; a write must show on the next request, in every language.
"""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Claim, Clip, StoryThread, ThreadClip
from catalog.versioning import forget_local_pages

from .factories import make_clip

pytestmark = pytest.mark.django_db
# PostgreSQL raises the catalogue version when a transaction commits.
committed = pytest.mark.django_db(transaction=True)

HOME = reverse("catalog:clip_list")


@pytest.fixture
def clips(db):
    return [
        make_clip(f"Clip {n}", tags=["ukraine", f"topic-{n}"], channel="Global Desk")
        for n in range(3)
    ]


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_a_card_is_rendered_once_per_version_for_every_list(client, clips):
    client.get(HOME + "?q=nothing-matches")  # the filter's languages; a search keeps no cards
    fresh, _ = _queries(client, HOME + "?tag=ukraine&a=1")
    # The same clips on another list (a URL of its own, its facets counted again):
    # their cards from the cache, without the read of their tags.
    kept, response = _queries(client, HOME + "?tag=ukraine&a=2")

    assert kept == fresh - 1
    assert response.content.decode().count('class="card"') == 3
    assert "#topic-1" in response.content.decode()


def test_cards_keep_their_language_and_url_prefix(client, clips):
    english = client.get(HOME).content.decode()
    german = client.get("/de/").content.decode()

    assert f'href="/clips/{clips[0].pk}/"' in english
    assert f'href="/de/clips/{clips[0].pk}/"' in german
    assert 'href="/de/tags/topic-0/"' in german
    assert 'href="/tags/topic-0/"' in english


def test_a_searchs_cards_highlight_and_are_not_kept(client, clips):
    search = client.get(HOME + "?q=Clip").content.decode()
    home = client.get(HOME + "?again=1").content.decode()

    assert "<mark>" in search
    assert "<mark>" not in home
    assert home.count('class="card"') == 3


def test_the_sidebar_is_rendered_once_per_version_and_query(client, clips, settings):
    settings.NEWSCLIPS_PAGE_CACHE = False
    first = client.get(HOME + "?channel=global-desk").content.decode()
    # Another page of the same list: its facets and sidebar are the same.
    again = client.get(HOME + "?channel=global-desk&cursor=").content.decode()

    for html in (first, again):
        assert '<form class="filters" method="get"' in html  # markup, not escaped text
        assert 'value="global-desk"' in html
    other = client.get(HOME + "?channel=nordfunk").content.decode()
    assert 'value="nordfunk"' in other


def test_with_the_page_cache_off_every_request_builds_its_page(client, clips, settings):
    client.get(HOME)  # kept while the setting was on
    settings.NEWSCLIPS_PAGE_CACHE = False

    first, _ = _queries(client, HOME)
    again, response = _queries(client, HOME)

    assert first == again > 1  # not answered from the copy kept before
    assert response.content.decode().count('class="card"') == 3


@committed
def test_a_write_shows_on_the_next_request_of_every_kept_page(client, clips):
    clip = clips[0]
    urls = [HOME, "/de/", clip.get_absolute_url(), reverse("catalog:tag_detail", args=["ukraine"])]
    for url in urls:
        assert "Clip 0" in client.get(url).content.decode()

    with transaction.atomic():
        Clip.objects.filter(pk=clip.pk).update(title="Renamed at once")

    for url in urls:
        html = client.get(url).content.decode()
        assert "Renamed at once" in html, url
        assert ">Clip 0<" not in html, url


@committed
def test_threads_and_claims_pages_are_kept_too(client, clips):
    """Their views are cached_page like the lists: a repeat is the kept copy (one read
    of the catalogue version), a write shows on the next request."""
    thread = StoryThread.objects.create(name="Winter front", slug="winter-front")
    ThreadClip.objects.create(thread=thread, clip=clips[0])
    Claim.objects.create(clip=clips[1], text="Heating costs doubled")
    threads, claims = reverse("catalog:thread_list"), reverse("catalog:claim_list")
    urls = [threads, thread.get_absolute_url(), claims]
    for url in urls:
        first, built = _queries(client, url)
        again, kept = _queries(client, url)
        assert first > again == 1, url
        assert kept.content == built.content, url

    with transaction.atomic():
        StoryThread.objects.filter(pk=thread.pk).update(name="Winter front, week two")
        Claim.objects.update(text="Heating costs tripled")
    assert "Winter front, week two" in client.get(urls[0]).content.decode()
    assert "Winter front, week two" in client.get(urls[1]).content.decode()
    assert "Heating costs tripled" in client.get(urls[2]).content.decode()


def test_rendering_the_cards_reads_their_tags_once_for_the_whole_page(client):
    counts = []
    for total in (1, 30):
        while Clip.objects.count() < total:
            make_clip(f"More {Clip.objects.count()}", tags=["ukraine", "more"])
        cache.clear()  # every card rendered, the facets counted
        count, response = _queries(client, HOME + f"?n={total}")
        counts.append(count)
        assert response.content.decode().count('class="card"') == min(total, 24)

    assert counts[0] == counts[1]


def test_a_new_release_renders_its_own_cards_and_sidebar(client, clips, monkeypatch, settings):
    """A shared cache outlives a deploy: fragments of HTML are keyed by the release."""
    from catalog import views
    from catalog.browse import cards

    settings.NEWSCLIPS_PAGE_CACHE = False
    client.get(HOME)
    same, _ = _queries(client, HOME + "?a=1")
    monkeypatch.setattr(cards, "RELEASE", "next-release")
    monkeypatch.setattr(views, "RELEASE", "next-release")
    fresh, _ = _queries(client, HOME + "?a=2")  # its facets counted, as for ?a=1

    assert fresh == same + 1  # the cards' tags read again to render them anew


@pytest.fixture
def shared_cache(settings, tmp_path):
    """A cache outside the process (files here; Redis or the database in production)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    forget_local_pages()
    yield cache
    cache.clear()
    forget_local_pages()


def test_with_a_shared_cache_the_process_keeps_its_own_copy_of_a_page(client, clips, shared_cache):
    built = client.get(HOME).content
    shared_cache.clear()  # another app server's eviction: this process still has the page

    queries, response = _queries(client, HOME)

    assert queries == 1  # the catalogue version
    assert response.content == built


@committed
def test_the_process_copy_is_of_one_version(client, clips, shared_cache):
    client.get(HOME)
    Clip.objects.filter(pk=clips[0].pk).update(title="Renamed in one process")

    assert "Renamed in one process" in client.get(HOME).content.decode()
