"""Reading real yt-dlp / youtube-dl .info.json files into records (../shared/samples/infojson)."""

import json
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from catalog.ingest import IngestError, Outcome, store
from catalog.ingest.infojson import normalise, read_infojson
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
