"""What crawlers and link previews read: JSON-LD, Open Graph, canonical URL, sitemap, robots."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from django.urls import reverse

from catalog.models import Clip
from catalog.seo import iso_duration

from .factories import make_clip

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _xml(content):
    # Our own sitemap output, not untrusted input.
    return ET.fromstring(content)  # noqa: S314


def _json_ld(html):
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def _meta(html, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    return match.group(1) if match else None


@pytest.fixture
def youtube_clip():
    return make_clip(
        "Frontline towns brace for winter",
        tags=["Ukraine", "war"],
        channel="Global Desk",
        published=(2024, 11, 2, 8, 30),
        precision="time",
        duration=754,
        language="en",
        platform="youtube",
        external_id="dQw4w9WgXcQ",
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        thumbnail_url="https://i.ytimg.com/vi/dQw4w9WgXcQ/hq.jpg",
        description="Our correspondent reports.",
    )


def test_clip_page_has_a_video_object(client, youtube_clip):
    html = client.get(youtube_clip.get_absolute_url() + "?play=1").content.decode()
    data = _json_ld(html)
    page_url = f"http://testserver{youtube_clip.get_absolute_url()}"

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "VideoObject"
    assert data["name"] == youtube_clip.title
    assert data["description"] == "Our correspondent reports."
    assert data["uploadDate"] == "2024-11-02T07:30:00+00:00"
    assert data["duration"] == "PT12M34S"
    assert data["thumbnailUrl"] == "https://i.ytimg.com/vi/dQw4w9WgXcQ/hq.jpg"
    assert data["embedUrl"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert data["url"] == page_url
    assert data["author"] == data["publisher"] == {"@type": "Organization", "name": "Global Desk"}
    assert data["keywords"] == "ukraine, war"
    # The canonical URL drops ?play and other view parameters.
    assert f'<link rel="canonical" href="{page_url}">' in html


def test_year_precision_upload_date_and_missing_fields_are_left_out(client):
    clip = make_clip("Old report", published=(2023, 1, 1), precision="year", channel=None)
    data = _json_ld(client.get(clip.get_absolute_url()).content.decode())

    assert data["uploadDate"] == "2023"
    assert data["description"] == "Old report"  # the title stands in for a missing description
    for absent in ("duration", "thumbnailUrl", "embedUrl", "author", "publisher", "keywords"):
        assert absent not in data


def test_open_graph_and_twitter_tags(client, youtube_clip):
    html = client.get(youtube_clip.get_absolute_url()).content.decode()
    page_url = f"http://testserver{youtube_clip.get_absolute_url()}"

    assert _meta(html, "property", "og:type") == "video.other"
    assert _meta(html, "property", "og:title") == youtube_clip.title
    assert _meta(html, "property", "og:description") == "Our correspondent reports."
    assert _meta(html, "property", "og:url") == page_url
    assert _meta(html, "property", "og:image") == "https://i.ytimg.com/vi/dQw4w9WgXcQ/hq.jpg"
    assert (
        _meta(html, "property", "og:video") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    assert _meta(html, "name", "twitter:card") == "summary_large_image"
    assert _meta(html, "name", "twitter:title") == youtube_clip.title


def test_clip_without_player_or_image_gets_no_video_or_image_tags(client):
    clip = make_clip("Web page clip", thumbnail_url="javascript:alert(1)")
    html = client.get(clip.get_absolute_url()).content.decode()

    assert _meta(html, "property", "og:video") is None
    assert _meta(html, "property", "og:image") is None  # only http(s) URLs leave the page
    assert _meta(html, "name", "twitter:card") == "summary"
    assert "thumbnailUrl" not in _json_ld(html)


def test_json_ld_cannot_be_broken_out_of(client):
    title = "</script><script>alert(1)</script> & \"quotes\" 'single'"
    clip = make_clip(title, description="<!-- comment --> </SCRIPT >", channel="</script>")
    html = client.get(clip.get_absolute_url()).content.decode()

    head = html[: html.index("</head>")]
    assert head.count("</script>") == 1  # only the JSON-LD element's own end tag
    assert "<script>alert" not in html
    data = _json_ld(html)
    assert data["name"] == title  # escaped for HTML, the same text once parsed
    assert data["description"] == "<!-- comment --> </SCRIPT >"
    assert data["author"]["name"] == "</script>"
    assert f'content="{title}"' not in html  # meta attributes are HTML-escaped
    assert (
        _meta(html, "property", "og:title")
        == "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; "
        "&quot;quotes&quot; &#x27;single&#x27;"
    )


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "PT0S"),
        (59, "PT59S"),
        (60, "PT1M"),
        (754, "PT12M34S"),
        (3600, "PT1H"),
        (3661, "PT1H1M1S"),
    ],
)
def test_iso_duration(seconds, expected):
    assert iso_duration(seconds) == expected


def test_sitemap_index_and_sections(client, youtube_clip):
    make_clip("Second", tags=["bundestag"], channel="Nordfunk")
    index = client.get(reverse("catalog:sitemap"))
    assert index.status_code == 200
    assert index["Cache-Control"] == "max-age=3600, public"
    locations = [el.text for el in _xml(index.content).findall("s:sitemap/s:loc", SITEMAP_NS)]
    assert locations == [
        "http://testserver/sitemap-lists.xml",
        "http://testserver/sitemap-clips.xml",
        "http://testserver/sitemap-tags.xml",
        "http://testserver/sitemap-channels.xml",
        "http://testserver/sitemap-threads.xml",
    ]

    def urls(section):
        response = client.get(reverse("catalog:sitemap_section", kwargs={"section": section}))
        assert response.status_code == 200
        root = _xml(response.content)
        return [el.text for el in root.findall("s:url/s:loc", SITEMAP_NS)]

    assert urls("lists") == ["http://testserver/", "http://testserver/claims/"]
    clips = urls("clips")
    assert f"http://testserver{youtube_clip.get_absolute_url()}" in clips
    assert len(clips) == 2
    assert urls("tags") == [
        "http://testserver/tags/bundestag/",
        "http://testserver/tags/ukraine/",
        "http://testserver/tags/war/",
    ]
    assert urls("channels") == [
        "http://testserver/channels/global-desk/",
        "http://testserver/channels/nordfunk/",
    ]


def test_sitemap_index_does_not_read_every_clip(client, django_assert_num_queries):
    for n in range(3):
        make_clip(f"Clip {n}")
    latest = Clip.objects.order_by("-updated_at").first().updated_at
    # the catalogue version (the ETag), the newest change, then one count per section;
    # the threads' section its newest change too
    with django_assert_num_queries(7) as captured:
        index = client.get(reverse("catalog:sitemap"))
    assert not any("ORDER BY" in query["sql"] for query in captured.captured_queries)
    lastmods = [el.text for el in _xml(index.content).findall("s:sitemap/s:lastmod", SITEMAP_NS)]
    assert datetime.fromisoformat(lastmods[0]) == latest


def test_sitemap_sections_paginate(client, monkeypatch):
    from catalog.seo import ClipSitemap

    monkeypatch.setattr(ClipSitemap, "limit", 2)
    for n in range(5):
        make_clip(f"Clip {n}")
    index = client.get(reverse("catalog:sitemap")).content.decode()
    assert "http://testserver/sitemap-clips.xml?p=3" in index
    page3 = client.get(reverse("catalog:sitemap_section", kwargs={"section": "clips"}) + "?p=3")
    assert page3.content.decode().count("<url>") == 1


def test_robots_txt(client):
    response = client.get(reverse("catalog:robots_txt"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /export" in lines
    assert "Disallow: /*/export." in lines
    assert "Disallow: /api/v1/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_favicon_ico_points_to_the_icon(client):
    response = client.get(reverse("catalog:favicon"))

    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
    assert client.get(response["Location"]).status_code == 200
