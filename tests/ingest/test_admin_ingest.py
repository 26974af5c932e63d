"""The admin's ingestion pages through the test client, as staff and as nobody."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.ingest import store
from catalog.models import Clip, FollowedSource, IngestJob
from tests.factories import clip_record
from tests.support.clip_admin import clip_form_data

pytestmark = pytest.mark.django_db

ADD_URLS = reverse("admin:catalog_clip_add_from_urls")
UPLOAD = reverse("admin:catalog_clip_upload_infojson")
PHONEBLOKS = "Phonebloks-oDAw7vW7H0c.info.json"
PETSHOP = "Pet Shop Boys - Did you see me coming-2Hy4bT0ESfc.info.json"


@pytest.mark.parametrize("url", [ADD_URLS, UPLOAD, reverse("admin:catalog_ingestjob_changelist")])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_changelist_links_to_the_import_pages(admin_client):
    page = admin_client.get(reverse("admin:catalog_clip_changelist")).content.decode()
    assert ADD_URLS in page and UPLOAD in page


def test_one_video_url_is_imported_while_the_editor_waits(admin_client, newsroom):
    url = newsroom.publish("wahl", "Wahlabend <live>")

    response = admin_client.post(ADD_URLS, {"urls": url, "limit": 5})

    assert response.status_code == 200
    clip = Clip.objects.get()
    assert clip.title == "Wahlabend <live>"
    page = response.content.decode()
    assert "Wahlabend &lt;live&gt;" in page  # escaped, never markup
    assert "Created" in page


def test_several_urls_become_a_background_job(admin_client, newsroom):
    urls = [newsroom.publish("a", "A"), newsroom.publish("b", "B")]

    response = admin_client.post(ADD_URLS, {"urls": "\n".join(urls), "limit": 5})

    job = IngestJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert (job.kind, job.status, job.options["urls"]) == ("urls", "queued", urls)
    assert job.task_id
    assert not Clip.objects.exists()  # the worker does it
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page


def test_bad_lines_are_refused_by_name(admin_client):
    response = admin_client.post(ADD_URLS, {"urls": "https://example.org/v\nfile:///etc/passwd"})
    assert response.status_code == 200
    assert "Not an http(s) URL: file:///etc/passwd" in response.content.decode()
    assert not IngestJob.objects.exists()


def test_one_small_infojson_is_imported_at_once(admin_client, samples):
    data = (samples / "infojson" / PHONEBLOKS).read_bytes()
    response = admin_client.post(UPLOAD, {"files": [SimpleUploadedFile(PHONEBLOKS, data)]})
    assert response.status_code == 200
    assert Clip.objects.get().external_id == "oDAw7vW7H0c"


def test_several_infojson_files_become_a_job_with_their_contents(admin_client, samples):
    files = [
        SimpleUploadedFile(name, (samples / "infojson" / name).read_bytes())
        for name in (PHONEBLOKS, PETSHOP)
    ]
    response = admin_client.post(UPLOAD, {"files": files})

    job = IngestJob.objects.get()
    assert response.status_code == 302
    assert job.kind == "infojson"
    assert [item.name for item in job.items.all()] == [PHONEBLOKS, PETSHOP]
    assert all(item.payload.startswith("{") for item in job.items.all())


def test_an_oversized_file_is_refused_by_name(admin_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    big = SimpleUploadedFile("huge.info.json", b"{" + b" " * (20 * 1024 * 1024) + b"}")
    response = admin_client.post(UPLOAD, {"files": [big]})
    assert response.status_code == 200
    assert "Larger than 20 MB: huge.info.json (20.0 MB)" in response.content.decode()
    assert not IngestJob.objects.exists()


def test_editing_a_title_in_the_admin_locks_it(admin_client):
    clip = store(clip_record("Tippfeler", source="url")).clip
    url, data = clip_form_data(admin_client, clip, title="Tippfehler")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    clip.refresh_from_db()
    assert clip.title == "Tippfehler"
    assert clip.locked_fields == ["title"]


def test_refresh_action_starts_a_refresh_job(admin_client):
    clip = store(clip_record("T", source="url")).clip
    response = admin_client.post(
        reverse("admin:catalog_clip_changelist"),
        {"action": "refresh_metadata", "_selected_action": [clip.pk]},
    )
    job = IngestJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.kind, job.options["clip_ids"]) == ("refresh", [clip.pk])


def test_followed_sources_list_and_check_now(admin_client):
    source = FollowedSource.objects.create(url="https://www.youtube.com/@tagesschau")
    page = admin_client.get(reverse("admin:catalog_followedsource_changelist"))
    assert "https://www.youtube.com/@tagesschau" in page.content.decode()

    response = admin_client.post(
        reverse("admin:catalog_followedsource_changelist"),
        {"action": "check_now", "_selected_action": [source.pk]},
    )
    job = IngestJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.options["source_ids"] == [source.pk]
