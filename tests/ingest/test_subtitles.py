"""WebVTT and SRT parsing, including YouTube's rolling automatic captions."""

import pytest

from catalog.ingest.subtitles import parse_vtt
from tests.support.newsroom import ROLLING_VTT


def texts(segments):
    return [segment.text for segment in segments]


def test_rolling_captions_keep_each_line_once_from_its_first_appearance():
    segments = parse_vtt(ROLLING_VTT)
    assert texts(segments) == ["Guten Abend aus Berlin", "die Nachrichten", "im Überblick"]
    assert [(s.start, s.end) for s in segments] == [(0.0, 4.0), (2.01, 6.0), (4.0, 6.0)]


def test_a_line_said_again_later_is_kept():
    vtt = (
        "WEBVTT\n\n00:01.000 --> 00:02.000\nJa.\n\n00:02.000 --> 00:03.000\nNein.\n\n"
        "00:03.000 --> 00:04.000\nJa.\n"
    )
    assert texts(parse_vtt(vtt)) == ["Ja.", "Nein.", "Ja."]


def test_notes_styles_identifiers_settings_and_markup():
    vtt = """\ufeffWEBVTT - Tagesschau

STYLE
::cue { color: yellow }

NOTE this block is a comment
that spans two lines

intro
01:02:03.500 --> 01:02:05.000 align:middle line:90% position:50%
<v Sprecher>Guten &amp; <b>schönen</b></v> Abend

00:00:06.000 --> 00:00:07.000
<c.yellow>Zweite</c> Zeile
"""
    segments = parse_vtt(vtt)
    assert texts(segments) == ["Guten & schönen Abend", "Zweite Zeile"]
    assert (segments[0].start, segments[0].end) == (3723.5, 3725.0)


def test_srt():
    srt = (
        "1\r\n00:00:01,000 --> 00:00:02,500\r\nErste Zeile\r\n\r\n2\r\n"
        "00:00:03,000 --> 00:00:04,000\r\nZweite\r\nZeile\r\n"
    )
    segments = parse_vtt(srt)
    assert texts(segments) == ["Erste Zeile", "Zweite", "Zeile"]
    assert segments[0].end == 2.5


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "WEBVTT",
        "not subtitles at all",
        "00:00:05.000 --> 00:00:01.000\nbackwards",
        "99:99 --> x\ntext",
        b"\xff\xfe\x00garbage",
        None,
        42,
        "-->" * 10_000,
    ],
)
def test_garbage_gives_no_segments(garbage):
    assert parse_vtt(garbage) == []


def test_bytes_are_decoded():
    assert texts(parse_vtt("WEBVTT\n\n00:00.000 --> 00:01.000\nÜberblick\n".encode())) == [
        "Überblick"
    ]
