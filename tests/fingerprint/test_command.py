"""`manage.py fingerprint` and the background task: one failing clip is named, the rest go on."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalog.fingerprint.tasks import fingerprint_clip_task
from catalog.models import MediaFingerprint, ThumbnailHash
from tests.factories import make_clip
from tests.support.videos import make_image

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("fingerprint", *args, stdout=out)
    return out.getvalue()


def test_named_clips_are_fingerprinted_and_a_failure_is_reported_by_id(captured, clip_bytes):
    good = captured("Good", clip_bytes)
    bad = captured("Bad", b"\x00" * 4096)
    out = StringIO()
    with pytest.raises(CommandError, match=f"fingerprinting failed for clip {bad.pk}$"):
        call_command("fingerprint", str(bad.pk), str(good.pk), "--no-thumbnails", stdout=out)
    assert f"clip {bad.pk}: media failed: not a media file" in out.getvalue()
    assert f"clip {good.pk}: media created" in out.getvalue()
    assert MediaFingerprint.objects.get(clip=good).status == "ok"
    assert MediaFingerprint.objects.get(clip=bad).status == "failed"


def test_all_clips_twice_changes_nothing(captured, clip_bytes):
    clip = captured("Good", clip_bytes)
    make_clip("No media, no thumbnail")
    assert "1 created, 1 skipped" in run("--all", "--no-thumbnails")
    out = run("--all", "--no-thumbnails")
    assert out == "fingerprints: 1 skipped, 1 unchanged\n"
    assert MediaFingerprint.objects.get().clip == clip


def test_a_thumbnail_is_hashed_for_a_clip_without_media(website, allow_private, tmp_path):
    image = make_image(tmp_path / "t.png").read_bytes()
    clip = make_clip("Only a thumbnail", thumbnail_url=website.add("/t.png", image))
    out = run(str(clip.pk))
    assert f"clip {clip.pk}: thumbnail created" in out
    assert ThumbnailHash.objects.get(clip=clip).status == "ok"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), r"\(CLIP_ID ...\) or --all"),
        (("1", "--all"), "not both"),
        (("999",), "no clip with id 999"),
    ],
)
def test_wrong_arguments_are_refused(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_the_task_fingerprints_media_and_thumbnail(captured, clip_bytes):
    clip = captured("Good", clip_bytes)
    assert fingerprint_clip_task.call(clip.pk) == {"media": "created", "thumbnail": "skipped"}
    assert fingerprint_clip_task.call(clip.pk) == {"media": "unchanged", "thumbnail": "skipped"}
    assert fingerprint_clip_task.call(clip.pk + 1000) == {
        "media": "deleted",
        "thumbnail": "deleted",
    }
