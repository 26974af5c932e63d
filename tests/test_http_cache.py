"""Pages a cache can serve: no cookies, Vary only on what changes them, validators, 304s."""

import gzip
from contextlib import nullcontext

import pytest
from django.db import connection, transaction
from django.urls import reverse

from catalog.models import CatalogueVersion, Clip, Tag

from .factories import make_clip

pytestmark = pytest.mark.django_db
# PostgreSQL raises the catalogue version when a transaction commits: tests of a
# change must commit it (the default test transaction never does).
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pages(catalogue):
    """The public pages of the issue (and the other ways out of a list) by name."""
    ukraine, _bundestag = catalogue
    return {
        "home": reverse("catalog:clip_list"),
        "tag": reverse("catalog:tag_detail", args=["ukraine"]),
        "channel": reverse("catalog:channel_detail", args=["nordfunk"]),
        "clip": ukraine.get_absolute_url(),
        "search": reverse("catalog:clip_list") + "?q=winter",
        "feed": reverse("catalog:feed_atom"),
        "export": reverse("catalog:export_csv"),
        "api": reverse("api:clip-list"),
        "german home": "/de/",
    }


def _vary(response):
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def test_anonymous_pages_set_no_cookie_and_are_public_with_a_validator(client, pages):
    for name, url in pages.items():
        response = client.get(url)

        assert response.status_code == 200, name
        assert not response.cookies, name
        assert "Set-Cookie" not in response, name
        assert "cookie" not in _vary(response), name
        assert response["Cache-Control"] == "public, max-age=60", name
        assert response["ETag"].startswith('W/"'), name
    assert not client.cookies


def test_a_conditional_get_is_answered_304_without_building_the_page(
    client, pages, django_assert_num_queries
):
    for name, url in pages.items():
        etag = client.get(url)["ETag"]
        # One single-row read of the catalogue version; the API's throttle runs first
        # and its page is compared after (see CHECKED_AFTER), so it is built.
        with django_assert_num_queries(1) if name != "api" else nullcontext():
            response = client.get(url, headers={"if-none-match": etag})

        assert response.status_code == 304, name
        assert response.content == b"", name
        assert response["ETag"] == etag, name
        assert response["Cache-Control"] == "public, max-age=60", name
        assert "cookie" not in _vary(response), name


def test_a_revalidation_is_answered_before_the_other_middleware(client, pages, monkeypatch):
    """A 304 costs little more than /healthz: no session, language or CSRF work, yet
    the same headers as a 304 from the full path."""
    english = {
        name: client.get(url, headers={"accept-language": "en"}) for name, url in pages.items()
    }
    german_home = client.get(pages["german home"], headers={"accept-language": "en"})

    def full_path(self, request):
        raise AssertionError(f"the full path ran for {request.path}")

    monkeypatch.setattr("newsclips.locale.LocaleMiddleware.__call__", full_path)
    for name, first in english.items():
        if name == "api":  # its throttle runs for every request (CHECKED_AFTER)
            continue
        response = client.get(
            pages[name], headers={"accept-language": "en", "if-none-match": first["ETag"]}
        )
        assert response.status_code == 304, name
        assert response["ETag"] == first["ETag"], name
        assert response["Cache-Control"] == "public, max-age=60", name
        assert _vary(response) == _vary(first), name
        assert response["Content-Language"] == first["Content-Language"], name
    german = client.get(
        pages["german home"],
        headers={"accept-language": "en", "if-none-match": german_home["ETag"]},
    )
    assert german.status_code == 304
    assert german["Content-Language"] == "de"
    assert _vary(german) == {"accept-encoding"}
    # Another language asked for: another page, built by the full path.
    with pytest.raises(AssertionError, match="the full path ran"):
        client.get(
            pages["home"],
            headers={"accept-language": "de", "if-none-match": english["home"]["ETag"]},
        )


