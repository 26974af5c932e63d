"""Reading real yt-dlp / youtube-dl .info.json files into records (../shared/samples/infojson)."""

import json
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from catalog.ingest import IngestError, Outcome, store
from catalog.ingest.infojson import normalise, read_infojson
from catalog.ingest.safejson import MAX_INFOJSON_BYTES, SCAN_ABOVE
from catalog.models import Clip, ClipTag


def day(year, month, date):
    return timezone.make_aware(datetime(year, month, date))


# file: (title, external id, platform, channel name, channel platform id, published, precision,
#        duration, language, some tags)
SAMPLES = {
    "Pet Shop Boys - Did you see me coming-2Hy4bT0ESfc.info.json": (
        "Pet Shop Boys - Did you see me coming?",
        "2Hy4bT0ESfc",
        "youtube",
        "Pet Shop Boys",
        "UCn9W4PujTNjq4C_vlOgpyow",
        day(2009, 5, 14),
        "day",
        221,
        "",
        {"Pet", "EMI"},
    ),
    "Phonebloks-oDAw7vW7H0c.info.json": (
        "Phonebloks",
        "oDAw7vW7H0c",
        "youtube",
        "One Army",
        "UCqA-SppbeUi5ou0isB27mgg",
        day(2013, 9, 10),
        "day",
        167,
        "",
        {"phonebloks", "design academy"},
    ),
    "THE BATMAN Trailer (2022)--FZ-pPFAjYY.info.json": (
        "THE BATMAN Trailer (2022)",
        "-FZ-pPFAjYY",
        "youtube",
        "FilmSelect",
        "UCT0hbLDa-unWsnZ6Rjzkfug",
        day(2020, 8, 22),
        "day",
        155,
        "",
        {"Robert Pattinson"},
    ),
    "metadata_2023-06-29.json": (
        "This is Why Nintendo Shutdown the Miiverse",
        "JjQDik3yNhA",
        "youtube",
        "Mental Outlaw",
        "UC7YOGHUfC1Tb6E4pudI9STA",
        day(2022, 8, 5),
        "day",
        968,
        "en",
        {"mental", "outlaw"},
    ),
    "metadata_low_formats.json": (
        "Group Therapy 487 with Above & Beyond and Ruben de Ronde",
        "gogEJyoSB9s",
        "youtube",
        "Above & Beyond",
        "UCVE-ybBDg3UHSUylEVdPAsw",
        datetime(2022, 6, 17, 17, 59, 49, tzinfo=UTC),
        "time",
        7205,
        "en",
        {"Trance", "ABGT"},
    ),
    "test.json": (
        "Smash Mouth - All Star",
        "L_jWHffIx5E",
        "youtube",
        "SmashMouthVEVO",
        "UCgGEU8jHmCNtFI7n_AG-03g",
        day(2009, 12, 25),
        "day",
        237,
        "",
        {"smash mouth", "SmashMouth"},
    ),
    "test_ACastChannel_636e4b048f088f91b4c65344.info.json": (
        "The mystery of Teesside’s dead crabs",
        "636e4b048f088f91b4c65344",
        "acastchannel",
        "acast.com",
        "",
        datetime(2022, 11, 14, 3, 0, 27, tzinfo=UTC),
        "time",
        3213,
        "",
        set(),
    ),
    "test_Generic_138_293f6d17-692a-44e3-9fd5-7b178f3a1029.info.json": (
        "293f6d17-692a-44e3-9fd5-7b178f3a1029",
        "293f6d17-692a-44e3-9fd5-7b178f3a1029",
        "apa",
        "uvp.apa.at",
        "",
        None,
        "",
        None,
        "",
        set(),
    ),
    "test_Generic_66_3793998.info.json": (
        "Underground Wellness Radio - Jack Tips: 5 Steps to Permanent Gut Healing",
        "3793998",
        "libsyn",
        "html5-player.libsyn.com",
        "",
        day(2014, 11, 26),
        "day",
        3989,
        "",
        set(),
    ),
    "test_Generic_74_dem-senator-claims-gary-cohn-faked-a-bad-connection-during-trump-call-to"
    "-get-him-off-the-phone.info.json": (
        "Dem Senator: Gary Cohn Faked a Bad Connection to Get Off Phone With Trump",
        "dem-senator-claims-gary-cohn-faked-a-bad-connection-during-trump-call-to-get-him-off-"
        "the-phone",
        "generic",
        "mediaite.com",
        "",
        None,
        "",
        None,
        "",
        set(),
    ),
}


