"""The page-text import: the parser on the real sample, bad input, idempotency, the command."""

from datetime import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from catalog.ingest import IngestError, Outcome, import_pagetext, parse_pagetext
from catalog.models import Channel, ChannelLink, Clip, RelatedLink, Tag

from .factories import make_clip

SAMPLE = "pagetext/welt-kim-putin-wostotschny.txt"
TITLE = (
    'UKRAINE-KRIEG: "Heiliger Kampf!" Kim Jong Un tönt und lädt Wladimir Putin ein! '
    "Der reagiert prompt!"
)


@pytest.fixture
def sample_text(samples):
    return (samples / SAMPLE).read_text(encoding="utf-8")


def test_parser_reads_every_field_of_the_sample(sample_text):
    record = parse_pagetext(sample_text, channel_name="WELT Nachrichtensender")

    assert record.title == TITLE
    assert record.description.startswith(
        "Der russische Präsident Wladimir Putin und der nordkoreanische Machthaber"
    )
    assert record.description.endswith("Danke für Eurer Verständnis - das WELT-Team")
    # Paragraphs keep their breaks; the links block keeps one line per link.
    assert "berichtete. Anschließend habe Kim" in record.description
    assert "\n\nWährend seines Besuchs in Russland" in record.description
    assert "#ukraine #putin #weltnachrichtensender\n\nAbonniere den WELT" in record.description
    assert "WELT DOKUS Channel https://www.youtube.com/c/WELTDoku\nWELT Podcast" in (
        record.description
    )
    # No page chrome, no repeated title, no date line, no related titles.
    for chrome in ("musicjinni", "video thumbnail", "Disclaimer", "Video 2023 erstellt", TITLE):
        assert chrome not in record.description
    assert "Teuflischer Pakt" not in record.description

    assert [tag.name for tag in record.tags] == ["ukraine", "putin", "weltnachrichtensender"]
    assert {tag.origin for tag in record.tags} == {"hashtag"}
    assert [(link.label, link.url) for link in record.links] == [
        ("Abonniere den WELT YouTube Channel", "http://bit.ly/WeltVideoTVabo"),
        ("WELT DOKUS Channel", "https://www.youtube.com/c/WELTDoku"),
        ("WELT Podcast Channel", "https://www.youtube.com/c/WELTPodcast"),
        (
            "Kurznachrichten auf WELT Netzreporter Channel",
            "https://www.youtube.com/c/DieNetzreporter",
        ),
        ("Der WELT Nachrichten-Livestream", "http://bit.ly/2fwuMPg"),
        ("Die Top-Nachrichten auf WELT.de", "http://bit.ly/2rQQD9Q"),
        ("Die Mediathek auf WELT.de", "http://bit.ly/2Iydxv8"),
        ("WELT Nachrichtensender auf Instagram", "https://bit.ly/IGWELTTV"),
        ("WELT auf Instagram", "http://bit.ly/2X1M7Hk"),
    ]
    assert record.published_precision == "year"
    assert timezone.localtime(record.published_at).year == 2023
    assert [related.title for related in record.related] == [
        "UKRAINE-KRIEG: Teuflischer Pakt gegen Westen! Putin begrüßt Kim Jong Un! "
        "Es gibt eine Befürchtung",
        'PUTINS KRIEG: "Das hat mich schon etwas überrascht!" Das brisante Detail zum Besuch '
        "von Kim Jong Un",
    ]
    assert record.channel.name == "WELT Nachrichtensender"
    assert record.source == "pagetext"


@pytest.mark.django_db
def test_import_stores_the_clip_and_shows_year_precision(sample_text):
    result = import_pagetext(sample_text, channel_name="WELT")

    assert result.outcome is Outcome.CREATED
    clip = Clip.objects.get()
    assert clip.title == TITLE
    assert clip.channel.name == "WELT"
    assert clip.published_display == "2023"
    assert clip.published_iso == "2023"
    assert sorted(clip.tags.values_list("slug", flat=True)) == [
        "putin",
        "ukraine",
        "weltnachrichtensender",
    ]
    assert clip.related_links.count() == 2
    assert ChannelLink.objects.filter(channel=clip.channel).count() == 9
    assert clip.channel.links.first().label == "Abonniere den WELT YouTube Channel"


