"""Moments in the CSV and JSON Lines downloads and in the API, in a fixed number of queries."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Moment, Tag
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


@pytest.fixture
def clip():
    clip = make_clip("Bulletin", duration=1200, tags=["news"])
    story = Moment.objects.create(
        clip=clip, kind="story", start=462, end=470.5, title="=Die Wahl", language="de"
    )
    story.tags.add(Tag.objects.create(name="Wahl", slug="wahl"))
    Moment.objects.create(clip=clip, kind="chapter", start=0, end=31, title="Intro")
    make_clip("No moments")
    return clip


def _body(response):
    return b"".join(response.streaming_content).decode()


def test_jsonl_export_carries_each_clips_moments(client, clip):
    lines = _body(client.get(reverse("catalog:export_jsonl"))).splitlines()
    records = {r["title"]: r for r in map(json.loads, lines)}
    assert records["No moments"]["moments"] == []
    intro, story = records["Bulletin"]["moments"]
    page = f"http://testserver/clips/{clip.pk}/"
    assert intro["start"] == 0 and intro["kind"] == "chapter"
    moment = clip.moments.get(kind="story")
    assert story == {
        "kind": "story",
        "start": 462.0,
        "end": 470.5,
        "title": "=Die Wahl",
        "description": "",
        "tags": ["wahl"],
        "language": "de",
        "url": f"{page}?t=462#moment-{moment.pk}",
    }


def test_csv_export_has_a_moments_column_safe_for_spreadsheets(client, clip):
    text = _body(client.get(reverse("catalog:export_csv")))
    rows = {row["title"]: row for row in csv.DictReader(io.StringIO(text[1:]))}
    assert rows["Bulletin"]["moments"] == "0-31 chapter: Intro\n462-470.5 story: =Die Wahl"
    assert rows["No moments"]["moments"] == ""


def test_the_api_lists_moments_in_a_fixed_number_of_queries(client, clip):
    url = reverse("api:clip-detail", kwargs={"pk": clip.pk})
    data = client.get(url).json()
    assert [m["title"] for m in data["moments"]] == ["Intro", "=Die Wahl"]
    story = data["moments"][1]
    assert story["tags"] == ["wahl"] and story["kind"] == "story"
    assert story["page_url"] == f"http://testserver/clips/{clip.pk}/?t=462#moment-{story['id']}"

    listing = reverse("api:clip-list")
    client.get(listing)
    with CaptureQueriesContext(connection) as before:
        client.get(listing)
    for n in range(5):
        other = make_clip(f"More {n}")
        Moment.objects.create(clip=other, kind="segment", start=1, end=2, title="S").tags.add(
            Tag.objects.get(slug="wahl")
        )
    client.get(listing)  # warm again: the catalogue's version changed, cached parts with it
    with CaptureQueriesContext(connection) as after:
        response = client.get(listing)
    assert len(response.json()["results"]) == 7
    assert len(after.captured_queries) == len(before.captured_queries)
