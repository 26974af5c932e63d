"""The periodic fixity audit: a share of stored files re-hashed per day through check_due."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from catalog.capture import fixity
from catalog.models import CustodyEvent, FixityCheck, StoredFile
from tests.factories import make_clip

from .signed import make_signed_capture

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(data_dir, capture_storage, settings):
    """Ten captures of three files each (the media and .info.json shared): 12 stored files."""
    settings.NEWSCLIPS_TSA_URLS = []
    captures = [
        make_signed_capture(make_clip(f"Clip {n}", url=f"https://video.example.com/v/{n}"))
        for n in range(10)
    ]
    StoredFile.objects.update(created_at=timezone.now() - timedelta(days=60))
    return captures


def test_a_share_of_files_per_day_oldest_first(stored, settings):
    settings.NEWSCLIPS_FIXITY_PERCENT = 25  # every file every 4 days; 3 of 12 per day
    out = StringIO()
    call_command("check_due", stdout=out)
    assert "fixity: 3 stored files re-hashed, 0 failed" in out.getvalue()
    first_round = set(FixityCheck.objects.values_list("stored_file", flat=True))
    call_command("check_due", stdout=StringIO())  # the same day: the share is spent
    assert FixityCheck.objects.count() == 3
    tomorrow = timezone.now() + timedelta(days=1, minutes=1)
    second = {check.stored_file_id for check in fixity.run_due_checks(now=tomorrow)}
    assert len(second) == 3 and not second & first_round  # the longest unchecked next
    in_five_days = timezone.now() + timedelta(days=5)
    assert fixity.due_files(in_five_days).count() == 12


def test_off_when_the_share_is_zero(stored, settings):
    settings.NEWSCLIPS_FIXITY_PERCENT = 0
    assert fixity.run_due_checks() == []


def test_a_mismatch_is_recorded_logged_and_shown_for_the_clip(stored, capture_storage, caplog):
    capture = stored[3]
    page = capture.files.get(name="page.html").stored_file
    original = (capture_storage / page.name).read_bytes()
    (capture_storage / page.name).write_bytes(b"<html>altered</html>")
    with caplog.at_level("ERROR", logger="catalog.capture.fixity"):
        check = fixity.check_file(page)
    assert not check.ok and check.reason.startswith("content changed: its SHA-256 is now")
    assert f"fixity mismatch: stored file {page.name} (page.html)" in caplog.text
    event = CustodyEvent.objects.get(action=CustodyEvent.Action.FIXITY)
    assert (event.clip_id, event.capture_id) == (capture.clip_id, capture.pk)
    assert event.detail.startswith("page.html: content changed")
    assert list(fixity.failing_checks(capture.clip)) == [check]
    assert not fixity.failing_checks(stored[4].clip).exists()
    # Restored from a backup: the latest check is what counts.
    (capture_storage / page.name).write_bytes(original)
    assert fixity.check_file(page).ok
    assert not fixity.failing_checks(capture.clip).exists()


def test_the_clip_admin_page_shows_a_mismatch(stored, capture_storage, admin_client):
    capture = stored[5]
    url = reverse("admin:catalog_clip_change", args=[capture.clip_id])
    assert 'id="fixity-alert"' not in admin_client.get(url).content.decode()
    page = capture.files.get(name="page.html").stored_file
    (capture_storage / page.name).unlink()
    fixity.check_file(page)
    html = admin_client.get(url).content.decode()
    assert 'id="fixity-alert"' in html
    assert f"page.html (capture {capture.pk}):" in html
    assert "failed: missing from storage" in html
    # Another clip's page stays quiet.
    other = reverse("admin:catalog_clip_change", args=[stored[6].clip_id])
    assert 'id="fixity-alert"' not in admin_client.get(other).content.decode()
