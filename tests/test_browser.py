"""The two journeys of the spec in a real headless Chromium against the live server,
with a screenshot of each page in tests/artifacts/ (docs/screenshots/ has current ones)."""

import csv
import io
import re

import feedparser
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from .browser import login, screenshot
from .factories import make_clip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reader_catalogue(catalogue):
    """The shared catalogue, plus two more #ukraine clips: one related, one elsewhere."""
    make_clip(
        "Explainer: the grain corridor",
        tags=["ukraine", "grain"],
        channel="Global Desk",
        published=(2024, 11, 5),
        language="en",
        description="Background and #ukraine context: https://news.example.com/grain",
        related=["Frontline towns brace for winter"],
    )
    make_clip(
        "Getreidekorridor: Schiffe verlassen Odesa",
        tags=["ukraine"],
        channel="Nordfunk",
        published=(2024, 10, 1),
        language="de",
    )
    return catalogue


def cards(page):
    return page.locator(".card__title")


def test_readers_journey(live_server, page, reader_catalogue):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Newest clips")).to_be_visible()
    expect(cards(page)).to_have_count(4)
    screenshot(page, "reader-1-home")

    page.locator(".card").filter(has_text="Frontline").get_by_role("link", name="#ukraine").click()
    expect(page).to_have_url(re.compile(r"/tags/ukraine/$"))
    expect(page.get_by_role("heading", name="#ukraine")).to_be_visible()
    expect(cards(page)).to_have_count(3)
    screenshot(page, "reader-2-tag")

    page.get_by_label("Channel").fill("Global Desk")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"/tags/ukraine/\?.*channel=Global\+Desk"))
    expect(cards(page)).to_have_text(
        ["Explainer: the grain corridor", "Frontline towns brace for winter"]
    )
    filtered = page.url
    screenshot(page, "reader-3-filtered")

    page.get_by_role("link", name="Explainer: the grain corridor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Explainer: the grain corridor")
    link = page.get_by_role("link", name="https://news.example.com/grain")
    expect(link).to_have_attribute("rel", "nofollow noopener")
    screenshot(page, "reader-4-clip")

    page.locator(".related").get_by_role("link", name="Frontline towns brace for winter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Frontline towns brace for winter")
    screenshot(page, "reader-5-related")

    # Back on the filtered list: subscribe to it, then download it.
    page.goto(filtered)
    with page.expect_response(re.compile(r"/feed\.atom")) as feed_response:
        page.get_by_role("link", name="Subscribe (Atom)").click()
    feed = feedparser.parse(feed_response.value.body())
    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == [
        "Explainer: the grain corridor",
        "Frontline towns brace for winter",
    ]
    page.goto(filtered)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["title"] for row in rows) == [
        "Explainer: the grain corridor",
        "Frontline towns brace for winter",
    ]

    # The same page in German, from the switch in the header (a link: no script, no
    # cookie); the clip titles stay as they are, and the next page is German too.
    page.get_by_role("link", name="Deutsch").click()
    expect(page).to_have_url(filtered.replace(live_server.url, live_server.url + "/de", 1))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("button", name="Anwenden")).to_be_visible()
    expect(cards(page).first).to_have_text("Explainer: the grain corridor")
    expect(cards(page).first).to_have_attribute("lang", "en")
    screenshot(page, "reader-6-german")
    assert page.context.cookies() == []
    page.get_by_role("link", name="Kanäle").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


PAGE_TEXT = """Hochwasser an der Elbe: Pegel steigt

Der Pegel in Dresden steigt weiter, die Altstadt wird gesichert. #hochwasser #elbe
Video erstellt am 14.09.2023

Frontline towns brace for winter
"""


def test_editors_journey(live_server, page, catalogue):
    get_user_model().objects.create_superuser("editor", "", "pw-editor-123")

    login(page, live_server.url, "editor", "pw-editor-123")
    screenshot(page, "editor-1-admin")

    page.get_by_role("link", name="Clips", exact=True).first.click()
    page.get_by_role("link", name="Import page text").click()
    page.get_by_label("Page text").fill(PAGE_TEXT)
    page.get_by_label("…or type its name").fill("Nordfunk")
    screenshot(page, "editor-2-import-form")
    page.get_by_role("button", name="Import").click()

    result = page.locator("#import-result")
    expect(result).to_contain_text("Hochwasser an der Elbe: Pegel steigt")
    expect(result).to_contain_text("Nordfunk")
    screenshot(page, "editor-3-imported")

    page.get_by_role("link", name="View on site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hochwasser an der Elbe: Pegel steigt"
    )
    expect(page.locator(".tags").get_by_role("link", name="#hochwasser")).to_be_visible()
    related = page.locator(".related").get_by_role("link")
    expect(related).to_have_text("Frontline towns brace for winter")
    screenshot(page, "editor-4-on-the-site")

    page.get_by_role("link", name="Nordfunk").first.click()
    expect(cards(page)).to_have_text(
        ["Hochwasser an der Elbe: Pegel steigt", "Heizungsgesetz im Bundestag"]
    )
    screenshot(page, "editor-5-channel")