@pytest.mark.parametrize(
    ("conditions", "status"),
    [
        ({"if-none-match": "{etag}"}, 304),  # what browsers send back
        ({"if-none-match": '"other", {etag}'}, 304),  # a cache holding several variants
        ({"if-none-match": "*"}, 304),
        ({"if-none-match": "{strong}"}, 304),  # If-None-Match compares weakly
        ({"if-none-match": '"other"'}, 200),
        ({"if-none-match": "{etag}", "if-match": '"other"'}, 412),
        ({"if-none-match": "{etag}", "if-unmodified-since": "Mon, 01 Jan 2001 00:00:00 GMT"}, 412),
        ({"if-modified-since": "Mon, 01 Jan 2001 00:00:00 GMT"}, 200),  # no Last-Modified
    ],
)
def test_the_early_answer_follows_the_rules_of_conditional_requests(
    client, pages, monkeypatch, conditions, status
):
    """The early path answers the common case (the ETag sent back as it came) without
    parsing the conditional headers; every other combination gets the answer Django's
    own evaluation (RFC 9110 13.2.2) gives on the full path, as with the cache off."""
    etag = client.get(pages["tag"])["ETag"]
    headers = {
        name: value.format(etag=etag, strong=etag.removeprefix("W/"))
        for name, value in conditions.items()
    }

    early = client.get(pages["tag"], headers=headers)
    monkeypatch.setattr("newsclips.http_cache.early_etag", lambda request: None)
    full = client.get(pages["tag"], headers=headers)

    assert early.status_code == status
    assert full.status_code == status
    if status == 304:
        assert early["ETag"] == full["ETag"] == etag
        assert early["Cache-Control"] == full["Cache-Control"] == "public, max-age=60"


def test_a_kept_page_is_answered_before_the_other_middleware(client, pages, monkeypatch):
    """The same bytes and headers as when it was built, without the session, language,
    CSRF, CSP or frame middleware running again."""
    built = {name: client.get(url) for name, url in pages.items() if name not in ("api",)}

    def full_path(self, request):
        raise AssertionError(f"the full path ran for {request.path}")

    monkeypatch.setattr("newsclips.locale.LocaleMiddleware.__call__", full_path)
    for name, first in built.items():
        if name in ("feed", "export"):  # not kept (catalog.versioning.cached_page)
            continue
        again = client.get(pages[name])
        assert again.status_code == 200, name
        assert again.content == first.content, name
        assert dict(again.items()) == dict(first.items()), name
    # Another language: another page, built by the full path.
    with pytest.raises(AssertionError, match="the full path ran"):
        client.get(pages["home"], headers={"accept-language": "de"})


@pytest.mark.parametrize("name", ["home", "tag", "channel", "clip", "search"])
def test_pages_are_kept_gzipped_for_readers_who_take_gzip(client, pages, monkeypatch, name):
    gzip_reader = {"accept-encoding": "gzip, deflate, br, zstd"}  # what browsers send
    plain = client.get(pages[name])
    packed = client.get(pages[name], headers=gzip_reader)

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 2
    assert packed["ETag"] == plain["ETag"]  # weak: the same page, either way
    assert "accept-encoding" in _vary(plain) and "accept-encoding" in _vary(packed)

    # Both copies kept apart and answered before the other middleware.
    def full_path(self, request):
        raise AssertionError(f"the full path ran for {request.path}")

    monkeypatch.setattr("newsclips.locale.LocaleMiddleware.__call__", full_path)
    assert client.get(pages[name], headers=gzip_reader).content == packed.content
    assert client.get(pages[name]).content == plain.content
    revalidated = client.get(pages[name], headers={**gzip_reader, "if-none-match": plain["ETag"]})
    assert revalidated.status_code == 304
    assert _vary(revalidated) == _vary(packed)


def test_a_revalidation_for_an_unknown_host_is_refused(client, pages):
    etag = client.get(pages["tag"])["ETag"]

    response = client.get(pages["tag"], headers={"if-none-match": etag}, HTTP_HOST="evil.example")

    assert response.status_code == 400


def test_vary_names_accept_language_only_where_it_decides(client, pages):
    home = client.get(pages["home"], headers={"accept-language": "de"})
    german = client.get(pages["german home"], headers={"accept-language": "en"})

    assert _vary(home) == {"accept-language", "accept-encoding"}
    assert _vary(german) == {"accept-encoding"}  # gzip or not (GZipMiddleware)
    assert home["Content-Language"] == german["Content-Language"] == "de"
    # The same URL in two languages: two validators, so a cache never swaps them.
    english = client.get(pages["home"], headers={"accept-language": "en"})
    assert english["ETag"] != home["ETag"]
    revalidated = client.get(
        pages["home"], headers={"accept-language": "en", "if-none-match": home["ETag"]}
    )
    assert revalidated.status_code == 200
    assert '<html lang="en">' in revalidated.content.decode()


def test_max_age_is_configurable(client, pages, settings):
    settings.NEWSCLIPS_PAGE_MAX_AGE = 5

    assert client.get(pages["tag"])["Cache-Control"] == "public, max-age=5"


