"""`manage.py ingest`: files, folders and URLs; summary; exit status."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Clip

pytestmark = pytest.mark.django_db

PETSHOP = "Pet Shop Boys - Did you see me coming-2Hy4bT0ESfc.info.json"
PHONEBLOKS = "Phonebloks-oDAw7vW7H0c.info.json"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_folder_of_infojson_files_then_again_unchanged(samples, tmp_path):
    for name in (PETSHOP, PHONEBLOKS):
        shutil.copy(samples / "infojson" / name, tmp_path / name)

    out, err = run(str(tmp_path))

    assert "2 created, 0 updated, 0 unchanged, 0 failed" in out
    assert "2/2" in err
    assert set(Clip.objects.values_list("external_id", flat=True)) == {
        "2Hy4bT0ESfc",
        "oDAw7vW7H0c",
    }
    out, _ = run(str(tmp_path / PETSHOP), str(tmp_path / PHONEBLOKS))
    assert "0 created, 0 updated, 2 unchanged, 0 failed" in out


def test_a_bad_file_fails_alone_with_exit_status_1(samples, tmp_path):
    shutil.copy(samples / "infojson" / PHONEBLOKS, tmp_path / PHONEBLOKS)
    (tmp_path / "broken.info.json").write_text('{"id": "x", "title": ')

    with pytest.raises(CommandError) as raised:
        run(str(tmp_path), str(tmp_path / "missing.info.json"))

    assert raised.value.returncode == 1
    assert "2 of 3 items failed" in str(raised.value)
    assert Clip.objects.get().external_id == "oDAw7vW7H0c"


def test_failure_lines_name_the_file_and_the_reason(tmp_path):
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "ingest", str(tmp_path / "missing.info.json"), stdout=out, stderr=io.StringIO()
        )
    assert f"{tmp_path / 'missing.info.json'}: failed: no such file" in out.getvalue()


def test_urls_are_fetched_and_counted(newsroom):
    urls = [newsroom.publish("eins", "Erster Clip"), newsroom.publish("zwei", "Zweiter Clip")]

    out, _ = run(*urls, "--no-progress")
    assert "2 created, 0 updated, 0 unchanged, 0 failed" in out

    newsroom.publish("zwei", "Zweiter Clip, neu betitelt")
    out, _ = run(*urls, "--refresh", "--no-progress")
    assert "0 created, 1 updated, 1 unchanged, 0 failed" in out


def test_a_dead_url_makes_exit_status_1(newsroom):
    with pytest.raises(CommandError) as raised:
        run(newsroom.url("/clips/nothing.html"), "--no-progress")
    assert raised.value.returncode == 1
    assert not Clip.objects.exists()


def test_verbose_lists_each_clip_as_it_is_stored_and_failures_at_the_end(samples, tmp_path):
    shutil.copy(samples / "infojson" / PHONEBLOKS, tmp_path / PHONEBLOKS)
    (tmp_path / "broken.info.json").write_text('{"id": "x", "title": ')

    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ingest", str(tmp_path), "-v", "2", stdout=out, stderr=io.StringIO())

    lines = out.getvalue().splitlines()
    assert lines[0] == f"{tmp_path / PHONEBLOKS}: created: Phonebloks"
    assert lines[1].startswith(f"{tmp_path / 'broken.info.json'}: failed: not valid JSON")
    assert lines[2] == "1 created, 0 updated, 0 unchanged, 1 failed"


def test_processes_bounds_the_reading_processes(samples, tmp_path, monkeypatch):
    from catalog.ingest import infojson_files

    asked = []
    parsed_batches = infojson_files._parsed_batches

    def spy(batches, processes):
        asked.append(processes)
        return parsed_batches(batches, processes)

    monkeypatch.setattr(infojson_files, "_parsed_batches", spy)
    shutil.copy(samples / "infojson" / PHONEBLOKS, tmp_path / PHONEBLOKS)
    out, _ = run(str(tmp_path), "--processes", "1", "--no-progress")
    assert "1 created" in out
    assert asked == [1]
    with pytest.raises(CommandError, match="--processes must be at least 1"):
        run(str(tmp_path), "--processes", "0")
