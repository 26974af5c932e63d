"""index_and_suggest: the index kept in step, matches recorded as suggested relations
(an editor's decision kept), the same thumbnail found; what the queries cost."""

import io
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from catalog.fingerprint.pdq import hash_image
from catalog.fingerprint.signals import fingerprint_changed
from catalog.matching.index import index_clip, reindex
from catalog.matching.keys import THUMBNAIL
from catalog.matching.lookup import THUMBNAIL_KIND, match_clip
from catalog.matching.suggest import index_and_suggest
from catalog.matching.tasks import index_and_suggest_task
from catalog.models import ClipRelation, IndexedClip, MatchKey, ThumbnailHash
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


def test_a_reupload_is_suggested_from_the_later_clip_to_the_earlier(catalogued):
    original = catalogued("original", published=(2024, 3, 1))
    copy = catalogued("reencoded", published=(2024, 3, 5))
    index_clip(original.pk)
    [relation] = index_and_suggest(copy)
    assert (relation.from_clip, relation.to_clip) == (copy, original)
    assert (relation.kind, relation.status) == ("reupload", "suggested")
    assert relation.origin == "matching" and relation.score >= 0.8
    assert relation.from_start < 2 and relation.to_end > 36
    assert relation.evidence["match"] == "re-upload" and relation.evidence["frames"]["score"]
    # Again, and from the other side: still the one relation.
    index_and_suggest(copy)
    index_and_suggest(original)
    assert ClipRelation.objects.count() == 1


def test_an_editors_rejection_stays(catalogued):
    original = catalogued("original", published=(2024, 3, 1))
    copy = catalogued("reencoded", published=(2024, 3, 5))
    index_clip(original.pk)
    [relation] = index_and_suggest(copy)
    editor = get_user_model().objects.create_user("editor", is_staff=True)
    relation.decide(ClipRelation.Status.REJECTED, editor, "a different edition")
    index_and_suggest(copy)
    relation.refresh_from_db()
    assert relation.status == "rejected" and relation.note == "a different edition"


def test_an_excerpt_is_suggested_with_its_ranges(catalogued):
    whole = catalogued("long", published=(2024, 3, 1))
    index_clip(whole.pk)
    part = catalogued("excerpt", published=(2024, 3, 2))
    [relation] = index_and_suggest(part)
    assert (relation.from_clip, relation.to_clip, relation.kind) == (part, whole, "excerpt")
    assert abs(relation.to_start - 42.4) <= 1 and relation.from_start <= 1
    # Found from the whole's side, it is the same relation, the same way round.
    assert index_and_suggest(whole) == [relation]


def test_the_index_is_replaced_not_added_to(catalogued):
    clip = catalogued("original")
    indexed, changed = index_clip(clip.pk)
    keys = set(MatchKey.objects.filter(clip=clip).values_list("key", flat=True))
    assert changed and indexed.keys == len(keys) > 0
    assert index_clip(clip.pk) == (indexed, False)
    clip.media_fingerprints.all().delete()
    indexed, changed = index_clip(clip.pk)
    assert changed and indexed.keys == 0 and not MatchKey.objects.filter(clip=clip).exists()
    clip.delete()
    assert not IndexedClip.objects.exists()


def test_black_and_repeated_frames_are_not_indexed(catalogued, media):
    clip = catalogued("other")  # six black seconds, then a picture changing every second
    index_clip(clip.pk)
    fingerprint = media.print_of("other")
    frame_keys = MatchKey.objects.filter(clip=clip, key__lt=3 << 38).count()
    assert fingerprint.frame_count >= 26
    assert frame_keys <= 12 * (fingerprint.frame_count - 6)


def _thumbnail(tmp_path, name, video, size):
    path = tmp_path / f"{name}.jpg"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-ss", "5", "-i", str(video), "-frames:v", "1",
         "-vf", f"scale={size}", "-q:v", "8", str(path)],
        check=True,
    )  # fmt: skip
    return hash_image(path.read_bytes())


def test_the_same_thumbnail_is_found(tmp_path, media):
    big, small, other = (
        _thumbnail(tmp_path, "big", media["original"], "320:240"),
        _thumbnail(tmp_path, "small", media["original"], "120:90"),
        _thumbnail(tmp_path, "other", media["long"], "320:240"),
    )
    clips = {}
    for name, (pdq, quality) in {"big": big, "small": small, "other": other}.items():
        clips[name] = make_clip(f"Thumbnail {name}")
        ThumbnailHash.objects.create(
            clip=clips[name], thumbnail_url=f"https://i.example.com/{name}.jpg", pdq=pdq,
            quality=quality,
        )  # fmt: skip
        index_clip(clips[name].pk)
    assert MatchKey.objects.filter(clip=clips["big"], key__gte=THUMBNAIL << 38).count() == 12
    [match] = match_clip(clips["small"])
    assert (match.clip_id, match.kind, match.ranges) == (clips["big"].pk, THUMBNAIL_KIND, None)
    assert match.evidence["thumbnail_bits"] <= 31
    assert [m.clip_id for m in match_clip(clips["other"])] == []


def test_a_match_query_costs_a_fixed_number_of_queries(catalogued, django_assert_num_queries):
    clips = [catalogued(name) for name in ("original", "other", "another", "reencoded")]
    for clip in clips:
        index_clip(clip.pk)
    # The query's own fingerprint and thumbnail, the index (~280 keys, one batch of 500:
    # its stop keys, then its rows; before audio values were sampled and every second
    # frame looked up, 724 keys in two batches), the candidates' fingerprints.
    with django_assert_num_queries(5):
        [match] = match_clip(clips[3])
    assert match.clip_id == clips[0].pk


def test_a_stored_fingerprint_queues_index_and_suggest(
    catalogued, django_capture_on_commit_callbacks
):
    clip = catalogued("original")
    with django_capture_on_commit_callbacks(execute=True):
        fingerprint_changed.send(sender=None, instance=None, clip_id=clip.pk, kind="media")
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "catalog.matching.tasks.index_and_suggest_task"
    assert queued.args_kwargs["args"] == [clip.pk]


def test_the_task_indexes_and_suggests(catalogued):
    original = catalogued("original", published=(2024, 3, 1))
    copy = catalogued("reencoded", published=(2024, 3, 5))
    assert index_and_suggest_task.call(original.pk) == 0
    assert index_and_suggest_task.call(copy.pk) == 1
    assert index_and_suggest_task.call(10**9) == 0  # deleted meanwhile
    assert ClipRelation.objects.get().from_clip == copy


def test_reindex_catches_up_with_fingerprints_the_index_missed(catalogued):
    first, second = catalogued("original"), catalogued("reencoded")
    index_clip(first.pk)
    out = io.StringIO()
    call_command("match", reindex=True, stdout=out)
    assert out.getvalue().strip() == "1 clips indexed again, 1 already in step"
    assert IndexedClip.objects.filter(clip=second).exists()
    assert MatchKey.objects.filter(clip=second).exists()
    before = sorted(MatchKey.objects.values_list("key", "clip_id"))
    out = io.StringIO()
    call_command("match", reindex=True, stdout=out)
    assert out.getvalue().strip() == "0 clips indexed again, 2 already in step"
    assert sorted(MatchKey.objects.values_list("key", "clip_id")) == before
    # A clip whose fingerprint is gone leaves the index too.
    second.media_fingerprints.all().delete()
    assert reindex() == (1, 1)
    assert not MatchKey.objects.filter(clip=second).exists()