def read_sample(samples, name):
    return read_infojson((samples / "infojson" / name).read_bytes(), name=name)


@pytest.mark.parametrize("name", SAMPLES)
def test_every_clip_sample_reads(samples, name):
    (
        title,
        external_id,
        platform,
        channel,
        channel_id,
        published,
        precision,
        duration,
        language,
        tags,
    ) = SAMPLES[name]
    record = read_sample(samples, name)
    assert record.title == title
    assert record.external_id == external_id
    assert record.platform == platform
    assert record.source == Clip.Source.INFOJSON
    assert (record.channel.name, record.channel.platform_id) == (channel, channel_id)
    assert record.published_at == published
    assert record.published_precision == precision
    assert record.duration == duration
    assert record.language == language
    assert tags <= {tag.name for tag in record.tags}


def test_the_playlist_level_file_is_refused(samples):
    with pytest.raises(IngestError) as raised:
        read_sample(samples, "UCcRSMoQqXc_JrBZRHDFGbqA.info.json")
    assert raised.value.reason == (
        "“Project Zombie - Videos” is a channel (no entries listed; extractor youtube:tab, "
        "page https://youtube.com/channel/UCcRSMoQqXc_JrBZRHDFGbqA, "
        "channel id UCcRSMoQqXc_JrBZRHDFGbqA), not a clip: import its videos one by one"
    )


def test_youtube_details(samples):
    record = read_sample(samples, "metadata_2023-06-29.json")
    assert record.url == "https://www.youtube.com/watch?v=JjQDik3yNhA"
    assert record.channel.handle == "@MentalOutlaw"
    assert record.channel.follower_count == 486000
    assert (record.view_count, record.like_count) == (263388, 20487)
    assert record.thumbnail_url == "https://i.ytimg.com/vi/JjQDik3yNhA/maxresdefault.jpg"
    assert record.availability == Clip.Availability.AVAILABLE
    assert record.raw["categories"] == ["Science & Technology"]
    assert "de" in record.raw["automatic_captions"]


def test_channel_differs_from_uploader(samples):
    record = read_sample(samples, "Pet Shop Boys - Did you see me coming-2Hy4bT0ESfc.info.json")
    assert record.channel.name == "Pet Shop Boys"  # not "PetShopBoys Parlophone"
    assert record.channel.url == "https://www.youtube.com/channel/UCn9W4PujTNjq4C_vlOgpyow"


def test_old_youtube_dl_file_without_channel_name(samples):
    record = read_sample(samples, "test.json")
    assert record.channel.name == "SmashMouthVEVO"
    assert record.channel.url == "https://www.youtube.com/channel/UCgGEU8jHmCNtFI7n_AG-03g"
    origins = {tag.name: tag.origin for tag in record.tags}
    assert origins["smash mouth"] == ClipTag.Origin.KEYWORD
    assert origins["AllStar"] == ClipTag.Origin.HASHTAG
    assert record.availability == ""  # the file does not say


def test_description_links_split_into_related_videos_and_channel_links(samples):
    record = read_sample(samples, "Phonebloks-oDAw7vW7H0c.info.json")
    assert [related.url for related in record.related] == [
        "http://www.youtube.com/watch?v=BaPf4ZIbDVM"
    ]
    links = {link.url: link.label for link in record.links}
    assert links["http://www.phonebloks.com"] == "More information visit"
    assert "http://www.youtube.com/watch?v=BaPf4ZIbDVM" not in links


def test_former_live_stream_keeps_chapters_and_release_time(samples):
    record = read_sample(samples, "metadata_low_formats.json")
    assert record.raw["chapters"][0] == {"end_time": 31.0, "start_time": 0.0, "title": "Intro"}
    assert record.raw["subtitles"] == ["live_chat"]
    assert record.language == "en"  # from the "en-orig" captions, not from live chat
    assert record.links[0].label.endswith("Subscribe’ to our YouTube channel")


def test_podcast_episode_keeps_its_stable_media_url(samples):
    record = read_sample(samples, "test_Generic_66_3793998.info.json")
    assert record.raw["url"].endswith("UW_Episode_306_with_Jack_Tips.mp3")
    assert record.duration == 3989  # the file says 3989.0


