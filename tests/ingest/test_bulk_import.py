"""The chunked bulk import of .info.json files stores exactly what `store` stores, file by file."""

import importlib
import json

import pytest

from catalog.ingest import Outcome, infojson_files, ingest_infojson_files
from catalog.ingest.results import ClipRef
from catalog.models import Clip, RelatedLink
from tests.support.bulk_cases import IDS, catalogue_files, dump, one_by_one, seed, video, wipe

store_module = importlib.import_module("catalog.ingest.store")


@pytest.fixture
def boom(monkeypatch):
    """A record that fails inside `store`, after its channel, clip and tags were made.

    Told by its clip, not by what the database shows: a bulk import inserts
    new clips later than `store` does.
    """
    sync_related = store_module._sync_related

    def failing(clip, related_records, **kwargs):
        if clip.title == "Die Boom-Sendung" and clip.channel.name == "Boomschau":
            raise RuntimeError("boom")
        return sync_related(clip, related_records, **kwargs)

    monkeypatch.setattr(store_module, "_sync_related", failing)


@pytest.mark.django_db
@pytest.mark.parametrize("chunk_size", [1, 3, 100])
def test_bulk_import_stores_what_store_stores(tmp_path, boom, chunk_size, monkeypatch):
    folder = catalogue_files(tmp_path / "files")
    seed()
    expected = one_by_one(folder)
    expected_rows = dump()
    wipe()
    seed()
    # Each chunk commits whole (new clips inserted at the right moments): the
    # per-file fallback for a chunk that cannot be committed is never needed.
    monkeypatch.setattr(infojson_files, "store", lambda *args, **kwargs: pytest.fail("fell back"))
    summary = ingest_infojson_files([folder], chunk_size=chunk_size)
    assert dump() == expected_rows
    assert [(r.name, r.outcome, r.reason, str(r)) for r in summary.results] == [
        (r.name, r.outcome, r.reason, str(r)) for r in expected
    ]
    counts = summary.counts
    assert counts == {"created": 9, "updated": 2, "unchanged": 0, "failed": 3}
    assert "internal error (RuntimeError)" in {r.reason for r in summary.failed}
    # The catalogue is as intended, not only the same: links resolved, history kept.
    first = Clip.objects.get(external_id=IDS[0])
    assert [link.target.external_id for link in first.related_links.order_by("position")] == [
        IDS[3],
        IDS[9],
    ]
    updated = Clip.objects.get(external_id=IDS[7])
    assert updated.title == "Alter Titel"
    assert updated.description == "Neue Beschreibung"
    assert set(updated.revisions.values_list("field", flat=True)) == {"description", "tags"}
    assert Clip.objects.get(external_id=IDS[1]).revisions.count() == 2
    [back] = Clip.objects.get(external_id=IDS[11]).related_links.all()
    assert back.target.external_id == IDS[4]


@pytest.mark.django_db
def test_reimport_is_the_same_as_with_store(tmp_path):
    folder = catalogue_files(tmp_path / "files")
    one_by_one(folder)
    expected = [(r.name, r.outcome) for r in one_by_one(folder)]
    expected_rows = dump()
    wipe()
    ingest_infojson_files([folder], chunk_size=4)
    again = ingest_infojson_files([folder], chunk_size=4)
    assert dump() == expected_rows
    assert [(r.name, r.outcome) for r in again.results] == expected
    # Only the clip that is twice in the files changes (back and forth).
    assert again.counts == {"created": 0, "updated": 2, "unchanged": 10, "failed": 2}


@pytest.mark.django_db
def test_results_keep_a_reference_not_the_clip(tmp_path):
    folder = catalogue_files(tmp_path / "files")
    seen = []
    summary = ingest_infojson_files(
        [folder], chunk_size=5, progress=lambda done, total, result: seen.append((done, total))
    )
    assert seen == [(n, 14) for n in range(1, 15)]
    stored = [r for r in summary.results if r.outcome is not Outcome.FAILED]
    assert all(isinstance(r.clip, ClipRef) for r in stored)
    assert Clip.objects.filter(pk__in=[r.clip.pk for r in stored]).count() == 11
    assert str(stored[0]).endswith(": created: Haushalt im Bundestag")


@pytest.mark.django_db
def test_open_links_from_before_the_import_are_resolved(tmp_path):
    seed()
    owner = Clip.objects.get(external_id=IDS[10])
    RelatedLink.objects.create(clip=owner, position=0, title="Sport kompakt", url="")
    RelatedLink.objects.create(
        clip=owner, position=1, url=f"https://www.youtube.com/watch?v={IDS[3]}"
    )
    ingest_infojson_files([catalogue_files(tmp_path / "files")], chunk_size=2)
    targets = owner.related_links.order_by("position").values_list("target__external_id", flat=True)
    assert list(targets) == [IDS[2], IDS[3]]


def new_clip_files(folder, count):
    folder.mkdir()
    for n in range(count):
        info = video(
            f"new{n:08d}", f"Meldung {n}", tags=["Politik", "Wetter"], description="#Sturm"
        )
        (folder / f"{n:03d}.info.json").write_text(json.dumps(info))
    return folder


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 40])
def test_a_chunk_of_new_clips_takes_the_same_queries_whatever_its_size(
    tmp_path, count, django_assert_num_queries
):
    # The chunk's savepoint and release (inside the test's transaction); absent clips,
    # open links, mirror pages waiting for the chunk's titles, known tags, channels by
    # platform id; the new channel: look-up by name, free slug, insert; the new tags:
    # insert, select; the clips' insert and their tags' insert. Nothing per clip.
    with django_assert_num_queries(14):
        summary = ingest_infojson_files([new_clip_files(tmp_path / "files", count)])
    assert summary.counts["created"] == count
    assert Clip.objects.get(external_id="new00000002").tags.count() == 3


@pytest.mark.django_db
def test_a_failing_record_is_undone_alone_when_the_chunk_is_stored_again(tmp_path, boom):
    folder = new_clip_files(tmp_path / "files", 4)
    (folder / "002.info.json").write_text(
        json.dumps(video(IDS[5], "Die Boom-Sendung", channel="Boomschau", channel_id="UCboom"))
    )
    summary = ingest_infojson_files([folder])
    assert [r.outcome for r in summary.results] == [Outcome.CREATED] * 2 + [
        Outcome.FAILED,
        Outcome.CREATED,
    ]
    assert sorted(Clip.objects.values_list("external_id", flat=True)) == [
        "new00000000",
        "new00000001",
        "new00000003",
    ]
    assert not Clip.objects.filter(channel__name="Boomschau").exists()
