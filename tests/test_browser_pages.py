"""Every kind of page in the real browser: no CSP violation, no script error, and axe-core
finds no serious or critical accessibility problem, in light and in dark mode."""

import struct
import zlib
from unittest.mock import ANY

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalog.ingest import SegmentRecord, TranscriptRecord
from catalog.models import Claim, Moment

from .browser import axe_violations, login, screenshot
from .factories import make_clip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png(width=32, height=18):
    """A small 16:9 PNG with a blue-grey gradient."""
    rows = b"".join(
        b"\x00"  # no filter
        + bytes(value for x in range(width) for value in (40 + 4 * x, 70 + 6 * y, 120))
        for y in range(height)
    )

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# It stands in for YouTube's thumbnails, and a blank page for its player: the only
# parts of the page that cannot exist here.
THUMBNAIL = png()


@pytest.fixture(autouse=True)
def fake_youtube(page):
    page.route(
        "https://i.ytimg.com/**",
        lambda route: route.fulfill(body=THUMBNAIL, content_type="image/png"),
    )
    page.route(
        "https://www.youtube-nocookie.com/**",
        lambda route: route.fulfill(
            body="<!doctype html><title>player</title>", content_type="text/html"
        ),
    )


@pytest.fixture
def site(catalogue):
    """The shared catalogue plus a YouTube clip with a thumbnail, transcript and related clip."""
    ukraine, bundestag = catalogue
    video = make_clip(
        "Explainer: the grain corridor",
        platform="youtube",
        external_id="dQw4w9WgXcQ",
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        thumbnail_url="https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
        tags=["ukraine", "grain"],
        channel="Global Desk",
        language="en",
        duration=300,
        view_count=12034,
        description="Background and #ukraine context: https://news.example.com/grain",
        related=["Frontline towns brace for winter", "A report not in the catalogue"],
        transcripts=[
            TranscriptRecord(
                "en",
                "manual",
                [SegmentRecord(0, 4, "Ships leave Odesa."), SegmentRecord(65, 70, "Prices.")],
            )
        ],
    )
    # A claim at a moment of it, with a fact-check: on the clip page and the claims page.
    moment = Moment.objects.create(clip=video, kind="claim", start=65, end=70, title="Prices")
    claim = Claim.objects.create(clip=video, moment=moment, text="Prices doubled in a week.")
    claim.reviews.create(rating="False", organisation="Claim Radar", url="https://check.example/1")
    get_user_model().objects.create_superuser("editor", "", "pw-editor-123")
    return {"ukraine": ukraine, "bundestag": bundestag, "video": video}


PUBLIC_PAGES = {
    "home": lambda site: "/",
    "tag": lambda site: "/tags/ukraine/",
    "channel": lambda site: "/channels/global-desk/",
    "search": lambda site: "/?q=winter&duration=medium",
    "clip": lambda site: site["video"].get_absolute_url(),
    "clip-playing": lambda site: site["video"].get_absolute_url() + "?t=65#player",
    "tags": lambda site: "/tags/",
    "channels": lambda site: "/channels/",
    "claims": lambda site: "/claims/",
    "claims-search": lambda site: "/claims/?q=prices&rating=False",
    "not-found": lambda site: "/tags/no-such-tag/",
    "api-docs": lambda site: "/api/v1/docs/",
    "home-german": lambda site: "/de/",
    "claims-german": lambda site: "/de/claims/",
}


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_is_clean_and_accessible(live_server, page, site, name):
    url = live_server.url + PUBLIC_PAGES[name](site)
    response = page.goto(url)
    if name.endswith("-german"):
        expect(page.locator("html")).to_have_attribute("lang", "de")
    if name == "not-found":
        assert response.status == 404
        page.problems.remove(("console", ANY, url))
    if name == "api-docs":
        # Swagger UI's own styling is its project's; only its CSP cleanliness is ours.
        page.get_by_text("/api/v1/clips/", exact=True).click()
        page.get_by_role("button", name="Try it out").click()
        page.get_by_role("button", name="Execute").click()
        page.locator(".live-responses-table .response-col_status", has_text="200").wait_for()
        expect(page.locator(".live-responses-table")).to_contain_text("Frontline towns")
        screenshot(page, "page-api-docs")
        return

    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert axe_violations(page) == [], f"{name} in {scheme} mode"
        screenshot(page, f"page-{name}-{scheme}")


def test_thumbnails_are_lazy_with_fixed_sizes_and_the_player_loads_on_click(
    live_server, page, site
):
    page.goto(live_server.url + site["video"].get_absolute_url())
    assert page.locator("iframe").count() == 0  # nothing from the platform on page load

    preview = page.locator(".player__preview img")
    assert preview.get_attribute("width") == "640" and preview.get_attribute("height") == "360"
    page.get_by_role("link", name="Play video").click()

    frame = page.locator(".player iframe")
    frame.wait_for()
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/")


def test_keyboard_reaches_the_content_with_a_visible_focus(live_server, page, site):
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to content"
    assert skip.evaluate("el => getComputedStyle(el).left") != "-9999px"  # shown when focused
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")

    # Every focusable control draws an outline when reached by keyboard.
    for _ in range(12):
        page.keyboard.press("Tab")
        outline = page.locator(":focus").evaluate(
            "el => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]"
        )
        assert outline[0] != "none" and outline[1] != "0px", page.locator(":focus").inner_html()


ADMIN_PAGES = {
    "index": "/admin/",
    "clips": "/admin/catalog/clip/",
    "clip-change": "/admin/catalog/clip/{video}/change/",
    "clip-add": "/admin/catalog/clip/add/",
    "import-pagetext": "/admin/catalog/clip/import-pagetext/",
    "add-from-urls": "/admin/catalog/clip/add-from-urls/",
    "upload-infojson": "/admin/catalog/clip/upload-infojson/",
    "channel-change": "/admin/catalog/channel/{channel}/change/",
    "clip-history": "/admin/catalog/clip/{video}/history/",
    "tags": "/admin/catalog/tag/",
    "tag-delete": "/admin/catalog/tag/{tag}/delete/",
    "related-add": "/admin/catalog/relatedlink/add/",
    "jobs": "/admin/catalog/ingestjob/",
    "followed-add": "/admin/catalog/followedsource/add/",
    "users": "/admin/auth/user/",
    "password-change": "/admin/password_change/",
}
# axe-core on the pages an editor works in every day.
ADMIN_AXE = {"import-pagetext", "add-from-urls", "upload-infojson"}


def test_admin_pages_run_under_the_strict_csp(live_server, page, site):
    login(page, live_server.url, "editor", "pw-editor-123")
    video = site["video"]
    ids = {"video": video.pk, "channel": video.channel_id, "tag": video.tags.first().pk}
    accessibility = {}
    for name, path in ADMIN_PAGES.items():
        page.goto(live_server.url + path.format(**ids))
        assert page.locator("#content").count() == 1, name
        if name == "clip-change":
            # The autocomplete widget (select2) and the inlines' "add another" use scripts.
            page.locator(".select2-selection").first.click()
            page.locator(".select2-dropdown .select2-search__field").fill("Nord")
            page.locator(".select2-results__option", has_text="Nordfunk").wait_for()
            page.keyboard.press("Escape")
            page.get_by_role("link", name="Add another Tag").first.click()
        if name in ADMIN_AXE:
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                accessibility[f"{name} ({scheme})"] = axe_violations(page)
        screenshot(page, f"admin-{name}")

    failures = {name: found for name, found in accessibility.items() if found}
    assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())