@pytest.mark.parametrize("name", SAMPLES)
def test_raw_is_trimmed(samples, name):
    info = json.loads((samples / "infojson" / name).read_bytes())
    info.setdefault("extractor_key", "Youtube")
    record = normalise(info, source=Clip.Source.INFOJSON)
    text = json.dumps(record.raw, allow_nan=False)
    assert len(text) < 8_000
    for key in (
        "formats",
        "requested_formats",
        "http_headers",
        "thumbnails",
        "heatmap",
        "_format_sort_fields",
        "_filename",
    ):
        assert key not in record.raw
    for marker in ("expire=", "signature", "sig=", "googlevideo.com/videoplayback"):
        assert marker not in text


def test_signed_url_is_dropped_anywhere():
    info = {
        "id": "abc",
        "extractor_key": "Generic",
        "title": "T",
        "url": "https://cdn.example/v.mp4?expire=1&signature=x",
        "extra": {"stream": "https://cdn.example/x.m3u8?sig=abc", "note": "kept"},
        "cookies": "SID=secret",
        "ratio": float("nan"),
    }
    raw = normalise(info, source=Clip.Source.URL).raw
    assert "url" not in raw and "cookies" not in raw
    assert raw["extra"] == {"note": "kept"}
    assert raw["ratio"] is None
    json.dumps(raw, allow_nan=False)


# --- wrong types and hostile files -------------------------------------------------------------


def info(**fields):
    return {"id": "abc123", "extractor_key": "Youtube", "title": "A clip", **fields}


def test_coercions_of_wrong_types():
    record = normalise(
        info(
            title=["Part", "one"],
            duration="12:34",
            view_count="1,234",
            like_count="n/a",
            tags="politik, wahl",
            upload_date=20230914,
            language="de-DE",
        ),
        source=Clip.Source.URL,
    )
    assert record.title == "Part one"
    assert record.duration == 754
    assert record.view_count == 1234
    assert record.like_count is None
    assert [tag.name for tag in record.tags] == ["politik", "wahl"]
    assert record.published_at == day(2023, 9, 14)
    assert record.language == "de-DE"


@pytest.mark.parametrize(
    ("duration", "seconds"),
    [
        (754, 754),
        (754.6, 755),
        ("754", 754),
        ("1:02:03", 3723),
        ("soon", None),
        (-3, None),
        (True, None),
    ],
)
def test_duration(duration, seconds):
    assert normalise(info(duration=duration), source="url").duration == seconds


def test_title_that_is_an_object_names_the_field():
    with pytest.raises(IngestError, match="the field “title” is a JSON object, not text"):
        normalise(info(title={"de": "Titel"}), source="url")


def test_missing_title_falls_back_to_the_id():
    assert normalise(info(title=None), source="url").title == "abc123"


def test_no_id():
    with pytest.raises(IngestError, match=r"^no video id$"):
        normalise({"title": "x", "extractor_key": "Generic"}, source="url")


def test_youtube_dl_file_with_only_extractor():
    record = normalise({"id": "x1", "extractor": "Vimeo", "title": "t"}, source="infojson")
    assert record.platform == "vimeo"


def test_original_language_from_captions():
    captions = {"de-orig": [], "de": [], "en": []}
    assert normalise(info(automatic_captions=captions), source="url").language == "de"


def test_invented_dates_never():
    record = normalise(info(upload_date="20231399", timestamp="soon"), source="url")
    assert (record.published_at, record.published_precision) == (None, "")


def test_lengths_are_bounded():
    record = normalise(info(title="x" * 900, tags=["y" * 300], language="x" * 40), source="url")
    assert len(record.title) == 500
    assert len(record.tags[0].name) == 100
    assert record.language == ""


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


# --- into the catalogue -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["metadata_2023-06-29.json", "test_Generic_138_293f6d17-692a-44e3-9fd5-7b178f3a1029.info.json"],
)
def test_sample_imports_and_reimport_changes_nothing(samples, name):
    first = store(read_sample(samples, name))
    assert first.outcome == Outcome.CREATED
    second = store(read_sample(samples, name))
    assert second.outcome == Outcome.UNCHANGED
    clip = Clip.objects.get()
    assert clip.source == Clip.Source.INFOJSON
    assert clip.channel is not None
