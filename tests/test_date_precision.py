"""Dates at their precision everywhere: a clip known only by its year is 2023, never 1 January.

The histogram, the range filter, feeds, exports, the API and the clip page's JSON-LD.
"""

import csv
import io
import json
from collections import Counter
from datetime import date
from xml.etree import ElementTree

import pytest
import yaml
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.browse.histogram import DateCounts, histogram
from catalog.dateranges import DateRange, LiteralIn
from catalog.models import Clip

from .factories import make_clip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The language choices and API throttle counts are cached: nothing leaks either way."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dated(db):
    """One clip at every precision, and one without a date."""
    return {
        "year": make_clip("Known by its year", published=(2023, 1, 1), precision="year"),
        "month": make_clip("Known by its month", published=(2024, 5, 1), precision="month"),
        "day": make_clip("Known by its day", published=(2024, 5, 17), precision="day"),
        "time": make_clip("Known to the minute", published=(2024, 11, 2, 8, 30), precision="time"),
        "undated": make_clip("Without a date", published=None),
    }


def listed(client, query, url=None):
    response = client.get((url or reverse("catalog:clip_list")) + query)
    assert response.status_code == 200
    return {clip.title for clip in response.context["clips"]}, response


# --- the range filter -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The year 2023 lies inside: the year-precision clip is in.
        ("?date_from=2023-01-01&date_to=2023-12-31", {"year"}),
        ("?date_from=2022-06-01&date_to=2024-02-01", {"year"}),
        ("?date_to=2023-12-31", {"year"}),
        ("?date_from=2023-01-01", {"year", "month", "day", "time"}),
        # Straddling: part of 2023 only, so 2023 may lie outside; the clip is out.
        ("?date_from=2023-03-01&date_to=2023-06-30", set()),
        ("?date_from=2023-01-01&date_to=2023-12-30", set()),
        ("?date_from=2023-01-02", {"month", "day", "time"}),
        ("?date_to=2023-01-01", set()),
        # Outside.
        ("?date_from=2024-01-01&date_to=2024-12-31", {"month", "day", "time"}),
        ("?date_to=2022-12-31", set()),
        # Month precision: May 2024 in whole, or not at all.
        ("?date_from=2024-05-01&date_to=2024-05-31", {"month", "day"}),
        ("?date_from=2024-05-10&date_to=2024-05-20", {"day"}),
        ("?date_from=2024-04-15&date_to=2024-06-15", {"month", "day"}),
        ("?date_from=2024-05-02", {"day", "time"}),
        ("?date_to=2024-05-30", {"year", "day"}),
        # Days and moments by their day, as always.
        ("?date_from=2024-11-02&date_to=2024-11-02", {"time"}),
    ],
)
def test_range_filter_takes_a_coarse_date_only_when_all_of_it_is_inside(
    client, dated, query, expected
):
    titles, _response = listed(client, query)
    assert titles == {dated[key].title for key in expected}


def test_the_page_says_which_coarse_clips_a_range_left_out(client, dated):
    _titles, response = listed(client, "?date_from=2023-03-01&date_to=2024-05-20")
    html = response.content.decode()
    assert (
        "Not listed: 2 clips known only by their year or month, which reaches past the "
        "date range: 2023 (1), May 2024 (1)."
    ) in html
    assert 'id="date-range-help"' in html  # the rule, under the fields

    _titles, response = listed(client, "?date_from=2023-01-01&date_to=2024-05-31")
    assert "Not listed" not in response.content.decode()  # nothing left out, nothing said
    _titles, response = listed(client, "")
    assert response.context["filter"].date_note is None


def test_the_note_costs_one_query_and_none_for_whole_years(client, dated, settings):
    settings.NEWSCLIPS_PAGE_CACHE = False  # each request builds the page
    url = reverse("catalog:clip_list") + "?channel=test-channel"

    def queries(query):
        client.get(url + query)  # the cached parts (language choices, facets) are filled
        with CaptureQueriesContext(connection) as captured:
            client.get(url + query)
        return len(captured)

    without = queries("")
    # Whole years: nothing can reach past them, so nothing is asked.
    assert queries("&date_from=2024-01-01&date_to=2024-12-31") == without
    assert queries("&date_from=2024-01-01&date_to=2024-05-20") == without + 1


