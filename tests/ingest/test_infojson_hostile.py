"""Hostile .info.json files (malformed, too deep, too big): refused by reason, never a crash."""

import json

import pytest

from catalog.ingest import IngestError
from catalog.ingest.infojson import read_infojson
from catalog.ingest.safejson import MAX_INFOJSON_BYTES, SCAN_ABOVE

# A JSON string long enough to make a file large enough for the scan.
PADDING = b'"' + b"p" * SCAN_ABOVE + b'"'


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not json", "not valid JSON: Expecting value at line 1, column 1"),
        (b'{"id": "x",\n "title": }', "not valid JSON: Expecting value at line 2, column 11"),
        (b"[1, 2]", "the file holds a JSON array, not an object"),
        (b"\xff\xfe{}", "the file is not UTF-8 (undecodable byte at position 0)"),
        (b"   ", "the file is empty"),
        (b"[" * 50_000 + b"]" * 50_000, "the JSON is nested too deeply"),
        (b'{"id": "a", "x": ' + b'{"a": ' * 20_000 + b"1" + b"}" * 20_001, "nested too deeply"),
        # A large file is scanned first: 101 levels are too many there.
        (b"[" + PADDING + b", " + b"[" * 200 + b"]" * 201, "nested more than 100 levels deep"),
        (
            b'{"pad": ' + PADDING + b', "x": ' + b'{"a": ' * 200 + b"1" + b"}" * 201,
            "nested more than 100",
        ),
    ],
)
def test_malformed_files(data, message):
    with pytest.raises(IngestError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_infojson(data, name="bad.info.json")


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = json.dumps({"id": "a1", "extractor": "generic", "description": "[" * 500 + '"\\"'})
    assert read_infojson(text).external_id == "a1"


def nested(levels, inside="0"):
    """An info dict whose "x" nests `levels` arrays deep (the dict itself is one more level).

    Padded past SCAN_ABOVE, so that the scan before the parse sees it.
    """
    x = "[" * levels + inside + "]" * levels
    return '{"id": "a1", "extractor": "generic", "pad": ' + PADDING.decode() + ', "x": ' + x + "}"


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        (nested(99), False),  # 100 levels with the dict
        (nested(100), True),
        # What is inside strings never counts, whatever the escapes around it.
        (nested(99, '"]]]]\\\\", "\\"]]]"'), False),
        (nested(99, '"\\\\"'), False),
        (nested(98, '"[[[[["'), False),
        (nested(100, '"]]]]]]]]"'), True),
        # An escaped quote does not end a string; an escaped backslash before a quote does.
        (nested(100).replace('"x"', '"q": "\\"", "x"'), True),
        (nested(100).replace('"x"', '"q": "\\\\", "x"'), True),
        (
            '{"id": "a1", "extractor": "generic", "x": "'
            + "]" * 150
            + '", "y": '
            + nested(100)
            + "}",
            True,
        ),
    ],
)
def test_nesting_limit_counts_only_structure(text, refused):
    assert json.loads(text)  # every case is valid JSON
    if refused:
        with pytest.raises(IngestError, match="nested more than 100 levels deep"):
            read_infojson(text.encode())
    else:
        assert read_infojson(text.encode()).external_id == "a1"


def test_small_files_nested_deep_but_within_the_parser_import_with_a_shallow_raw_copy():
    # Below SCAN_ABOVE nothing scans: a file the parser takes is harmless, because
    # nothing walks its values deeper than a few levels.
    deep = "[" * 5000 + '"x"' + "]" * 5000
    info = {"id": "a1", "extractor": "generic", "title": "Tief"}
    text = json.dumps(info)[:-1] + ', "x": ' + deep + ', "y": {"z": ' + deep + "}}"
    record = read_infojson(text.encode())
    assert record.title == "Tief"
    assert json.dumps(record.raw)  # cut to a few levels: serialisable, small
    assert len(json.dumps(record.raw)) < 1000


@pytest.mark.parametrize(
    "field",
    [
        "title",
        "description",
        "tags",
        "categories",
        "chapters",
        "thumbnails",
        "duration",
        "channel",
        "uploader",
        "timestamp",
        "upload_date",
        "subtitles",
        "automatic_captions",
        "availability",
        "live_status",
        "webpage_url",
        "language",
        "view_count",
    ],
)
def test_a_deeply_nested_value_in_any_field_is_refused_or_ignored_never_a_crash(field):
    deep = "[" * 5000 + "1" + "]" * 5000
    text = '{"id": "a1", "extractor": "generic", "title": "T", "' + field + '": ' + deep + "}"
    try:
        record = read_infojson(text.encode())
    except IngestError as error:
        assert field in error.reason
    else:
        assert len(json.dumps(record.raw)) < 1000


def test_commas_inside_strings_are_not_values():
    text = json.dumps({"id": "a1", "extractor": "generic", "description": ", " * 2_100_000})
    assert read_infojson(text.encode()).external_id == "a1"


def test_five_megabytes_of_garbage_fail_fast():
    garbage = bytes(range(256)) * (5 * 1024 * 1024 // 256)
    with pytest.raises(IngestError, match="not UTF-8"):
        read_infojson(garbage)
    with pytest.raises(IngestError, match="not valid JSON"):
        read_infojson(('lorem, ipsum: "dolor" ' * 250_000).encode())


def test_too_big():
    with pytest.raises(IngestError, match="at most 20,971,520"):
        read_infojson(b" " * (MAX_INFOJSON_BYTES + 1))


def test_huge_array_is_refused_before_parsing():
    with pytest.raises(IngestError, match="more than 2,000,000 values"):
        read_infojson(b"[" + b"0," * 2_000_001 + b"0]")
