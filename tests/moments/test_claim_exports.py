"""Claims and their fact-checks in the downloads and the API, in a fixed number of queries."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Claim, ClaimReview, Moment
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


def _claim(clip, text, *, at=None, reviews=()):
    moment = None
    if at is not None:
        moment = Moment.objects.create(clip=clip, kind="claim", start=at, end=at + 5, title=text)
    claim = Claim.objects.create(clip=clip, moment=moment, text=text, claimant="Die Ministerin")
    for rating, organisation in reviews:
        ClaimReview.objects.create(
            claim=claim,
            rating=rating,
            organisation=organisation,
            url=f"https://check.example/{claim.pk}/{organisation}",
        )
    return claim


@pytest.fixture
def clip():
    clip = make_clip("Bulletin", duration=1200, language="de")
    _claim(clip, "=Die Renten steigen", at=462, reviews=[("Falsch", "Faktenfuchs")])
    _claim(clip, "Ohne Zeit")
    make_clip("No claims")
    return clip


def _body(response):
    return b"".join(response.streaming_content).decode()


def test_jsonl_export_carries_each_clips_claims_with_their_reviews(client, clip):
    lines = _body(client.get(reverse("catalog:export_jsonl"))).splitlines()
    records = {r["title"]: r for r in map(json.loads, lines)}
    assert records["No claims"]["claims"] == []
    timed, untimed = records["Bulletin"]["claims"]
    page = f"http://testserver/clips/{clip.pk}/"
    claim = clip.claims.get(text="=Die Renten steigen")
    assert timed == {
        "text": "=Die Renten steigen",
        "claimant": "Die Ministerin",
        "claimed_on": "",
        "language": "",
        "start": 462.0,
        "url": f"{page}?t=462#claim-{claim.pk}",
        "reviews": [
            {
                "rating": "Falsch",
                "organisation": "Faktenfuchs",
                "url": f"https://check.example/{claim.pk}/Faktenfuchs",
                "published": "",
            }
        ],
    }
    assert untimed["start"] is None and untimed["reviews"] == []
    assert untimed["url"].endswith(f"#claim-{untimed['url'].rsplit('-', 1)[1]}")


def test_csv_export_has_a_claims_column_safe_for_spreadsheets(client, clip):
    text = _body(client.get(reverse("catalog:export_csv")))
    rows = {row["title"]: row for row in csv.DictReader(io.StringIO(text[1:]))}
    assert rows["Bulletin"]["claims"] == "462 =Die Renten steigen [Falsch: Faktenfuchs]\nOhne Zeit"
    assert rows["No claims"]["claims"] == ""
    # A claim cell that would start with "=" is text, never a formula.
    only = make_clip("Formula")
    _claim(only, "=HYPERLINK(1)")
    text = _body(client.get(reverse("catalog:export_csv")))
    rows = {row["title"]: row for row in csv.DictReader(io.StringIO(text[1:]))}
    assert rows["Formula"]["claims"] == "'=HYPERLINK(1)"


def test_the_clip_api_carries_claims_in_a_fixed_number_of_queries(client, clip):
    data = client.get(reverse("api:clip-detail", kwargs={"pk": clip.pk})).json()
    timed = data["claims"][0]
    assert timed["text"] == "=Die Renten steigen" and timed["start"] == 462.0
    assert timed["reviews"] == [
        {
            "rating": "Falsch",
            "organisation": "Faktenfuchs",
            "url": f"https://check.example/{timed['id']}/Faktenfuchs",
            "published": None,
        }
    ]
    assert timed["page_url"] == f"http://testserver/clips/{clip.pk}/?t=462#claim-{timed['id']}"

    def count(url):
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    listing = reverse("api:clip-list")
    before = count(listing)
    for n in range(5):
        _claim(make_clip(f"More {n}"), f"Claim {n}", at=n, reviews=[("False", "Org")])
    assert count(listing) == before


def test_the_claims_endpoint_lists_filters_and_searches_claims(client, clip):
    other = make_clip("Debate", language="en")
    _claim(other, "The budget doubled", reviews=[("False", "Claim Radar")])
    url = reverse("api:claim-list")
    data = client.get(url).json()
    assert [c["text"] for c in data["results"]] == [
        "The budget doubled",
        "Ohne Zeit",
        "=Die Renten steigen",
    ]
    first = data["results"][0]
    assert first["clip"] == {
        "id": other.pk,
        "title": "Debate",
        "language": "en",
        "published": other.published_iso,
        "page_url": f"http://testserver/clips/{other.pk}/",
    }
    assert first["reviews"][0]["organisation"] == "Claim Radar"
    texts = lambda query: [c["text"] for c in client.get(url + query).json()["results"]]  # noqa: E731
    assert texts("?q=Rente") == ["=Die Renten steigen"]
    assert texts("?rating=False") == ["The budget doubled"]
    assert texts("?organisation=Faktenfuchs") == ["=Die Renten steigen"]
    assert texts("?language=en") == ["The budget doubled"]
    assert client.get(url + "?rating=Invented").status_code == 400
    detail = client.get(reverse("api:claim-detail", kwargs={"pk": first["id"]})).json()
    assert detail["text"] == "The budget doubled"

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(6):
        _claim(make_clip(f"Clip {n}"), f"Claim {n}", at=n, reviews=[("False", "Org")])
    assert count() == before
