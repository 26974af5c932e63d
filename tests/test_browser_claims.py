"""The moments-and-claims journey in headless Chromium against the live server: an editor adds
a moment with a typed timecode and imports a fact-check from a page on 127.0.0.1; a reader
finds the moment by search, lands at its time on the clip page and sees the claim with its
rating, and finds the claim on the claims page. No CSP violation or script error (the page
fixture fails the test on any), and axe finds nothing serious on the reader's pages."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalog.models import ClaimReview, Moment

from .browser import axe_violations, login, screenshot
from .factories import make_clip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLAIM_REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://faktencheck.example/renten",
    "datePublished": "2024-05-03",
    "claimReviewed": "Die Renten steigen nächstes Jahr um zehn Prozent.",
    "author": {"@type": "Organization", "name": "Faktenfuchs"},
    "reviewRating": {"@type": "Rating", "alternateName": "Falsch"},
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Die Ministerin"}},
}
FACT_CHECK_PAGE = (
    '<!DOCTYPE html><html lang="de"><head><title>Faktencheck</title>'
    f'<script type="application/ld+json">{json.dumps(CLAIM_REVIEW)}</script></head>'
    "<body>Artikel</body></html>"
)


def test_an_editor_adds_a_moment_and_a_fact_check_and_a_reader_finds_them(
    live_server, page, website, settings
):
    settings.NEWSCLIPS_ALLOW_PRIVATE_URLS = True  # the fact-check page is on 127.0.0.1
    check_url = website.add("/faktencheck.html", FACT_CHECK_PAGE)
    clip = make_clip("Abendnachrichten", duration=1200, language="de", channel="Nordfunk")
    get_user_model().objects.create_superuser("editor", "", "pw-editor-123")

    # The editor: a moment typed as 1:02 on the clip's admin page.
    login(page, live_server.url, "editor", "pw-editor-123")
    page.goto(f"{live_server.url}/admin/catalog/clip/{clip.pk}/change/")
    moments = page.locator("#moments-group")
    moments.locator("summary").first.click()
    moments.get_by_text("Add another Moment").click()
    page.locator("#id_moments-0-kind").select_option("story")
    page.locator("#id_moments-0-start").fill("1:02")
    page.locator("#id_moments-0-end").fill("1:40")
    page.locator("#id_moments-0-title").fill("Streit um die Rentenerhöhung")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    moment = Moment.objects.get(clip=clip)
    assert (moment.start, moment.end) == (62, 100)
    screenshot(page, "claims-1-moment-added")

    # …and the fact-check of what was said there, from its published page.
    page.get_by_role("link", name="Import fact-check").click()
    page.get_by_label("Fact-check URL").fill(check_url)
    page.locator("#id_at").fill("1:02")
    page.get_by_role("button", name=re.compile("Import")).click()
    expect(page.locator(".messagelist")).to_contain_text("Faktenfuchs rates it Falsch")
    review = ClaimReview.objects.select_related("claim__moment").get()
    assert review.claim.clip == clip and review.claim.moment.start == 62
    screenshot(page, "claims-2-fact-check-imported")

    # The reader, anonymous: finds the moment by full-text search…
    page.context.clear_cookies()
    page.goto(live_server.url + "/")
    page.get_by_label("Search clips").fill("Rentenerhöhung")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".card__title")).to_have_text(["Abendnachrichten"])
    hit = page.get_by_role("link", name="Moment at 1:02")
    expect(hit).to_be_visible()
    assert axe_violations(page) == [], "search results"
    screenshot(page, "claims-3-search-hit")

    # …follows the hit to the clip page at its time, and sees the claim with its rating.
    hit.click()
    expect(page).to_have_url(re.compile(rf"/clips/{clip.pk}/\?t=62#player$"))
    claim = page.locator(f"#claim-{review.claim.pk}")
    expect(claim).to_contain_text("Die Renten steigen nächstes Jahr um zehn Prozent.")
    expect(claim.locator(".rating")).to_have_text("Falsch")
    expect(claim.get_by_role("link", name="Faktenfuchs")).to_have_attribute(
        "href", "https://faktencheck.example/renten"
    )
    expect(page.locator(f"#moment-{moment.pk}")).to_contain_text("Streit um die Rentenerhöhung")
    assert axe_violations(page) == [], "clip page"
    screenshot(page, "claims-4-clip-at-the-moment")

    # The claims page lists it; its time link lands on the claim at the moment.
    page.get_by_role("link", name="Claims", exact=True).click()
    card = page.locator(".claim-card")
    expect(card).to_have_count(1)
    expect(card.locator(".rating")).to_have_text("Falsch")
    assert axe_violations(page) == [], "claims page"
    screenshot(page, "claims-5-claims-page")
    card.get_by_role("link", name="At 1:02 in the clip").click()
    expect(page).to_have_url(re.compile(rf"/clips/{clip.pk}/\?t=62#claim-{review.claim.pk}$"))
    expect(page.locator(f"#claim-{review.claim.pk}")).to_be_in_viewport()
