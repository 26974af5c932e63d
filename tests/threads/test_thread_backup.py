"""Relations and story threads survive export_catalog / import_catalog: same rows, same bytes;
a line naming an unknown clip is refused by its number and nothing is written."""

import io
import json

import pytest

from catalog.backup import CATALOGUE_MODELS, ArchiveError, export_catalog, import_catalog
from catalog.models import Clip, ClipRelation, StoryThread, ThreadClip

pytestmark = pytest.mark.django_db


def _export():
    out = io.StringIO()
    export_catalog(out)
    return out.getvalue()


def _wipe():
    for model in CATALOGUE_MODELS:
        model.objects.all().delete()


def test_relations_and_threads_round_trip(story, editor):
    first = _export()
    kinds = [json.loads(line)["type"] for line in first.splitlines()]
    assert kinds.count("relation") == 4 and kinds.count("thread") == 1
    assert kinds.index("relation") > max(i for i, kind in enumerate(kinds) if kind == "clip")
    excerpt = story["relations"]["excerpt"]

    _wipe()
    assert not ClipRelation.objects.exists() and not StoryThread.objects.exists()
    import_catalog(first.splitlines(keepends=True))
    assert _export() == first
    restored = ClipRelation.objects.get(kind="excerpt")
    assert (restored.from_clip_id, restored.to_clip_id) == (
        excerpt.from_clip_id,
        excerpt.to_clip_id,
    )
    assert (restored.to_start, restored.evidence, restored.reviewed_by) == (
        42,
        excerpt.evidence,
        editor,
    )
    thread = StoryThread.objects.get()
    assert thread.thread_clips.get(clip=story["broadcast"]).note == "The opening."


def test_a_reviewer_who_is_not_there_is_left_empty(story, editor):
    first = _export()
    _wipe()
    editor.delete()
    import_catalog(first.splitlines(keepends=True))
    assert ClipRelation.objects.filter(status="confirmed", reviewed_by=None).count() == 3


def test_an_unknown_clip_is_refused_and_nothing_written(story):
    lines = []
    for line in _export().splitlines(keepends=True):
        row = json.loads(line)
        if row["type"] == "thread":
            row["clips"][0]["clip"] = 999_999
        lines.append(json.dumps(row) + "\n")
    number = next(n for n, line in enumerate(lines, 1) if '"type": "thread"' in line)
    _wipe()
    with pytest.raises(ArchiveError, match=rf"line {number} \(thread\): .*unknown clip 999999"):
        import_catalog(lines)
    assert not Clip.objects.exists() and not ThreadClip.objects.exists()