def test_the_condition_bounds_published_at_by_the_whole_range():
    """Index-friendly: the range's two bounds on published_at stand at the top of the
    condition, as before, whatever the coarse clips need inside them."""
    sql = str(Clip.objects.filter(DateRange(date(2023, 3, 1), date(2024, 5, 20)).q()).query).lower()
    where = sql.split(" where ", 1)[1]
    assert where.startswith('("catalog_clip"."published_at" >= ')
    assert ' and "catalog_clip"."published_at" < ' in where


def test_the_clips_left_out_are_found_in_the_small_index_of_coarse_dates(dated):
    """The note's query reads clip_coarse_date_idx, not every clip of the edge years."""
    make_clip("Another of 2023", published=(2023, 1, 1), precision="year")
    straddling = Clip.objects.filter(
        DateRange(date(2023, 3, 15), date(2024, 5, 20)).straddling_q()
    ).order_by()
    sql, params = straddling.values_list(
        "published_precision", "published_at"
    ).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "clip_coarse_date_idx" in plan
    assert sorted(straddling.values_list("title", flat=True)) == [
        "Another of 2023",
        "Known by its month",
        "Known by its year",
    ]


def test_literal_in_takes_plain_words_only():
    unsafe = Clip.objects.filter(LiteralIn(F("published_precision"), ("year", "x') OR 1=1 --")))
    with pytest.raises(ValueError, match="not plain words"):
        list(unsafe)


def test_the_api_and_exports_filter_the_same_way(client, dated):
    query = "?date_from=2023-03-01&date_to=2024-05-31"
    api = client.get(reverse("api:clip-list") + query).json()
    assert {clip["title"] for clip in api["results"]} == {dated["month"].title, dated["day"].title}
    rows = client.get(reverse("catalog:export_jsonl") + query).getvalue().decode().splitlines()
    assert {json.loads(row)["title"] for row in rows} == {dated["month"].title, dated["day"].title}


# --- the histogram ------------------------------------------------------------------------------


def chart(client, query=""):
    html = client.get(reverse("catalog:clip_list") + query).content.decode()
    figure = html[html.index('<figure class="histogram">') : html.index("</figure>")]
    return figure


def test_a_year_precision_clip_is_counted_apart_never_in_january(client, dated):
    make_clip("Another of 2023", published=(2023, 1, 1), precision="year")
    make_clip("One of 2021", published=(2021, 1, 1), precision="year")
    figure = chart(client)
    # Months from the first to the last clip known to the month: May to November 2024.
    assert "Clips per month, 2024-05 to 2024-11" in figure
    assert "<title>2024-05: 2</title>" in figure  # the day's clip and the month's
    assert "2023-01" not in figure and "2021-01" not in figure
    assert (
        '<div class="histogram__apart">+ 3 clips known only by year: 2021 (1), 2023 (2)</div>'
    ) in figure
    assert "+ 3 clips known only by year" in figure[figure.index("<desc") :]


def test_a_histogram_of_one_month_has_a_bar_per_day(client, dated):
    figure = chart(client, "?date_from=2024-11-01&date_to=2024-11-30")
    assert "Clips per day, 2024-11-01 to 2024-11-30" in figure
    assert 'viewBox="0 0 150 60"' in figure  # thirty days, not one bar across the width
    assert figure.count("<rect") == 1
    assert 'width="4" height="60.0"><title>2024-11-02: 1</title>' in figure


def test_where_bars_are_days_a_month_precision_clip_is_counted_apart(client, dated):
    figure = chart(client, "?date_from=2024-05-01&date_to=2024-05-31")
    assert "Clips per day, 2024-05-01 to 2024-05-31" in figure
    assert "<title>2024-05-17: 1</title>" in figure
    assert "2024-05-01: 1" not in figure
    assert "+ 1 clip known only by month: 2024-05" in figure


def test_only_month_precision_clips_fill_monthly_bars():
    counts = DateCounts(month_only=Counter({(2024, 5): 3}))
    chart = histogram(counts)
    assert [bar.label for bar in chart.bars] == ["2024-05: 3"]
    assert not chart.apart


def test_estimated_counts_say_so_apart_too():
    counts = DateCounts(days=Counter({(2020, 1, 5): 1}), year_only=Counter({2019: 1})).scaled(120)
    chart = histogram(counts, estimated=True)
    assert chart.apart == ["+ ≈ 120 clips known only by year: 2019"]
    assert "Estimated from a sample." in chart.description


# --- feeds --------------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
OURS = "{urn:x-newsclips:feed}"


def feed_entries(client, name):
    body = client.get(reverse(name)).content
    root = ElementTree.fromstring(body)  # noqa: S314 - our own feed
    if name.endswith("atom"):
        return {e.findtext(f"{ATOM}title"): e for e in root.iter(f"{ATOM}entry")}
    return {e.findtext("title"): e for e in root.iter("item")}