@committed
def test_an_import_changes_the_page_once_its_max_age_is_over(client, catalogue, pages):
    """What a cache does after max-age: revalidate. Its old copy is then replaced."""
    clip_page = client.get(pages["clip"])
    home = client.get(pages["home"])

    make_clip(  # the same clip again (platform and id), with a new title
        "Frontline towns brace for a hard winter",
        external_id=catalogue[0].external_id,
        tags=["Ukraine", "war"],
        channel="Global Desk",
        published=(2024, 11, 2, 8, 30),
        precision="time",
    )
    make_clip("Grain corridor reopens", tags=["ukraine"], channel="Global Desk")

    for before in (clip_page, home):
        url = pages["clip"] if before is clip_page else pages["home"]
        after = client.get(url, headers={"if-none-match": before["ETag"]})
        assert after.status_code == 200
        assert after["ETag"] != before["ETag"]
        assert "Frontline towns brace for a hard winter" in after.content.decode()
    # The page was built again (not the kept copy of the old version), its facets
    # counted again, not taken from the cache of the old version.
    assert after.context["facets"].total == 3


@committed
def test_a_new_language_is_offered_by_the_next_version_of_the_page(client, pages):
    """The language filter's choices are cached too: per version, never beyond it."""
    assert 'value="fr"' not in client.get(pages["home"]).content.decode()

    make_clip("Les villes du front se préparent", language="fr")

    assert 'value="fr"' in client.get(pages["home"]).content.decode()


@committed
def test_a_transaction_raises_the_version_when_it_commits(catalogue):
    before = CatalogueVersion.objects.current()
    with transaction.atomic():
        for n in range(3):
            make_clip(f"Batch {n}", tags=["batch"], channel="Batch Desk")
        inside = CatalogueVersion.objects.current()

    assert CatalogueVersion.objects.current() != before
    if connection.vendor == "postgresql":
        # Once, at commit, together with the data: no reader sees the new number early.
        assert inside == before
        assert CatalogueVersion.objects.current() == before + 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM catalog_version_pending")
            assert cursor.fetchone() == (0,)


@committed
def test_every_way_of_writing_changes_the_version(catalogue):
    """Triggers, not signals: bulk updates and deletes count too."""
    versions = [CatalogueVersion.objects.current()]
    Clip.objects.filter(pk=catalogue[0].pk).update(title="Renamed in bulk")
    versions.append(CatalogueVersion.objects.current())
    Tag.objects.filter(slug="war").delete()
    versions.append(CatalogueVersion.objects.current())
    Clip.objects.filter(pk=catalogue[1].pk).delete()
    versions.append(CatalogueVersion.objects.current())

    assert len(set(versions)) == 4


def test_reading_pages_changes_nothing(client, pages):
    version = CatalogueVersion.objects.current()
    for url in pages.values():
        client.get(url)

    assert CatalogueVersion.objects.current() == version


def test_facets_are_counted_once_per_version(client, catalogue, django_assert_num_queries):
    url = reverse("catalog:tag_detail", args=["ukraine"])
    # The filter form's languages, the cards and the tag's moments, cached.
    client.get(url + "?warm=1")
    with django_assert_num_queries(8):
        first = client.get(url)
    # Another page of the same list (a URL of its own, so the page is built): the
    # version, the tag, the page of clips; the facets, the sidebar, the cards and the
    # tag's moments come from the cache.
    with django_assert_num_queries(3):
        again = client.get(url + "?page=1")

    assert again.context["facets"] == first.context["facets"]


@pytest.mark.parametrize("name", ["home", "tag", "channel", "clip", "search", "german home"])
def test_a_page_is_built_once_per_version_and_url(client, pages, name, django_assert_num_queries):
    url = pages[name]
    first = client.get(url)
    # The catalogue version, then the page as it was built.
    with django_assert_num_queries(1):
        again = client.get(url)

    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=60"
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert again.get("Vary") == first.get("Vary")


def test_editors_pages_are_built_for_each_request(client, admin_client, pages):
    client.get(pages["home"])  # kept for readers
    admin_client.get(pages["home"])

    again = admin_client.get(pages["home"])

    assert again.context is not None  # rendered, not the readers' page from the cache
    assert "Editors' admin" in again.content.decode()
    assert "private" in again["Cache-Control"]


def test_logged_in_staff_get_private_responses(admin_client, pages):
    for name in ("home", "clip", "tag"):
        response = admin_client.get(pages[name])

        assert response.status_code == 200
        assert "public" not in response["Cache-Control"], name
        assert "private" in response["Cache-Control"], name
        assert "no-store" in response["Cache-Control"], name
        assert "ETag" not in response, name
    admin = admin_client.get(reverse("admin:index"))
    assert "private" in admin["Cache-Control"]
