"""The read-only JSON API: the pages' filters, cursor pagination, schema, throttling."""

import json

import pytest
import yaml
from django.core.cache import cache
from django.urls import reverse

from catalog.models import Clip

from .factories import make_clip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def generous_throttle(settings):
    """Throttle counts live in the cache across tests; only the throttle test is strict."""
    cache.clear()
    settings.NEWSCLIPS_API_ANON_RATE = "10000/min"
    yield
    cache.clear()


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.json()


def test_clip_list_and_detail(client, catalogue):
    ukraine, bundestag = catalogue
    data = _get(client, reverse("api:clip-list"))

    assert [clip["id"] for clip in data["results"]] == [ukraine.pk, bundestag.pk]
    assert data["next"] is None
    assert data["previous"] is None
    first = data["results"][0]
    assert first["title"] == ukraine.title
    assert first["channel"] == {
        "slug": "global-desk",
        "name": "Global Desk",
        "url": "",
        "page_url": "http://testserver/channels/global-desk/",
    }
    assert first["tags"] == ["ukraine", "war"]
    assert first["duration_seconds"] == 754
    assert first["page_url"] == f"http://testserver/clips/{ukraine.pk}/"
    detail = _get(client, reverse("api:clip-detail", kwargs={"pk": bundestag.pk}))
    assert detail["published"] == "2023"  # year precision, no fake 1 January
    assert detail["published_precision"] == "year"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?tag=ukraine", ["en"]),
        ("?tag=ukraine&tag=bundestag", []),
        ("?channel=nordfunk", ["de"]),
        ("?q=%23ukraine", ["en"]),
        ("?q=%40nordfunk", ["de"]),
        ("?q=heizungsgesetz", ["de"]),
        ("?date_from=2024-01-01&date_to=2024-12-31", ["en"]),
        ("?date_to=2023-12-31", ["de"]),
        ("?language=de", ["de"]),
        ("?duration=medium", ["en"]),
    ],
)
def test_clip_filters_are_the_pages_filters(client, catalogue, query, expected):
    data = _get(client, reverse("api:clip-list") + query)
    assert [clip["language"] for clip in data["results"]] == expected


def test_invalid_filter_is_a_400_with_the_reason(client, catalogue):
    data = _get(client, reverse("api:clip-list") + "?date_from=soon&language=xx", status=400)
    assert set(data) == {"date_from", "language"}


def test_cursor_pagination_walks_every_clip_once_in_page_order(client):
    # Ties on published_at (many year-precision clips share 1 January) and undated
    # clips (NULL) are the hard cases for a cursor.
    for n in range(7):
        make_clip(f"Year {n}", published=(2023, 1, 1), precision="year")
    for n in range(6):
        make_clip(f"Undated {n}", published=None)
    for n in range(5):
        make_clip(f"Day {n}", published=(2024, 3, 1 + n))
    page_order = list(Clip.objects.newest())  # the order of the site's lists

    seen, url, pages = [], reverse("api:clip-list") + "?page_size=4", 0
    while url:
        data = _get(client, url)
        assert len(data["results"]) <= 4
        seen += [clip["id"] for clip in data["results"]]
        url, pages = data["next"], pages + 1
    assert pages == 5
    assert seen == [clip.pk for clip in page_order]  # same order as the site, each once
    assert len(set(seen)) == 18

    back, url = [], data["previous"]  # and back again from the last page
    while url:
        data = _get(client, url)
        back = [clip["id"] for clip in data["results"]] + back
        url = data["previous"]
    assert back == seen[:16]  # every page before the last one, in the same order


def test_cursor_survives_new_clips_arriving_between_pages(client):
    for n in range(4):
        make_clip(f"Clip {n}", published=(2024, 1, 1 + n))
    first = _get(client, reverse("api:clip-list") + "?page_size=2")
    make_clip("Breaking", published=(2024, 6, 1))  # newer: belongs before the cursor
    second = _get(client, first["next"])

    titles = [c["title"] for c in first["results"] + second["results"]]
    assert titles == ["Clip 3", "Clip 2", "Clip 1", "Clip 0"]


# Not base64; "p=notadate|1"; "p=2024-01-01|x"; "p=2024-13-45T00:00:00|1".
@pytest.mark.parametrize(
    "cursor",
    ["garbage", "cD1ub3RhZGF0ZXwx", "cD0yMDI0LTAxLTAxfHg=", "cD0yMDI0LTEzLTQ1VDAwOjAwOjAwfDE="],
)
def test_invalid_cursor_is_rejected(client, catalogue, cursor):
    _get(client, reverse("api:clip-list") + f"?cursor={cursor}", status=404)


def test_channels_and_tags(client, catalogue):
    make_clip("Another", tags=["ukraine"], channel="Global Desk")
    channels = _get(client, reverse("api:channel-list"))["results"]
    assert [(c["slug"], c["clip_count"]) for c in channels] == [
        ("global-desk", 2),
        ("nordfunk", 1),
    ]
    channel = _get(client, reverse("api:channel-detail", kwargs={"slug": "nordfunk"}))
    assert channel["page_url"] == "http://testserver/channels/nordfunk/"

    tags = _get(client, reverse("api:tag-list"))["results"]
    assert [(t["slug"], t["clip_count"]) for t in tags] == [
        ("bundestag", 1),
        ("ukraine", 2),
        ("war", 1),
    ]
    assert [t["slug"] for t in _get(client, reverse("api:tag-list") + "?q=UKR")["results"]] == [
        "ukraine"
    ]
    _get(client, reverse("api:tag-detail", kwargs={"slug": "nope"}), status=404)


def test_tag_pages_walk_with_the_slug_cursor(client):
    for n in range(5):
        make_clip(f"Clip {n}", tags=[f"tag{n}"])
    seen, url = [], reverse("api:tag-list") + "?page_size=2"
    while url:
        data = _get(client, url)
        seen += [tag["slug"] for tag in data["results"]]
        url = data["next"]
    assert seen == [f"tag{n}" for n in range(5)]


def test_markup_is_returned_as_json_text(client):
    title = '<script>alert("x")</script>'
    make_clip(title)
    response = client.get(reverse("api:clip-list"))
    assert response["Content-Type"] == "application/json"
    assert response.json()["results"][0]["title"] == title


def test_openapi_schema_describes_the_clip_list(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    parameters = {p["name"] for p in schema["paths"]["/api/v1/clips/"]["get"]["parameters"]}
    assert {"q", "tag", "channel", "date_from", "date_to", "cursor"} <= parameters
    assert "sort" not in parameters  # API pages are always newest first
    assert "/api/v1/tags/{slug}/" in schema["paths"]

    as_json = client.get(reverse("api:schema") + "?format=json")
    assert as_json.status_code == 200
    assert "/api/v1/channels/" in json.loads(as_json.content)["paths"]


def test_anonymous_clients_are_throttled_at_the_configured_rate(client, settings, catalogue):
    settings.NEWSCLIPS_API_ANON_RATE = "3/min"
    url = reverse("api:clip-list")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    throttled = client.get(url)
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    # Another client address has its own budget.
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 200
    # The HTML pages are not the API: never throttled.
    assert client.get(reverse("catalog:clip_list")).status_code == 200


def test_api_docs_page_serves_swagger_ui_from_our_own_static_files(client):
    response = client.get(reverse("api:docs"))
    html = response.content.decode()

    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html  # no CDN
    script = client.get(reverse("api:docs") + "?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert reverse("api:schema") in script.content.decode()
    # Linked from every page's footer.
    assert f'href="{reverse("api:docs")}"' in client.get("/").content.decode()
