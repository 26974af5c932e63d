"""Have we seen this? `manage.py match FILE|URL` and the admin page, for staff only."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalog.matching.index import index_clip
from tests.capture.media import MediaSite, page_html

pytestmark = pytest.mark.django_db

PAGE = "/admin/catalog/clip/have-we-seen-this/"


@pytest.fixture
def library(catalogued):
    clips = {name: catalogued(name) for name in ("long", "other")}
    for clip in clips.values():
        index_clip(clip.pk)
    return clips


def test_match_prints_one_line_per_match(library, media, capsys):
    call_command("match", str(media["excerpt"]))
    out, err = capsys.readouterr()
    [line] = out.splitlines()
    clip_id, kind, score, in_clip, in_file = line.split("\t")
    assert (clip_id, kind) == (str(library["long"].pk), "excerpt")
    assert float(score) >= 0.8
    assert in_clip.startswith(("0:41-", "0:42-", "0:43-"))
    assert in_file.startswith("0:00-0:") and in_file >= "0:00-0:28"
    assert "1 matching clips" in err


def test_match_of_something_unseen_prints_nothing(library, media, capsys):
    call_command("match", str(media["third"]))
    assert capsys.readouterr().out == ""


def test_match_of_a_bad_file_names_it_and_why(library, tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match=r"empty\.mp4: the file is empty"):
        call_command("match", str(empty))


def test_match_fetches_a_url_with_ytdlp(library, media, capsys, settings, tmp_path):
    settings.NEWSCLIPS_ALLOW_PRIVATE_URLS = True
    with MediaSite() as site:
        site.files["/v/"] = page_html(site.url("").rstrip("/"), "/media/clip.mp4")
        site.files["/media/clip.mp4"] = media["excerpt"].read_bytes()
        call_command("match", site.url("/v/"))
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{library['long'].pk}\texcerpt\t")


def test_the_page_is_named_and_for_staff_only(client):
    assert reverse("admin:catalog_clip_have_we_seen") == PAGE
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    user = get_user_model().objects.create_user("someone", password="pw-someone-123")
    client.force_login(user)
    assert client.get(PAGE).status_code == 302  # not staff: the admin's login


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("editor", "", "pw-editor-123")
    client.force_login(user)
    return user


def test_an_uploaded_file_is_looked_up(library, media, client, editor):
    assert "Have we seen this?" in client.get(reverse("admin:catalog_clip_changelist")).text
    upload = SimpleUploadedFile("copy.mp4", media["excerpt"].read_bytes(), "video/mp4")
    response = client.post(PAGE, {"file": upload})
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert (row["clip"], row["match"].kind) == (library["long"], "excerpt")
    page = response.text
    assert reverse("admin:catalog_clip_change", args=[library["long"].pk]) in page
    assert row["clip_range"] in page and row["file_range"].startswith("0:00-")


def test_a_file_or_an_address_is_needed_and_bad_media_is_reported(client, editor):
    response = client.post(PAGE, {})
    assert "Upload a file or give an address" in response.text
    upload = SimpleUploadedFile("notes.mp4", b"not a video at all", "video/mp4")
    response = client.post(PAGE, {"file": upload})
    assert response.context["rows"] is None
    assert "That could not be matched" in response.text
