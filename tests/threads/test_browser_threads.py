"""Relations and story threads in the real browser: the editor's review queue, thread and
relation admin; the reader's thread list, thread page and a clip's "Also seen as". No CSP
violation, no script error, axe-core clean in light and dark mode."""

import re

import pytest
from playwright.sync_api import expect

from catalog.models import ClipRelation
from tests.browser import axe_violations, login, screenshot

# Autouse: YouTube's thumbnails and player faked, as on the other pages' browser tests.
from tests.test_browser_pages import fake_youtube  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page, name):
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert axe_violations(page) == [], f"{name} in {scheme} mode"
        screenshot(page, f"threads-{name}-{scheme}")


def test_editor_reviews_suggestions_and_curates_a_thread(live_server, page, story):
    broadcast = story["broadcast"]
    more = [
        ClipRelation.objects.suggest(story["reupload"], broadcast, "excerpt", score=0.6)[0],
        ClipRelation.objects.suggest(story["mirror"], broadcast, "same_event", score=0.3)[0],
    ]
    login(page, live_server.url, "editor", "pw-editor-123")
    page.goto(live_server.url + "/admin/catalog/cliprelation/")
    page.get_by_role("link", name="Review 3 suggestions").click()
    expect(page.locator(".review-item")).to_have_count(3)
    pending = story["relations"]["pending"]
    item = page.locator(f"#relation-{pending.pk}")
    expect(item.locator(".review-clip img")).to_have_count(1)  # the broadcast's thumbnail
    expect(item).to_contain_text("Unrelated talk show")
    assert_accessible(page, "review-queue")

    # One by one: the best-scored first.
    page.locator(f"#relation-{more[0].pk}").get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("Confirmed 1 relation.")
    expect(page.locator(".review-item")).to_have_count(2)
    # In bulk: tick both, a note, reject.
    for relation in (pending, more[1]):
        page.locator(f"#select-{relation.pk}").check()
    page.get_by_label("Note (optional, kept with each decision)").fill("not the same footage")
    page.get_by_role("button", name="Reject the ticked").click()
    expect(page.locator(".messagelist")).to_contain_text("Rejected 2 relations.")
    expect(page.get_by_text("Nothing to review.")).to_be_visible()
    assert set(ClipRelation.objects.suggested()) == set()

    # The relation inline on the clip page and the thread admin run under the strict CSP.
    page.goto(live_server.url + f"/admin/catalog/clip/{story['pending'].pk}/change/")
    page.get_by_role("button", name=re.compile("Add another relation", re.IGNORECASE)).click()
    expect(page.locator("#relations_from-0")).to_be_visible()
    page.goto(live_server.url + f"/admin/catalog/storythread/{story['thread'].pk}/change/")
    expect(page.locator("#thread_clips-group")).to_contain_text("Summit opens in Elmau")
    page.get_by_label("Name:").fill("G7 summit in Elmau, June 2022")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert_accessible(page, "thread-admin")


def test_reader_follows_a_thread_and_a_clips_copies(live_server, page, story):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Threads").click()
    assert_accessible(page, "thread-list")
    page.get_by_role("link", name="G7 summit in Elmau 2022").click()
    expect(page.locator(".timeline__date")).to_have_count(4)
    expect(page.locator(".timeline__date").first).to_contain_text("only the year is known")
    expect(page.locator(".channel-starts li")).to_have_count(4)
    assert_accessible(page, "thread-page")

    page.locator(".timeline").get_by_role("link", name="Elmau: the arrival").click()
    expect(page.get_by_role("heading", name="Also seen as")).to_be_visible()
    expect(page.locator(".relations")).to_contain_text("Excerpt of")
    page.get_by_role("link", name="G7 summit in Elmau 2022").click()
    page.go_back()
    assert_accessible(page, "clip-also-seen")
    # The excerpt's stretch of the source: that page's player starts there.
    page.get_by_role("link", name="0:42–1:30").click()
    expect(page.locator(".player iframe")).to_have_attribute("src", re.compile(r"start=42\b"))
