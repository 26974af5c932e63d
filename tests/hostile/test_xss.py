"""Hostile text in titles, descriptions, tags, channel names, links and transcripts.

It arrives by page text, by an .info.json file and by URL (real yt-dlp against a
local site); it is stored as the text it is, and every page, feed, export and API
answer keeps it inert. In Chromium: no dialog, no injected script runs, and a
10,000-character word does not widen the page.
"""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils.html import escape

from catalog import ingest
from catalog.models import ChannelLink, Clip, IngestJob, RelatedLink, Tag, TranscriptSegment

from .payloads import (
    CHANNEL,
    DESCRIPTION,
    LONG_WORD,
    MARKUP,
    PWN,
    TAGS,
    TITLE,
    VTT,
    assert_inert,
)

PAGE_TEXT = "\n".join(
    [
        "Videospiegel",
        "video thumbnail",
        TITLE,
        "",
        DESCRIPTION,
        "Video 2023 erstellt",
        TITLE,
        f"<script>{PWN}</script> Related",
    ]
)
INFO = {
    "id": "xss-info",
    "extractor": "vimeo",
    "extractor_key": "Vimeo",
    "webpage_url": "https://vimeo.com/123",
    "title": TITLE,
    "description": DESCRIPTION,
    "tags": TAGS,
    "channel": CHANNEL,
    "channel_url": f"javascript:{PWN}",
    "uploader_url": f" JAVASCRIPT:{PWN}",
    "thumbnail": "data:image/svg+xml,<svg onload=alert(1)>",
    "upload_date": "20240305",
}


@pytest.fixture
def hostile(newsroom):
    """One clip per way in, each carrying every payload it can carry."""
    results = {
        "pagetext": ingest.import_pagetext(PAGE_TEXT, channel_name=CHANNEL),
        "infojson": ingest.import_infojson(json.dumps(INFO), name="hostile.info.json"),
        "url": ingest.ingest_url(newsroom.publish("xss-url", TITLE, DESCRIPTION)),
        "subtitles": ingest.ingest_url(newsroom.publish_subtitled("xss-vtt", TITLE, VTT)),
    }
    assert {name: r.outcome for name, r in results.items()} == dict.fromkeys(results, "created")
    return {name: Clip.objects.get(pk=result.clip.pk) for name, result in results.items()}


def page_urls(clips):
    urls = ["/", "/tags/", "/channels/", "/?q=%3Cscript%3E", f"/?q={PWN}"]
    for clip in clips.values():
        urls.append(clip.get_absolute_url())
        urls.append(clip.get_absolute_url() + "?play=1&t=1")
        if clip.channel:
            urls.append(clip.channel.get_absolute_url())
        urls += [tag.get_absolute_url() for tag in clip.tags.all()]
    return list(dict.fromkeys(urls))


@pytest.mark.django_db
def test_everything_is_stored_as_the_text_it_is(hostile):
    for name, clip in hostile.items():
        assert clip.title.startswith(f"<script>{PWN}</script>"), name
        assert "\u202eecnalab\u202c Zero\u200bWidth &amp; &lt;b&gt;" in clip.title, name
    for name in ("pagetext", "infojson", "url"):
        assert f"<img src=x onerror={PWN}>" in hostile[name].description
        assert LONG_WORD in hostile[name].description
    assert hostile["pagetext"].channel.name == CHANNEL
    assert hostile["infojson"].channel.name == CHANNEL
    assert hostile["infojson"].channel.url == ""  # javascript: is not a channel URL
    assert hostile["infojson"].thumbnail_url == ""
    texts = list(TranscriptSegment.objects.order_by("start").values_list("text", flat=True))
    assert texts[:2] == [f"<script>{PWN}</script>", f"<img src=x onerror={PWN}> \u202eecnalab"]
    assert RelatedLink.objects.filter(title=f"<script>{PWN}</script> Related").exists()
    # Slugs are slugs, whatever the tag said; links found in text are http(s) only.
    slugs = list(Tag.objects.values_list("slug", flat=True))
    assert all(re.fullmatch(r"[\w-]{1,100}", slug) for slug in slugs), slugs
    assert "zerowidth" in slugs  # the zero-width space is not part of the tag
    assert Tag.objects.filter(slug="wahl").exists()
    link_urls = list(ChannelLink.objects.values_list("url", flat=True))
    link_urls += list(RelatedLink.objects.exclude(url="").values_list("url", flat=True))
    assert link_urls and all(url.startswith(("http://", "https://")) for url in link_urls)


@pytest.mark.django_db
def test_every_page_keeps_it_inert(client, hostile):
    for url in page_urls(hostile):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        parser = assert_inert(html, where=url)
        if url == hostile["url"].get_absolute_url():
            assert escape(TITLE) in html
            links = [attrs["href"] for tag, attrs in parser.elements if tag == "a"]
            assert "https://example.org/ok?a=" in links  # the URL ends at the quote
    clip_page = client.get(hostile["subtitles"].get_absolute_url()).content.decode()
    assert escape(f"<script>{PWN}</script>") in clip_page  # the transcript, as text


