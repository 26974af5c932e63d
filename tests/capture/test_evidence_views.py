"""The public signing key URL and the staff-only evidence bundle download."""

import io
import zipfile

import pytest
from cryptography.hazmat.primitives import serialization
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from catalog.capture import proof
from catalog.models import Capture, CustodyEvent
from tests.factories import make_clip

from .signed import make_signed_capture

pytestmark = pytest.mark.django_db


@pytest.fixture
def capture(data_dir, capture_storage):
    return make_signed_capture(make_clip("Gipfel in Brüssel", url="https://video.example.com/v/9"))


def staff(client, *, may_view=True):
    user = get_user_model().objects.create_user("archivist", password="pw-x-123", is_staff=True)
    if may_view:
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_capture", "view_clip"])
        )
    client.force_login(user)
    return user


def test_the_public_key_is_served_to_anyone(client, data_dir):
    url = reverse("catalog:capture_signing_key")
    assert url == "/capture-signing-key.pem"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert response.content == proof.public_key_pem()
    assert response["X-Key-Fingerprint"] == f"sha256:{proof.key_fingerprint()}"
    key = serialization.load_pem_public_key(response.content)
    assert proof.verify_signature(b"x", proof.sign(b"x"), response.content) and key
    assert client.post(url).status_code == 405


def test_staff_with_permission_download_the_bundle(client, capture):
    user = staff(client)
    response = client.get(reverse("catalog:capture_evidence", args=[capture.pk]))
    assert response.status_code == 200
    name = f"clip-{capture.clip_id}-capture-{capture.pk}.wacz"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as package:
        assert package.read("evidence/manifest.json") == bytes(capture.manifest)
    event = CustodyEvent.objects.get(action=CustodyEvent.Action.EXPORT)
    assert (event.actor, event.capture) == (user, capture)


def test_anonymous_and_staff_without_permission_get_nothing(client, capture):
    url = reverse("catalog:capture_evidence", args=[capture.pk])
    assert client.get(url).status_code == 403
    staff(client, may_view=False)
    assert client.get(url).status_code == 403
    assert not CustodyEvent.objects.filter(action=CustodyEvent.Action.EXPORT).exists()


def test_a_capture_that_cannot_be_exported_goes_back_with_the_reason(client, capture):

    failed = Capture.objects.create(clip=capture.clip, status="failed", source_url="https://x.org/")
    staff(client)
    response = client.get(reverse("catalog:capture_evidence", args=[failed.pk]), follow=True)
    assert response.redirect_chain[0][0] == reverse(
        "admin:catalog_clip_change", args=[capture.clip_id]
    )
    assert f"Capture {failed.pk} cannot be exported: capture {failed.pk} is failed" in (
        response.content.decode()
    )