def test_an_atom_entry_of_a_year_claims_no_day(client, dated):
    entries = feed_entries(client, "catalog:feed_atom")
    year = entries[dated["year"].title]
    assert year.find(f"{ATOM}published") is None  # no "published 2023-01-01"
    updated = year.findtext(f"{ATOM}updated")
    assert updated.startswith(f"{dated['year'].created_at:%Y-%m-%d}")  # entered the catalogue
    ours = year.find(f"{OURS}published")
    assert (ours.text, ours.get("precision")) == ("2023", "year")
    assert "Published 2023 (only the year is known)." in year.findtext(f"{ATOM}summary")

    month = entries[dated["month"].title]
    assert month.find(f"{ATOM}published") is None
    assert month.find(f"{OURS}published").attrib == {"precision": "month"}
    assert month.findtext(f"{OURS}published") == "2024-05"
    assert "Published May 2024 (only the month is known)." in month.findtext(f"{ATOM}summary")

    exact = entries[dated["time"].title]
    assert exact.findtext(f"{ATOM}published") == "2024-11-02T07:30:00+00:00"
    assert exact.findtext(f"{OURS}published") == "2024-11-02T07:30:00+00:00"
    assert exact.find(f"{ATOM}summary") is None  # no description, nothing to say

    assert entries[dated["undated"].title].find(f"{OURS}published") is None


def test_an_rss_item_of_a_year_has_no_pubdate(client, dated):
    items = feed_entries(client, "catalog:feed_rss")
    year = items[dated["year"].title]
    assert year.find("pubDate") is None
    assert year.findtext(f"{OURS}published") == "2023"
    assert "only the year is known" in year.findtext("description")
    assert items[dated["day"].title].findtext("pubDate")  # a day is a date to publish


# --- exports, the API, the clip page --------------------------------------------------------


def test_csv_and_jsonl_carry_the_date_as_far_as_it_is_known(client, dated):
    expected = {
        "year": ("2023", "year"),
        "month": ("2024-05", "month"),
        "day": ("2024-05-17", "day"),
        "time": ("2024-11-02T07:30:00+00:00", "time"),
        "undated": ("", ""),
    }
    titles = {clip.title: key for key, clip in dated.items()}

    body = b"".join(client.get(reverse("catalog:export_csv")).streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {
        titles[row["title"]]: (row["published"], row["published_precision"]) for row in rows
    } == expected

    body = b"".join(client.get(reverse("catalog:export_jsonl")).streaming_content)
    records = [json.loads(line) for line in body.decode().splitlines()]
    assert {
        titles[r["title"]]: (r["published"], r["published_precision"]) for r in records
    } == expected


def test_the_api_carries_the_precision(client, dated):
    clips = client.get(reverse("api:clip-list")).json()["results"]
    by_title = {clip["title"]: clip for clip in clips}
    year = by_title[dated["year"].title]
    assert (year["published"], year["published_precision"]) == ("2023", "year")
    month = by_title[dated["month"].title]
    assert (month["published"], month["published_precision"]) == ("2024-05", "month")


def test_the_api_docs_say_how_a_range_decides(client):
    schema = yaml.safe_load(client.get(reverse("api:schema")).content)
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/clips/"]["get"]["parameters"]}
    for name in ("date_from", "date_to"):
        assert "known only by its year or month" in parameters[name]["description"]


def json_ld(html):
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_the_clip_page_and_its_json_ld_say_2023(client, dated):
    html = client.get(dated["year"].get_absolute_url()).content.decode()
    assert json_ld(html)["uploadDate"] == "2023"  # not 2023-01-01
    assert '<time datetime="2023">2023</time> <span class="muted">(only the year is known)' in html
    html = client.get(dated["month"].get_absolute_url()).content.decode()
    assert json_ld(html)["uploadDate"] == "2024-05"
    assert "(only the month is known)" in html
    html = client.get(dated["day"].get_absolute_url()).content.decode()
    assert json_ld(html)["uploadDate"] == "2024-05-17"
    assert "is known)" not in html


def test_cards_show_the_date_at_its_precision(client, dated):
    html = client.get(reverse("catalog:clip_list")).content.decode()
    assert '<time datetime="2023">2023</time>' in html
    assert '<time datetime="2024-05">May 2024</time>' in html
    assert 'datetime="2023-01-01"' not in html