@pytest.mark.django_db
def test_the_admin_keeps_it_inert_for_editors(admin_client, hostile):
    clip = hostile["infojson"]
    urls = [
        reverse("admin:catalog_clip_changelist"),
        reverse("admin:catalog_clip_changelist") + "?q=%3Cscript%3E",
        reverse("admin:catalog_channel_changelist"),
        reverse("admin:catalog_tag_changelist"),
        reverse("admin:catalog_channel_change", args=[clip.channel.pk]),
    ]
    urls += [reverse("admin:catalog_clip_change", args=[c.pk]) for c in hostile.values()]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        # The admin's own URL widgets link without rel; staff only, http(s) still enforced.
        assert_inert(response.content.decode(), where=url, external_rel=False)


@pytest.mark.django_db
def test_feeds_keep_it_inert_for_feed_readers(client, hostile):
    channel = hostile["url"].channel
    feeds = [
        reverse("catalog:feed_atom"),
        reverse("catalog:feed_rss"),
        reverse("catalog:tag_feed_atom", kwargs={"slug": "wahl"}),
        reverse("catalog:tag_feed_rss", kwargs={"slug": "wahl"}),
        reverse("catalog:channel_feed_atom", kwargs={"slug": channel.slug}),
        reverse("catalog:channel_feed_rss", kwargs={"slug": channel.slug}),
    ]
    atom = "{http://www.w3.org/2005/Atom}"
    for url in feeds:
        body = client.get(url).content.decode()
        for markup in MARKUP:
            assert markup not in body, url
        root = ET.fromstring(body)  # noqa: S314 (our own feed; must be well-formed XML)
        entries = root.iter(f"{atom}entry") if url.endswith("atom") else root.iter("item")
        entries = list(entries)
        assert entries, url
        for entry in entries:
            if url.endswith("atom"):
                title = entry.findtext(f"{atom}title")  # plain text
                html = entry.findtext(f"{atom}summary") or ""
            else:
                title = entry.findtext("title")  # HTML: shown as text once unescaped
                assert title.startswith("&lt;script&gt;"), title[:40]
                html = (entry.findtext("description") or "") + title
            assert "<script>" in title or url.endswith("rss")
            assert_inert(html, where=url)


@pytest.mark.django_db
def test_exports_and_api_return_the_text_as_data(client, hostile):
    titles = {clip.title for clip in hostile.values()}
    jsonl = b"".join(client.get(reverse("catalog:export_jsonl")).streaming_content).decode()
    assert {json.loads(line)["title"] for line in jsonl.splitlines()} == titles
    raw = b"".join(client.get(reverse("catalog:export_csv")).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(raw)))
    assert {row["title"] for row in rows} == titles  # "<" is no formula prefix
    assert {row["channel"] for row in rows} >= {CHANNEL}
    response = client.get(reverse("api:clip-list"))
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    results = data["results"] if isinstance(data, dict) else data
    assert {item["title"] for item in results} == titles
    html = client.get(reverse("api:clip-list"), HTTP_ACCEPT="text/html").content.decode()
    for markup in MARKUP:
        assert markup not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"javascript:{PWN}",
        f"JaVaScRiPt:{PWN}",
        f"  javascript:{PWN}",
        f"jav\tascript:{PWN}",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ],
)
def test_non_http_urls_are_refused_with_a_message_and_nothing_written(admin_client, url):
    result = ingest.ingest_url(url)
    assert result.outcome == "failed"
    assert result.reason.startswith("only http and https URLs can be imported, not")

    response = admin_client.post(reverse("admin:catalog_clip_add_from_urls"), {"urls": url})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not an http(s) URL:" in html
    assert_inert(html, where="add from URLs")
    assert not Clip.objects.exists()
    assert not IngestJob.objects.exists()


@pytest.mark.django_db
def test_a_non_http_source_url_is_refused_for_page_text(admin_client):
    response = admin_client.post(
        reverse("admin:catalog_clip_import_pagetext"),
        {"text": PAGE_TEXT, "new_channel": "X", "source_url": f"javascript:{PWN}"},
    )
    assert "Enter a valid URL." in response.content.decode()
    assert not Clip.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_chromium_nothing_runs_and_long_words_wrap(live_server, page, hostile):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # A phone's width: the narrowest layout is where a long word would overflow first.
    for width in (375,):
        page.set_viewport_size({"width": width, "height": 800})
        for url in page_urls(hostile):
            page.goto(live_server.url + url)
            assert page.evaluate("window.__pwned") is None, url
            bad = page.evaluate(
                """() => [...document.querySelectorAll('*')].filter(el =>
                    [...el.attributes].some(a => a.name.startsWith('on') ||
                      /^\\s*(javascript|data|vbscript):/i.test(a.value) && a.name !== 'content')
                ).map(el => el.outerHTML.slice(0, 80))"""
            )
            assert bad == [], url
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')].filter(el =>
                    el.getBoundingClientRect().right > document.documentElement.clientWidth
                    || el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX
                       === 'visible'
                ).map(el => el.tagName + '.' + el.className + ' ' + el.textContent.slice(0, 40))"""
            )
            assert overflow <= 0, f"{url} is {overflow}px wider than {width}px: {wide[:5]}"
    assert dialogs == []
