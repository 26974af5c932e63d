"""A bulk import streams: files read ahead in other processes, folders walked lazily,
results reported as they come, each channel checked for boilerplate once."""

import json
import logging
import multiprocessing
import os

import pytest

from catalog.ingest import Outcome, infojson_files, ingest_infojson_files
from catalog.models import ChannelBoilerplate, Clip
from catalog.search import boilerplate
from tests.support.bulk_cases import catalogue_files, dump, one_by_one, seed, video, wipe

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pool(monkeypatch):
    """The reading processes start for a handful of files, two at a time."""
    monkeypatch.setattr(infojson_files, "PARALLEL_FROM", 4)
    monkeypatch.setattr(infojson_files, "READ_BATCH", 2)


@pytest.fixture
def reader_pids(monkeypatch):
    """The process ids that read the stored files (this process: None)."""
    parent, pids = os.getpid(), []
    read, store_parsed = infojson_files._read_infojson_file, infojson_files._store_parsed

    def reading(path):
        parsed = read(path)
        parsed.pid = os.getpid() if os.getpid() != parent else None
        return parsed

    def storing(parsed):
        pids.extend(getattr(p, "pid", "failed") for p in parsed)
        return store_parsed(parsed)

    monkeypatch.setattr(infojson_files, "_read_infojson_file", reading)
    monkeypatch.setattr(infojson_files, "_store_parsed", storing)
    return pids


def test_files_read_by_other_processes_are_stored_as_store_stores_them(
    tmp_path, small_pool, reader_pids
):
    folder = catalogue_files(tmp_path / "files")
    seed()
    expected = [(r.name, r.outcome, r.reason) for r in one_by_one(folder)]
    expected_rows = dump()
    wipe()
    seed()
    reader_pids.clear()

    summary = ingest_infojson_files([folder], chunk_size=5, processes=2)

    assert [(r.name, r.outcome, r.reason) for r in summary.results] == expected
    assert dump() == expected_rows
    read_by = {pid for pid in reader_pids if pid != "failed"}
    assert read_by and None not in read_by  # every file parsed in a reading process
    assert len(read_by) <= 2


def test_a_reading_process_that_dies_leaves_its_files_to_this_one(
    tmp_path, small_pool, reader_pids, monkeypatch, caplog
):
    parent, read = os.getpid(), infojson_files._read_infojson_file

    def dying(path):
        if os.getpid() != parent and path.name == "03.info.json":
            os._exit(1)  # killed, out of memory: no exception, no result
        return read(path)

    monkeypatch.setattr(infojson_files, "_read_infojson_file", dying)
    folder = catalogue_files(tmp_path / "files")

    with caplog.at_level(logging.WARNING, logger="catalog.ingest.infojson_files"):
        summary = ingest_infojson_files([folder], chunk_size=5, processes=2)

    assert summary.counts == {"created": 11, "updated": 1, "unchanged": 0, "failed": 2}
    assert caplog.text.count("reading on in this one") == 1
    assert None in reader_pids  # the rest was read here


def test_one_process_reads_a_few_files_itself(tmp_path, reader_pids):
    folder = catalogue_files(tmp_path / "files")
    summary = ingest_infojson_files([folder])  # fewer than PARALLEL_FROM files
    assert summary.counts["created"] == 11
    assert {pid for pid in reader_pids if pid != "failed"} == {None}


def test_without_results_a_summary_keeps_the_counts_and_the_failures(tmp_path):
    summary = ingest_infojson_files([catalogue_files(tmp_path / "files")], keep_results=False)
    assert summary.counts == {"created": 11, "updated": 1, "unchanged": 0, "failed": 2}
    assert summary.total == 14
    assert [r.outcome for r in summary.results] == [Outcome.FAILED] * 2
    assert summary.results == summary.failed


def test_folders_are_walked_in_name_order_without_following_links_back(tmp_path):
    folder = tmp_path / "files"
    for name in ("b", "a/z", "a/y"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    for number, name in enumerate(["b/1.info.json", "a/z/2.info.json", "a/3.json", "0.json"]):
        info = video(f"walk{number:07d}", f"Clip {number}")
        (folder / name).write_text(json.dumps(info))
    (folder / "a" / "notes.txt").write_text("not json")
    (folder / "a" / "z" / "back").symlink_to(folder, target_is_directory=True)

    found = [str(p.relative_to(folder)) for p in infojson_files.infojson_paths([folder])]

    assert found == ["0.json", "a/3.json", "a/z/2.info.json", "b/1.info.json"]


@pytest.mark.django_db(transaction=True)
def test_a_bulk_import_checks_each_channel_for_boilerplate_once_at_the_end(tmp_path, monkeypatch):
    line = "Abonniere den Kanal: https://example.org/abo"
    folder = tmp_path / "files"
    folder.mkdir()
    for number in range(12):
        description = f"Meldung {number} aus dem Landtag\n\n{line}"
        info = video(f"boiler{number:05d}", f"Meldung {number}", description=description)
        (folder / f"{number:02d}.info.json").write_text(json.dumps(info))
    checked = []
    detect = boilerplate.detect_channel

    def detecting(channel_id, clip_count=None):
        checked.append(channel_id)
        return detect(channel_id, clip_count)

    monkeypatch.setattr(boilerplate, "detect_channel", detecting)

    summary = ingest_infojson_files([folder], chunk_size=3, processes=1)  # four commits

    assert summary.counts["created"] == 12
    channel = Clip.objects.first().channel
    assert checked == [channel.pk]
    assert ChannelBoilerplate.objects.get(channel=channel).lines == [line]


def test_reading_processes_started_by_forkserver_set_django_up_themselves(
    tmp_path, small_pool, monkeypatch, caplog
):
    # What a process with other threads running (a connection pool's) uses instead of fork.
    context = multiprocessing.get_context("forkserver")
    monkeypatch.setattr(infojson_files, "_process_context", lambda: context)
    folder = catalogue_files(tmp_path / "files")

    with caplog.at_level(logging.WARNING, logger="catalog.ingest.infojson_files"):
        summary = ingest_infojson_files([folder], chunk_size=5, processes=2)

    assert summary.counts == {"created": 11, "updated": 1, "unchanged": 0, "failed": 2}
    assert "died" not in caplog.text  # the readers started and did the reading
