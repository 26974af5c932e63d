"""A reader's first steps in a real headless Chromium against the live server."""

import re

import pytest
from playwright.sync_api import expect

from .browser import screenshot
from .factories import make_clip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_then_tag_then_clip(live_server, page):
    make_clip("Frontline towns brace for winter", tags=["ukraine", "war"], channel="Global Desk")
    make_clip("Heizungsgesetz im Bundestag", tags=["bundestag"], channel="Nordfunk")
    make_clip(
        "Explainer: the grain corridor",
        tags=["ukraine"],
        description="Background and #ukraine context: https://news.example.com/grain",
        related=["Frontline towns brace for winter"],
    )

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Newest clips")).to_be_visible()
    expect(page.locator(".card")).to_have_count(3)
    screenshot(page, "home")

    page.locator(".card").filter(has_text="Frontline").get_by_role("link", name="#ukraine").click()
    expect(page).to_have_url(re.compile(r"/tags/ukraine/$"))
    expect(page.get_by_role("heading", name="#ukraine")).to_be_visible()
    expect(page.locator(".card")).to_have_count(2)
    expect(page.get_by_text("Heizungsgesetz")).to_have_count(0)
    screenshot(page, "tag")

    page.get_by_role("link", name="Explainer: the grain corridor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Explainer: the grain corridor")
    link = page.get_by_role("link", name="https://news.example.com/grain")
    expect(link).to_have_attribute("rel", "nofollow noopener")
    screenshot(page, "clip")

    page.get_by_role("link", name="Frontline towns brace for winter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Frontline towns brace for winter")
