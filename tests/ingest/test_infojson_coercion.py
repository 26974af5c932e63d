"""Normalising .info.json dicts of the wrong shape: types coerced, lengths bounded, no guesses."""

from datetime import datetime

import pytest
from django.utils import timezone

from catalog.ingest import IngestError
from catalog.ingest.infojson import normalise
from catalog.models import Clip


def day(year, month, date):
    return timezone.make_aware(datetime(year, month, date))


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
