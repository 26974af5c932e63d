"""The editors' captures: Capture now, the capture pages, and deleting with a reason."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from catalog.capture.jobs import request_capture, run_capture
from catalog.capture.storage import captures_storage
from catalog.models import Capture, CaptureRule, Channel, CustodyEvent, StoredFile
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


def test_capture_now_queues_one_capture_per_selected_clip(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    clips = [make_clip(f"Clip {n}", url=f"https://news.example/v/{n}") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:catalog_clip_changelist"),
            {"action": "capture_now", "_selected_action": [c.pk for c in clips[:2]]},
            follow=True,
        )
    assert "2 captures queued" in response.content.decode()
    queued = Capture.objects.filter(status="queued")
    assert sorted(queued.values_list("clip_id", flat=True)) == sorted(c.pk for c in clips[:2])
    assert {c.requested_by for c in queued} == {admin_user}
    assert DBTaskResult.objects.count() == 2  # one background task each
    # Asking again while they wait changes nothing.
    admin_client.post(
        reverse("admin:catalog_clip_changelist"),
        {"action": "capture_now", "_selected_action": [clips[0].pk]},
    )
    assert Capture.objects.count() == 2


def test_capture_now_button_on_one_clip(admin_client):
    clip = make_clip("One", url="https://news.example/v/one")
    page = admin_client.get(reverse("admin:catalog_clip_change", args=[clip.pk]))
    url = reverse("admin:catalog_clip_capture", args=[clip.pk])
    assert f'action="{url}"' in page.content.decode()
    response = admin_client.post(url)
    assert response.status_code == 302
    assert clip.captures.get().status == "queued"
    assert admin_client.get(url).status_code == 302  # GET does nothing
    assert clip.captures.count() == 1


def test_editors_without_the_permission_cannot_capture(client, django_user_model):
    editor = django_user_model.objects.create_user("ed", password="x", is_staff=True)
    client.force_login(editor)
    clip = make_clip("Not yours", url="https://news.example/v/x")
    assert client.post(reverse("admin:catalog_clip_capture", args=[clip.pk])).status_code == 403
    assert not Capture.objects.exists()


@pytest.fixture
def complete(capture_settings, media_site):
    clip = make_clip("Kept", url=media_site.url("/v/"))
    capture = request_capture(clip, enqueue=False)
    assert run_capture(capture.pk, retry=False) == Capture.Status.COMPLETE
    return Capture.objects.get(pk=capture.pk)


def test_the_clip_page_shows_captures_files_and_the_custody_log(admin_client, complete):
    sha = complete.media_file().stored_file.sha256
    html = admin_client.get(reverse("admin:catalog_clip_change", args=[complete.clip_id]))
    html = html.content.decode()
    assert reverse("admin:catalog_capture_change", args=[complete.pk]) in html
    assert sha in html
    assert "custody log" in html.lower()
    detail = admin_client.get(reverse("admin:catalog_capture_change", args=[complete.pk]))
    detail = detail.content.decode()
    for name in ("media.mp4", "thumbnail.jpg", "subtitles.de.vtt", "media.info.json"):
        assert name in detail
    assert sha in detail
    assert reverse("catalog:capture_evidence", args=[complete.pk]) in detail


def test_deleting_a_capture_needs_a_reason_and_is_logged(
    admin_client, admin_user, complete, django_capture_on_commit_callbacks
):
    url = reverse("admin:catalog_capture_delete", args=[complete.pk])
    form = admin_client.get(url)
    assert form.status_code == 200 and "Reason" in form.content.decode()
    refused = admin_client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert Capture.objects.filter(pk=complete.pk).exists()

    names = list(StoredFile.objects.values_list("name", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"reason": "court order 12/2026"})
    assert response.status_code == 302
    assert not Capture.objects.filter(pk=complete.pk).exists()
    event = CustodyEvent.objects.get(action="delete")
    assert event.actor == admin_user
    assert f"capture #{complete.pk} deleted: court order 12/2026" in event.detail
    # The earlier events stay, and unshared files are gone from the storage.
    assert CustodyEvent.objects.filter(clip=complete.clip, action="capture").count() == 2
    assert not StoredFile.objects.exists()
    assert not any(captures_storage().exists(name) for name in names)


def test_no_bulk_delete_and_no_editing_of_captures(admin_client, complete):
    changelist = admin_client.get(reverse("admin:catalog_capture_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    detail = admin_client.get(reverse("admin:catalog_capture_change", args=[complete.pk]))
    assert 'name="_save"' not in detail.content.decode()


def test_a_capture_rule_names_exactly_one_target(admin_client):
    channel = make_clip("Ruled", channel="Nordfunk").channel
    url = reverse("admin:catalog_capturerule_add")
    refused = admin_client.post(url, {"enabled": "on"})
    assert "Choose exactly one" in refused.content.decode()
    assert admin_client.post(url, {"channel": channel.pk, "enabled": "on"}).status_code == 302
    assert CaptureRule.objects.get().channel == Channel.objects.get(name="Nordfunk")
