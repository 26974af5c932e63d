"""store(): idempotency, revisions, locked fields, transcripts and availability."""

import pytest

from catalog.ingest import (
    Outcome,
    SegmentRecord,
    TagRecord,
    TranscriptRecord,
    store,
)
from catalog.ingest.refresh import record_check
from catalog.models import AvailabilityCheck, Clip, ClipRevision, TranscriptSegment
from tests.factories import clip_record

pytestmark = pytest.mark.django_db


def record(**fields):
    values = {
        "platform": "youtube",
        "external_id": "abcdefghijk",
        "title": "Original title",
        "source": "url",
        "url": "https://www.youtube.com/watch?v=abcdefghijk",
        "description": "First words.",
        "availability": "available",
        "tags": [TagRecord("Ukraine", "keyword"), TagRecord("News", "keyword")],
    }
    values.update(fields)
    return clip_record(**values)


def transcript(language, *lines, kind="manual"):
    return TranscriptRecord(
        language=language,
        kind=kind,
        segments=[SegmentRecord(i * 2.5, i * 2.5 + 2, text) for i, text in enumerate(lines)],
    )


def test_same_record_twice_is_unchanged_and_writes_nothing():
    rec = record(transcripts=[transcript("de", "Guten Abend.", "Die Nachrichten.")])
    assert store(rec).outcome is Outcome.CREATED
    clip = Clip.objects.get()
    updated_at = clip.updated_at

    result = store(rec)

    assert result.outcome is Outcome.UNCHANGED
    clip.refresh_from_db()
    assert clip.updated_at == updated_at
    assert not ClipRevision.objects.exists()
    assert not AvailabilityCheck.objects.exists()
    assert TranscriptSegment.objects.count() == 2


def test_changed_title_is_one_revision():
    store(record())
    result = store(record(title="New title"))

    assert result.outcome is Outcome.UPDATED
    revision = ClipRevision.objects.get()
    assert (revision.field, revision.old, revision.new) == ("title", "Original title", "New title")
    assert result.clip.title == "New title"
    assert store(record(title="New title")).outcome is Outcome.UNCHANGED
    assert ClipRevision.objects.count() == 1


def test_changed_tags_are_a_revision_with_both_sets():
    store(record())
    store(record(tags=[TagRecord("Ukraine", "keyword"), TagRecord("Krieg", "keyword")]))

    revision = ClipRevision.objects.get()
    assert revision.field == "tags"
    assert revision.old == "news, ukraine"
    assert revision.new == "krieg, ukraine"


def test_locked_fields_are_never_overwritten():
    clip = store(record()).clip
    clip.title = "Editor's title"
    clip.locked_fields = ["title", "tags"]
    clip.save()

    result = store(record(title="Platform's new title", description="New words.", tags=[]))

    clip.refresh_from_db()
    assert clip.title == "Editor's title"
    assert clip.description == "New words."  # not locked: updated
    assert sorted(clip.tags.values_list("slug", flat=True)) == ["news", "ukraine"]
    assert result.outcome is Outcome.UPDATED
    assert list(ClipRevision.objects.values_list("field", flat=True)) == ["description"]


def test_transcripts_are_replaced_per_language_only_when_they_differ():
    store(record(transcripts=[transcript("de", "Eins."), transcript("en", "One.")]))
    de_ids = set(TranscriptSegment.objects.filter(language="de").values_list("id", flat=True))

    result = store(record(transcripts=[transcript("de", "Eins."), transcript("en", "One!")]))

    assert result.outcome is Outcome.UPDATED
    assert set(TranscriptSegment.objects.filter(language="de").values_list("id", flat=True)) == (
        de_ids
    )
    assert list(TranscriptSegment.objects.filter(language="en").values_list("text", flat=True)) == [
        "One!"
    ]
    # A fetch without subtitles forgets nothing.
    assert store(record(transcripts=[])).outcome is Outcome.UNCHANGED
    assert TranscriptSegment.objects.count() == 2


def test_availability_change_is_recorded_once():
    store(record())
    assert not AvailabilityCheck.objects.exists()  # the first status is the clip's own

    store(record(availability="private"))
    store(record(availability="private"))

    check = AvailabilityCheck.objects.get()
    assert check.status == "private"
    assert Clip.objects.get().availability == "private"


def test_failed_check_keeps_the_clip_and_a_removal_keeps_its_metadata():
    clip = store(record()).clip

    record_check(clip, "check_failed", "HTTP Error 429: Too Many Requests")
    clip.refresh_from_db()
    assert clip.availability == "available"
    assert clip.refreshed_at is not None

    record_check(clip, "removed", "This video has been removed by the uploader")
    record_check(clip, "removed", "This video has been removed by the uploader")
    clip.refresh_from_db()
    assert clip.availability == "removed"
    assert clip.title == "Original title"
    assert list(
        AvailabilityCheck.objects.order_by("checked_at", "id").values_list("status", flat=True)
    ) == ["check_failed", "removed"]
