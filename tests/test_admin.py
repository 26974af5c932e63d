"""The editors' admin: pages load, the page-text import works for staff only."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from catalog.models import Channel, Clip

from .factories import make_clip

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/catalog/clip/import-pagetext/"


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("editor", "", "pw-editor-123")
    client.force_login(user)
    return user


def test_import_url_is_named():
    assert reverse("admin:catalog_clip_import_pagetext") == IMPORT_URL


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_login(client, method):
    response = getattr(client, method)(IMPORT_URL, {"text": "Title line\n\nBody"})
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert not Clip.objects.exists()


def test_staff_without_add_permission_is_refused(client):
    user = get_user_model().objects.create_user("viewer", password="pw-viewer-123", is_staff=True)
    client.force_login(user)
    assert client.get(IMPORT_URL).status_code == 403


def test_import_requires_csrf(editor):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    response = strict.post(IMPORT_URL, {"text": "A title here\n\nBody"})
    assert response.status_code == 403
    assert not Clip.objects.exists()


def test_editor_imports_page_text_with_a_typed_channel(client, editor, samples):
    text = (samples / "pagetext/welt-kim-putin-wostotschny.txt").read_text(encoding="utf-8")

    response = client.post(IMPORT_URL, {"text": text, "new_channel": "WELT"})

    assert response.status_code == 200
    clip = Clip.objects.get()
    html = response.content.decode()
    assert "Created: UKRAINE-KRIEG" in html
    assert f'href="{clip.get_absolute_url()}"' in html
    assert "#ukraine" in html
    assert clip.channel.name == "WELT"

    again = client.post(IMPORT_URL, {"text": text, "new_channel": "WELT"})
    assert "Unchanged: UKRAINE-KRIEG" in again.content.decode()
    assert Clip.objects.count() == 1


def test_editor_imports_with_a_chosen_channel_and_source_url(client, editor):
    channel = Channel.objects.create(name="DW News", slug="dw-news")
    response = client.post(
        IMPORT_URL,
        {
            "text": "Floods in the north\n\nThousands leave their homes. #floods",
            "channel": channel.pk,
            "source_url": "https://www.youtube.com/watch?v=abcdefghijk",
        },
    )
    assert response.status_code == 200
    clip = Clip.objects.get()
    assert (clip.channel, clip.platform, clip.external_id) == (channel, "youtube", "abcdefghijk")


def test_bad_text_is_reported_and_nothing_is_written(client, editor):
    response = client.post(IMPORT_URL, {"text": "\x01\x02\x03\x04\x05\x06 binary"})
    assert "Nothing was imported: this is binary data" in response.content.decode()
    response = client.post(IMPORT_URL, {"text": "\x00 binary"})
    assert "Null characters are not allowed." in response.content.decode()
    assert not Clip.objects.exists()


def test_choosing_and_typing_a_channel_is_refused(client, editor):
    channel = Channel.objects.create(name="DW News", slug="dw-news")
    response = client.post(
        IMPORT_URL, {"text": "A title\n\nbody", "channel": channel.pk, "new_channel": "X"}
    )
    assert "Choose a channel or type a name, not both." in response.content.decode()
    assert not Clip.objects.exists()


def test_admin_pages_load(client, editor):
    clip = make_clip("Admin clip", tags=["ukraine"], related=["Other"])
    urls = [
        "/admin/",
        "/admin/catalog/clip/",
        "/admin/catalog/clip/?q=admin",
        f"/admin/catalog/clip/{clip.pk}/change/",
        "/admin/catalog/clip/add/",
        "/admin/catalog/channel/",
        f"/admin/catalog/channel/{clip.channel.pk}/change/",
        "/admin/catalog/tag/",
        "/admin/catalog/relatedlink/",
        IMPORT_URL,
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    changelist = client.get("/admin/catalog/clip/").content.decode()
    assert f'href="{IMPORT_URL}"' in changelist


def test_autocomplete_for_tags_and_channels(client, editor):
    make_clip("Admin clip", tags=["ukraine"], channel="WELT")
    tags = client.get(
        "/admin/autocomplete/",
        {"term": "ukr", "app_label": "catalog", "model_name": "cliptag", "field_name": "tag"},
    )
    assert [item["text"] for item in tags.json()["results"]] == ["#ukraine"]
    channels = client.get(
        "/admin/autocomplete/",
        {"term": "wel", "app_label": "catalog", "model_name": "clip", "field_name": "channel"},
    )
    assert [item["text"] for item in channels.json()["results"]] == ["WELT"]
