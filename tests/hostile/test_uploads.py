"""Hostile files: .info.json uploads and page text that are too big, not JSON, JSON bombs,
not UTF-8 or binary. Each fails alone with a message naming it; the rest of the batch
is imported and nothing of a failed file is written. Slow servers fail in bounded time."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog import ingest
from catalog.ingest import pagetext, ytdlp
from catalog.models import Channel, Clip, IngestJob, Tag

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:catalog_clip_upload_infojson")
PAGETEXT = reverse("admin:catalog_clip_import_pagetext")
GOOD = json.dumps(
    {
        "id": "good1",
        "extractor": "vimeo",
        "webpage_url": "https://vimeo.com/1",
        "title": "Der gute Clip",
        "channel": "Nordfunk",
        "tags": ["Gut"],
    }
).encode()
# name -> (contents, what the editor is told)
BAD_FILES = {
    "garbage.info.json": (b"this is not json", "not valid JSON: Expecting value"),
    "array.info.json": (b"[1, 2]", "the file holds a JSON array, not an object"),
    "latin1.info.json": (b'{"title": "Gr\xfc\xdfe"}', "is not UTF-8 text"),
    "binary.info.json": (b"\x00\x01\x02{}\x00", "contains NUL bytes"),
    "deep.info.json": (b"[" * 50_000 + b"]" * 50_000, "the JSON is nested too deeply"),
    # Past 1 MiB the file is scanned before the parse: 101 levels are refused there.
    "deep-and-large.info.json": (
        b'{"pad": "' + b"p" * 1_100_000 + b'", "x": ' + b"[" * 200 + b"]" * 200 + b"}",
        "nested more than 100 levels deep",
    ),
    "wide.info.json": (b"[" + b"0," * 2_000_001 + b"0]", "more than 2,000,000 values"),
    "empty.info.json": (b"", "the file is empty"),
}


def test_a_batch_with_hostile_files_imports_the_good_one_and_names_each_bad_one(admin_client):
    files = [SimpleUploadedFile("good.info.json", GOOD)]
    files += [SimpleUploadedFile(name, data) for name, (data, _) in BAD_FILES.items()]
    response = admin_client.post(UPLOAD, {"files": files})
    job = IngestJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()

    ingest.run_job(job.pk)  # what the worker does

    job.refresh_from_db()
    assert job.status == "done"
    items = {item.name: item for item in job.items.all()}
    assert items["good.info.json"].outcome == "created"
    for name, (_data, message) in BAD_FILES.items():
        assert items[name].outcome == "failed", name
        assert message in items[name].reason, (name, items[name].reason)
    assert not job.items.exclude(payload="").exists()  # no hostile bytes kept
    assert list(Clip.objects.values_list("title", flat=True)) == ["Der gute Clip"]
    assert list(Channel.objects.values_list("name", flat=True)) == ["Nordfunk"]
    assert list(Tag.objects.values_list("slug", flat=True)) == ["gut"]
    page = admin_client.get(job.get_absolute_url()).content.decode()
    for name in BAD_FILES:
        assert name in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("garbage.info.json", "not valid JSON: Expecting value at line 1, column 1"),
        ("latin1.info.json", "the file is not UTF-8 (undecodable byte at position 13)"),
        ("deep.info.json", "the JSON is nested too deeply"),
        ("empty.info.json", "the file is empty"),
    ],
)
def test_one_hostile_file_alone_is_refused_at_once_by_name(admin_client, name, message):
    data = BAD_FILES[name][0]
    response = admin_client.post(UPLOAD, {"files": [SimpleUploadedFile(name, data)]}, follow=True)
    html = response.content.decode()
    assert f"{name[1:]}: nothing was imported: {message}" in html  # the admin capitalises
    assert not Clip.objects.exists()
    assert not IngestJob.objects.exists()


def test_a_folder_of_hostile_files_from_the_command_line(tmp_path):
    (tmp_path / "good.info.json").write_bytes(GOOD)
    for name, (data, _message) in BAD_FILES.items():
        (tmp_path / name).write_bytes(data)
    summary = ingest.ingest_infojson_files([tmp_path])
    outcomes = {r.name.rsplit("/", 1)[-1]: (r.outcome, r.reason) for r in summary.results}
    assert outcomes["good.info.json"][0] == "created"
    assert outcomes["deep.info.json"] == ("failed", "the JSON is nested too deeply")
    assert outcomes["deep-and-large.info.json"] == (
        "failed",
        "the JSON is nested more than 100 levels deep",
    )
    assert sum(outcome == "failed" for outcome, _ in outcomes.values()) == len(BAD_FILES)
    assert Clip.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "\x01\x02 binary \x03\x04" * 50,
            "Nothing was imported: this is binary data, not the text",
        ),
        ("\x00 PNG \x00" * 50, "Null characters are not allowed."),
        ("   \n\n  ", "Nothing was imported: the text is empty"),
    ],
)
def test_page_text_that_is_binary_is_refused(admin_client, text, message):
    response = admin_client.post(PAGETEXT, {"text": text, "new_channel": "X"})
    assert message in response.content.decode()
    assert not Clip.objects.exists()
    assert not Channel.objects.exists()


def test_megabytes_of_page_text_are_refused_by_the_form(admin_client):
    text = "Titel\n\n" + "Wort " * 600_000  # 3 MB
    response = admin_client.post(PAGETEXT, {"text": text, "new_channel": "X"})
    html = response.content.decode()
    assert f"Ensure this value has at most {pagetext.MAX_LENGTH} characters" in html
    assert not Clip.objects.exists()


def test_page_text_files_each_fail_alone(tmp_path):
    (tmp_path / "good.txt").write_text("Hochwasser an der Elbe\n\nDer Pegel steigt. #elbe\n")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "latin1.txt").write_bytes("Grüße aus Köln\n\nText".encode("latin-1"))
    (tmp_path / "huge.txt").write_text("Titel\n\n" + "x" * (pagetext.MAX_LENGTH + 1))
    summary = ingest.import_pagetext_files(sorted(tmp_path.iterdir()))
    reasons = {r.name.rsplit("/", 1)[-1]: r.reason for r in summary.results}
    assert reasons == {
        "good.txt": "",
        "huge.txt": f"the text is {pagetext.MAX_LENGTH + 8:,} characters long; "
        f"a video page has at most {pagetext.MAX_LENGTH:,}",
        "image.txt": "this is a binary file, not the text of a video page",
        "latin1.txt": "the text is not UTF-8 (undecodable byte at position 2)",
    }
    assert list(Clip.objects.values_list("title", flat=True)) == ["Hochwasser an der Elbe"]


def test_a_server_that_does_not_answer_in_time_fails_the_item(monkeypatch, newsroom):
    monkeypatch.setattr(ytdlp, "SOCKET_TIMEOUT", 0.5)
    url = newsroom.publish("late", "Zu spät", delay=3)
    result = ingest.ingest_url(url)
    assert result.outcome == "failed"
    assert "timed out" in result.reason, result.reason
    assert not Clip.objects.exists()
