"""Only staff write: every admin URL wants a staff login, every POST a CSRF token,
and the public pages answer only GET and HEAD."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLResolver, reverse

from catalog import ingest
from catalog.models import FollowedSource

pytestmark = pytest.mark.django_db

PUBLIC_ADMIN = {"login", "logout"}  # the way in and out are open by design
SAMPLE_KWARGS = {"app_label": "catalog", "content_type_id": "1"}


def _named_patterns(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _named_patterns(pattern.url_patterns)
        elif pattern.name:
            yield pattern


def _object_id(name):
    """The id of an existing object for a change/delete/history URL name."""
    for model in apps.get_models():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix) and name[len(prefix) :] in {"change", "delete", "history"}:
            obj = model._default_manager.order_by("pk").first()
            return str(obj.pk) if obj else "1"
    return "1"


def admin_urls():
    """Every named URL of the admin site, custom import pages included, with sample arguments."""
    urls = {}
    for pattern in _named_patterns(admin.site.get_urls()):
        if pattern.name in PUBLIC_ADMIN:
            continue
        names = pattern.pattern.regex.groupindex
        kwargs = {key: SAMPLE_KWARGS.get(key) or _object_id(pattern.name) for key in names}
        urls[pattern.name] = reverse(f"admin:{pattern.name}", kwargs=kwargs)
    return urls


@pytest.fixture
def rows(catalogue):
    """Some of everything the admin edits; returns a function that counts all rows."""
    job = ingest.start_url_job(["https://example.org/v/1"])
    assert job.pk
    FollowedSource.objects.create(url="https://www.youtube.com/@nordfunk")
    get_user_model().objects.create_user("reader", password="pw-reader-123")
    models = list(apps.get_app_config("catalog").get_models())
    models += [get_user_model(), apps.get_model("auth", "Group")]
    return lambda: {model.__name__: model._default_manager.count() for model in models}


def test_the_admin_urls_include_every_custom_page():
    urls = admin_urls()
    for name in (
        "catalog_clip_import_pagetext",
        "catalog_clip_add_from_urls",
        "catalog_clip_upload_infojson",
        "catalog_clip_changelist",
        "catalog_ingestjob_change",
        "catalog_followedsource_add",
        "auth_user_password_change",
        "index",
        "autocomplete",
    ):
        assert name in urls, name
    assert len(urls) > 40


def test_anonymous_visitors_are_sent_to_the_login_for_every_admin_url(client, rows):
    before = rows()
    for name, url in admin_urls().items():
        for method in (client.get, client.post):
            response = method(url, {"title": "x", "urls": "https://example.org/v"})
            assert response.status_code == 302, (name, url, method.__name__)
            assert response.url.startswith(reverse("admin:login")), (name, response.url)
    assert rows() == before


def test_users_who_are_not_staff_are_refused_everywhere(client, rows):
    user = get_user_model().objects.create_user("member", password="pw-member-123")
    client.force_login(user)
    before = rows()
    for name, url in admin_urls().items():
        for method in (client.get, client.post):
            response = method(url, {"title": "x", "urls": "https://example.org/v"})
            assert response.status_code in (302, 403), (name, url, response.status_code)
            if response.status_code == 302:
                assert response.url.startswith(reverse("admin:login")), (name, response.url)
    assert rows() == before


def test_every_admin_post_needs_the_csrf_token(rows):
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(get_user_model().objects.create_superuser("boss", "", "pw-boss-123"))
    before = rows()
    for name, url in admin_urls().items():
        response = staff.post(url, {"title": "x", "urls": "https://example.org/v", "post": "yes"})
        assert response.status_code == 403, (name, url, response.status_code)
        assert b"CSRF" in response.content, name
    assert rows() == before


def test_public_pages_are_read_only(client, catalogue):
    clip = catalogue[0]
    urls = [
        reverse("catalog:clip_list"),
        clip.get_absolute_url(),
        reverse("catalog:tag_list"),
        reverse("catalog:tag_detail", kwargs={"slug": "war"}),
        reverse("catalog:channel_list"),
        clip.channel.get_absolute_url(),
        reverse("catalog:feed_atom"),
        reverse("catalog:feed_rss"),
        reverse("catalog:tag_feed_atom", kwargs={"slug": "war"}),
        reverse("catalog:channel_feed_rss", kwargs={"slug": clip.channel.slug}),
        reverse("catalog:export_csv"),
        reverse("catalog:tag_export_jsonl", kwargs={"slug": "war"}),
        reverse("catalog:sitemap"),
        reverse("catalog:robots_txt"),
        reverse("api:clip-list"),
        reverse("api:clip-detail", kwargs={"pk": clip.pk}),
        reverse("api:tag-list"),
        reverse("api:channel-list"),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert client.head(url).status_code == 200, url
        for method in (client.post, client.put, client.patch, client.delete):
            assert method(url).status_code == 405, (url, method.__name__)