@pytest.mark.django_db
def test_importing_the_same_text_twice_changes_nothing(sample_text):
    import_pagetext(sample_text, channel_name="WELT")
    before = Clip.objects.get()

    result = import_pagetext(sample_text, channel_name="WELT")

    assert result.outcome is Outcome.UNCHANGED
    after = Clip.objects.get()
    assert after.updated_at == before.updated_at
    assert (Clip.objects.count(), Channel.objects.count(), Tag.objects.count()) == (1, 1, 3)
    assert (RelatedLink.objects.count(), ChannelLink.objects.count()) == (2, 9)


@pytest.mark.django_db
def test_a_youtube_source_url_identifies_the_clip(sample_text):
    result = import_pagetext(sample_text, source_url="https://youtu.be/dQw4w9WgXcQ")

    clip = result.clip
    assert (clip.platform, clip.external_id) == ("youtube", "dQw4w9WgXcQ")
    assert clip.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert clip.embed_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


@pytest.mark.django_db
def test_related_titles_resolve_when_the_target_is_catalogued_later(sample_text):
    clip = import_pagetext(sample_text).clip
    assert not clip.related_links.exclude(target=None).exists()

    target = make_clip(
        "UKRAINE-KRIEG: Teuflischer Pakt gegen Westen! Putin begrüßt Kim Jong Un! "
        "Es gibt eine Befürchtung"
    )

    first = clip.related_links.get(position=0)
    assert first.target == target
    assert clip.related_links.get(position=1).target is None


@pytest.mark.django_db
def test_related_titles_resolve_to_clips_already_catalogued(sample_text):
    target = make_clip(
        'PUTINS KRIEG: "Das hat mich schon etwas überrascht!" Das brisante Detail zum '
        "Besuch von Kim Jong Un"
    )
    clip = import_pagetext(sample_text).clip
    assert clip.related_links.get(position=1).target == target


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the text is empty"),
        ("   \n\n  ", "the text is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait", "not UTF-8"),
        ("\x01\x02\x03\x04 garbage \x05\x06", "binary"),
        ("x" * 1_000_001, "characters long"),
        ("♫musicjinni\n\nvideo thumbnail\n\nDisclaimer DMCA", "no title found"),
    ],
)
def test_text_that_cannot_be_a_video_page_is_refused(text, reason):
    with pytest.raises(IngestError, match=reason):
        parse_pagetext(text)


@pytest.mark.django_db
def test_refused_text_writes_nothing():
    result = import_pagetext(b"\x00\x01\x02", name="upload.bin")

    assert result.outcome is Outcome.FAILED
    assert result.name == "upload.bin"
    assert "binary" in result.reason
    assert not Clip.objects.exists()
    assert not Channel.objects.exists()


def test_a_page_without_the_mirror_chrome_still_parses():
    record = parse_pagetext(
        "Hochwasser an der Elbe: Pegel steigt\n\nDer Pegel steigt weiter. #hochwasser\n"
        "Video erstellt am 14.09.2023\n\nHochwasser an der Elbe: Pegel steigt\nEin anderes Video"
    )
    assert record.title == "Hochwasser an der Elbe: Pegel steigt"
    assert record.description == "Der Pegel steigt weiter. #hochwasser"
    assert record.published_precision == "day"
    assert record.published_at.date() == datetime(2023, 9, 14).date()
    assert [related.title for related in record.related] == ["Ein anderes Video"]


@pytest.mark.django_db
def test_command_imports_files_and_fails_for_the_bad_one(samples, tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_text("")

    with pytest.raises(CommandError, match="2 of 3 files failed"):
        call_command(
            "import_pagetext",
            str(samples / SAMPLE),
            str(bad),
            str(tmp_path / "missing.txt"),
            "--channel",
            "WELT",
        )

    output = capsys.readouterr().out
    assert "created" in output
    assert "empty.txt: failed: the text is empty" in output
    assert "missing.txt: failed: no such file" in output
    assert Clip.objects.get().channel.name == "WELT"
