"""Chapters from yt-dlp's .info.json become chapter moments, refreshed with the clip."""

import json

import pytest

from catalog.ingest import Outcome, import_infojson, ingest_infojson_files, store
from catalog.ingest.infojson import normalise
from catalog.models import Clip, Moment

pytestmark = pytest.mark.django_db

WITH_CHAPTERS = "metadata_low_formats.json"  # the one shared sample that lists chapters


def _info(**fields):
    return {"id": "abcdefghijk", "extractor_key": "Youtube", "title": "Bulletin", **fields}


def test_the_shared_sample_with_chapters_imports_them_all(samples):
    path = samples / "infojson" / WITH_CHAPTERS
    info = json.loads(path.read_text())
    result = import_infojson(path.read_bytes(), name=WITH_CHAPTERS)
    assert result.outcome == Outcome.CREATED
    moments = list(result.clip.moments.in_order())
    assert len(moments) == len(info["chapters"]) == 27
    assert {m.kind for m in moments} == {Moment.Kind.CHAPTER}
    first = moments[0]
    assert (first.start, first.end, first.title) == (0, 31, "Intro")
    last = info["chapters"][-1]
    assert (moments[-1].start, moments[-1].end) == (last["start_time"], last["end_time"])
    # The same file again changes nothing.
    assert import_infojson(path.read_bytes(), name=WITH_CHAPTERS).outcome == Outcome.UNCHANGED
    assert result.clip.moments.count() == 27


def test_samples_without_chapters_have_no_moments(samples):
    files = sorted((samples / "infojson").glob("*.info.json"))
    summary = ingest_infojson_files(files, processes=1)
    assert summary.total == len(files)
    assert Clip.objects.count() > 0
    assert not Moment.objects.exists()


def test_bulk_import_of_a_folder_stores_chapters(samples, tmp_path):
    (tmp_path / "a.info.json").write_bytes((samples / "infojson" / WITH_CHAPTERS).read_bytes())
    (tmp_path / "b.info.json").write_text(
        json.dumps(_info(chapters=[{"start_time": 0, "end_time": 5, "title": "One"}]))
    )
    ingest_infojson_files([tmp_path], processes=1)
    assert Moment.objects.filter(kind="chapter").count() == 28


def test_refresh_replaces_chapters_and_keeps_editors_moments():
    record = normalise(
        _info(duration=60, chapters=[{"start_time": 0, "end_time": 30, "title": "Old"}]),
        source=Clip.Source.INFOJSON,
    )
    clip = store(record).clip
    Moment.objects.create(clip=clip, kind="story", start=10, end=20, title="Editor's story")
    changed = normalise(
        _info(
            duration=60,
            chapters=[
                {"start_time": 0, "end_time": 20, "title": "New one"},
                {"start_time": 20, "title": "New two"},  # no end: the clip's end
            ],
        ),
        source=Clip.Source.INFOJSON,
    )
    assert store(changed).outcome == Outcome.UPDATED
    assert list(clip.moments.in_order().values_list("kind", "start", "end", "title")) == [
        ("chapter", 0, 20, "New one"),
        ("story", 10, 20, "Editor's story"),
        ("chapter", 20, 60, "New two"),
    ]
    # A fetch without chapters is not a reason to forget them.
    store(normalise(_info(duration=60), source=Clip.Source.INFOJSON))
    assert clip.moments.filter(kind="chapter").count() == 2


def test_unusable_chapters_are_left_out_not_the_clip():
    record = normalise(
        _info(
            duration=100,
            chapters=[
                {"start_time": 0, "end_time": 10, "title": "Good"},
                {"start_time": -5, "end_time": 10, "title": "Negative"},
                {"start_time": 30, "end_time": 20, "title": "Backwards"},
                {"start_time": 40, "end_time": 50, "title": {"nested": 1}},
                {"start_time": "50", "end_time": 60, "title": "Text start"},
                {"start_time": 60, "end_time": 70, "title": "   "},
                "not a chapter",
                {"start_time": float("nan"), "end_time": 80, "title": "NaN"},
                {"start_time": 90, "end_time": 95, "title": "<script>alert(1)</script>"},
            ],
        ),
        source=Clip.Source.INFOJSON,
    )
    assert [(c.start, c.end, c.title) for c in record.chapters] == [
        (0, 10, "Good"),
        (90, 95, "<script>alert(1)</script>"),
    ]
    assert normalise(_info(chapters="nope"), source=Clip.Source.INFOJSON).chapters == []
