"""Moments on the clip page, in its JSON-LD (hasPart) and as W3C Web Annotations."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pyld import jsonld

from catalog.capture.jobs import request_capture, run_capture
from catalog.models import Capture, Claim, ClaimReview, Clip, Moment, Tag
from catalog.seo import clip_video_object
from tests.factories import make_clip

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
ANNO_CONTEXT = Path(__file__).with_name("anno.jsonld")  # the W3C's context, no network here
OA = "http://www.w3.org/ns/oa#"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"


@pytest.fixture
def clip():
    clip = make_clip(
        "Bulletin",
        duration=1200,
        language="de",
        url="https://example.org/v/1",
        platform="youtube",
        external_id="dQw4w9WgXcQ",
    )
    wahl = Tag.objects.create(name="Wahl", slug="wahl")
    story = Moment.objects.create(
        clip=clip, kind="story", start=462, end=470.5, title="Die Wahl", description="Ergebnis"
    )
    story.tags.add(wahl)
    Moment.objects.create(clip=clip, kind="chapter", start=0, end=31, title="Intro", language="en")
    Moment.objects.create(clip=clip, kind="claim", start=600, end=610, title=HOSTILE)
    return clip


def _json_ld(html):
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_the_clip_page_lists_moments_linking_to_their_time(client, clip):
    html = client.get(clip.get_absolute_url()).content.decode()
    story = clip.moments.get(kind="story")
    assert f'<li class="moment moment--story" id="moment-{story.pk}">' in html
    assert '<a href="?t=462#player" class="timestamp">7:42</a>–<span class="timestamp">7:50' in html
    assert '<a href="?t=0#player" class="timestamp">0:00</a>' in html
    assert html.index("Intro") < html.index("Die Wahl")  # in time order
    assert '<a href="/tags/wahl/">#wahl</a>' in html
    assert '<span class="moment__kind">story</span>' in html
    assert '<span class="moment__kind">chapter</span>' in html
    german = client.get(f"/de{clip.get_absolute_url()}").content.decode()
    assert '<span class="moment__kind">Beitrag</span>' in german
    assert HOSTILE not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    annotations = reverse("catalog:clip_annotations", args=[clip.pk])
    assert f'href="{annotations}"' in html
    # The stable URL of a moment opens the page with the player at its start.
    response = client.get(story.get_absolute_url())
    assert "start=462" in response.content.decode()  # the YouTube player's start
    assert story.get_absolute_url() == f"/clips/{clip.pk}/?t=462#moment-{story.pk}"


def test_json_ld_has_parts_as_schema_org_clips(client, clip):
    html = client.get(clip.get_absolute_url()).content.decode()
    data = _json_ld(html)
    page = f"http://testserver/clips/{clip.pk}/"
    assert data["@type"] == "VideoObject"
    assert data["hasPart"] == [
        {"@type": "Clip", "name": "Intro", "startOffset": 0, "endOffset": 31, "url": f"{page}?t=0"},
        {
            "@type": "Clip",
            "name": "Die Wahl",
            "startOffset": 462,
            "endOffset": 471,
            "url": f"{page}?t=462",
        },
        {
            "@type": "Clip",
            "name": HOSTILE,
            "startOffset": 600,
            "endOffset": 610,
            "url": f"{page}?t=600",
        },
    ]
    # Each part has what Google's key moments need, and its offsets lie in the clip.
    for part in data["hasPart"]:
        assert set(part) == {"@type", "name", "startOffset", "endOffset", "url"}
        assert 0 <= part["startOffset"] < part["endOffset"] <= clip.duration
        assert part["url"].startswith(data["url"] + "?t=")
    assert "</script" not in html.split('type="application/ld+json">', 1)[1].split("</script>")[0]


def test_a_clip_without_moments_has_no_has_part():
    clip = make_clip("Plain")
    assert "hasPart" not in clip_video_object(Clip.objects.for_detail().get(pk=clip.pk), "x")


def _load_local_context(url, options=None):
    if url.rstrip("/") != "http://www.w3.org/ns/anno.jsonld":
        raise AssertionError(f"unexpected context {url}")
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(ANNO_CONTEXT.read_text()),
    }


def test_web_annotations_parse_as_json_ld(client, clip):
    response = client.get(reverse("catalog:clip_annotations", args=[clip.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    document = json.loads(response.content)
    expanded = jsonld.expand(document, {"documentLoader": _load_local_context})
    (collection,) = expanded
    assert collection["@type"] == ["http://www.w3.org/ns/activitystreams#OrderedCollection"]
    assert collection["@id"] == f"http://testserver/clips/{clip.pk}/annotations.jsonld"
    flat = jsonld.flatten(document, None, {"documentLoader": _load_local_context})
    nodes = {node["@id"]: node for node in flat}
    annotations = [n for n in flat if f"{OA}Annotation" in n.get("@type", [])]
    assert len(annotations) == 3
    story = clip.moments.get(kind="story")
    anno = nodes[f"http://testserver/clips/{clip.pk}/?t=462#moment-{story.pk}"]
    target = nodes[anno[f"{OA}hasTarget"][0]["@id"]]
    assert target[f"{OA}hasSource"] == [{"@id": "https://example.org/v/1"}]
    selector = nodes[target[f"{OA}hasSelector"][0]["@id"]]
    assert selector["@type"] == [f"{OA}FragmentSelector"]
    assert selector["http://www.w3.org/1999/02/22-rdf-syntax-ns#value"] == [
        {"@value": "t=462,470.5"}
    ]
    assert selector["http://purl.org/dc/terms/conformsTo"] == [
        {"@id": "http://www.w3.org/TR/media-frags/"}
    ]
    bodies = [nodes[b["@id"]] for b in anno[f"{OA}hasBody"]]
    values = {
        (
            b[f"{OA}hasPurpose"][0]["@id"],
            b["http://www.w3.org/1999/02/22-rdf-syntax-ns#value"][0]["@value"],
        )
        for b in bodies
    }
    assert values == {
        (f"{OA}describing", "Die Wahl"),
        (f"{OA}commenting", "Ergebnis"),
        (f"{OA}tagging", "wahl"),
    }
    assert anno[f"{OA}motivatedBy"] == [{"@id": f"{OA}describing"}]


def test_annotations_of_an_unknown_clip_are_404(client):
    assert client.get(reverse("catalog:clip_annotations", args=[999999])).status_code == 404


def test_the_clip_page_costs_the_same_queries_with_more_moments(
    client, clip, django_assert_num_queries
):
    # Each request rendered afresh (pages are cached by the catalogue's version).
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(clip.get_absolute_url())
    for second in range(10):
        moment = Moment.objects.create(
            clip=clip, kind="segment", start=700 + second, end=701 + second, title="S"
        )
        moment.tags.add(Tag.objects.get(slug="wahl"))
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(clip.get_absolute_url())


def test_staff_who_may_play_the_copy_get_media_fragment_links(client, capture_settings, media_site):
    clip = make_clip("Preserved", url=media_site.url("/v/"), duration=60)
    capture = request_capture(clip, enqueue=False)
    assert run_capture(capture.pk, retry=False) == Capture.Status.COMPLETE
    Moment.objects.create(clip=clip, kind="story", start=1, end=2.5, title="Part")
    media = reverse("catalog:capture_file", args=[capture.pk, "media.mp4"])

    assert media not in client.get(clip.get_absolute_url()).content.decode()  # readers: no
    archivist = User.objects.create_user("archivist", password="x", is_staff=True)
    archivist.user_permissions.add(Permission.objects.get(codename="view_capture"))
    client.force_login(archivist)
    html = client.get(clip.get_absolute_url()).content.decode()
    assert f'href="{media}#t=1,2.5"' in html


@pytest.mark.django_db(transaction=True)  # PostgreSQL raises the version on commit
def test_a_cached_clip_page_shows_a_new_moment_or_fact_check_at_once(client, clip):
    url = clip.get_absolute_url()
    client.get(url)
    Moment.objects.create(clip=clip, kind="segment", start=5, end=6, title="Fresh moment")
    assert "Fresh moment" in client.get(url).content.decode()
    claim = Claim.objects.create(clip=clip, text="Fresh claim")
    assert "Fresh claim" in client.get(url).content.decode()
    ClaimReview.objects.create(claim=claim, rating="Wrong", organisation="O", url="https://o/")
    assert ">Wrong</strong>" in client.get(url).content.decode()
