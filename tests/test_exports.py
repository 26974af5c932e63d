"""CSV and JSON Lines downloads: every matching clip, streamed in chunks, text kept as text."""

import csv
import io
import json

import pytest
from django.urls import reverse

from catalog import exports

from .factories import make_clip

pytestmark = pytest.mark.django_db


def _body(response):
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def _csv(client, url):
    text = _body(client.get(url))
    assert text.startswith("\ufeff")  # the BOM: Excel reads the file as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def _jsonl(client, url):
    return [json.loads(line) for line in _body(client.get(url)).splitlines()]


def test_csv_has_the_columns_and_values(client, catalogue):
    ukraine, bundestag = catalogue
    response = client.get(reverse("catalog:export_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="newsclips-all-')
    rows = _csv(client, reverse("catalog:export_csv"))

    assert list(rows[0]) == exports.COLUMNS
    by_id = {int(row["id"]): row for row in rows}
    assert by_id[ukraine.pk] == {
        "id": str(ukraine.pk),
        "platform": "test",
        "external_id": ukraine.external_id,
        "url": "https://video.example.com/v/1",
        "title": "Frontline towns brace for winter",
        "channel": "Global Desk",
        "channel_url": "",
        "published": "2024-11-02T07:30:00+00:00",
        "published_precision": "time",
        "duration_seconds": "754",
        "language": "en",
        "tags": "ukraine war",
        "availability": "unknown",
        "description": "Our correspondent reports, with a comma.\nMore: https://news.example.com/a",
        "page_url": f"http://testserver/clips/{ukraine.pk}/",
        "moments": "",
        "claims": "",
    }
    assert by_id[bundestag.pk]["published"] == "2023"  # its precision, not 2023-01-01
    assert by_id[bundestag.pk]["published_precision"] == "year"
    assert by_id[bundestag.pk]["duration_seconds"] == "95"


def test_jsonl_has_one_object_per_clip_with_stable_keys(client, catalogue):
    ukraine, bundestag = catalogue
    response = client.get(reverse("catalog:export_jsonl"))
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    assert response["Content-Disposition"].endswith('.jsonl"')
    records = _jsonl(client, reverse("catalog:export_jsonl"))

    assert [record["id"] for record in records] == [ukraine.pk, bundestag.pk]  # by id
    assert all(list(record) == exports.COLUMNS for record in records)
    assert records[0]["tags"] == ["ukraine", "war"]
    assert records[0]["duration_seconds"] == 754
    assert records[1]["published"] == "2023"
    assert records[1]["duration_seconds"] == 95


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/export.csv?tag=ukraine", ["en"]),
        ("/export.csv?q=%23bundestag", ["de"]),
        ("/export.csv?q=%40nordfunk", ["de"]),
        ("/export.csv?date_from=2024-01-01", ["en"]),
        ("/export.csv?language=de", ["de"]),
        ("/tags/ukraine/export.csv", ["en"]),
        ("/tags/ukraine/export.csv?q=nothing", []),
        ("/channels/nordfunk/export.csv", ["de"]),
    ],
)
def test_exports_apply_the_list_filters(client, catalogue, url, expected):
    assert [row["language"] for row in _csv(client, url)] == expected


def test_scoped_export_names_its_file_and_404s_for_unknown_scopes(client, catalogue):
    response = client.get(reverse("catalog:tag_export_jsonl", kwargs={"slug": "ukraine"}))
    assert 'filename="newsclips-tag-ukraine-' in response["Content-Disposition"]
    assert client.get("/channels/nope/export.csv").status_code == 404
    assert client.get("/export.csv?date_to=someday").status_code == 400


def test_formula_cells_are_neutralised_in_csv_only(client):
    clip = make_clip(
        '=HYPERLINK("http://evil.example","click")',
        description="+1 555 call now",
        channel="@handle",
        url="https://video.example.com/x",
    )
    make_clip("-minus", description="\tTabbed")
    make_clip("Plain", description="\rReturn")
    rows = _csv(client, reverse("catalog:export_csv"))

    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[0]["description"] == "'+1 555 call now"
    assert rows[0]["channel"] == "'@handle"
    assert rows[0]["url"] == "https://video.example.com/x"  # harmless cells unchanged
    assert rows[1]["title"] == "'-minus"
    assert rows[1]["description"] == "'\tTabbed"
    assert rows[2]["description"] == "'\rReturn"
    # JSON Lines is data for programs, not a spreadsheet: the text is exact.
    assert _jsonl(client, reverse("catalog:export_jsonl"))[0]["title"] == clip.title


def test_markup_stays_text_in_csv_and_jsonl(client):
    title = '<script>alert("x")</script>, "quoted"\nnext line'
    make_clip(title, tags=["<b>x</b>"], description="</script><img src=x>")

    row = _csv(client, reverse("catalog:export_csv"))[0]
    assert row["title"] == title
    assert row["description"] == "</script><img src=x>"
    record = _jsonl(client, reverse("catalog:export_jsonl"))[0]
    assert record["title"] == title
    assert record["tags"] == ["bxb"]


def test_export_streams_every_clip_in_chunks_with_constant_queries_per_chunk(
    client, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(exports, "EXPORT_CHUNK_SIZE", 7)
    url = reverse("catalog:export_jsonl") + "?tag=ukraine"

    def export_with_queries(expected):
        response = client.get(url)
        # The queries run while the body streams, so consume it inside the block.
        with django_assert_num_queries(expected):
            return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]

    for n in range(10):
        make_clip(f"Clip {n}", tags=["ukraine", f"t{n}"], channel=f"Channel {n % 3}")
    client.get(url)  # fill the language cache
    # 10 clips: chunks of 7 + 3; each chunk is the clips with channels, their tags, their
    # moments, their claims (none here, so no query for moments' tags or claims' reviews).
    records = export_with_queries(4 * 2)
    assert len(records) == 10

    for n in range(10, 100):
        make_clip(f"Clip {n}", tags=["ukraine", f"t{n}"], channel=f"Channel {n % 3}")
    records = export_with_queries(4 * 15)  # 100 clips = 14 full chunks + 2
    assert [record["title"] for record in records] == [f"Clip {n}" for n in range(100)]
    assert len({record["id"] for record in records}) == 100  # each clip exactly once
    assert all(record["tags"] == [f"t{n}", "ukraine"] for n, record in enumerate(records))


def test_last_full_chunk_ends_with_one_empty_query(client, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(exports, "EXPORT_CHUNK_SIZE", 5)
    for n in range(10):
        make_clip(f"Clip {n}")
    client.get(reverse("catalog:export_csv"))  # fill the language cache
    response = client.get(reverse("catalog:export_csv"))
    # Two full chunks (4 queries each), then one query that finds nothing (no prefetch).
    with django_assert_num_queries(9):
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()[1:])))
    assert len(rows) == 10
