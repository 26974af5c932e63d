"""A page that embeds several videos: each becomes a clip with the page as its source."""

import pytest

from catalog import ingest
from catalog.ingest import Outcome, ingest_page, ingest_url, ingest_urls, refresh_clip
from catalog.ingest.ytdlp import extract_page
from catalog.models import AvailabilityCheck, Clip, IngestJobItem

pytestmark = pytest.mark.django_db

TITLES = ["Drei Clips zur Wahl (1)", "Drei Clips zur Wahl (2)", "Drei Clips zur Wahl (3)"]


@pytest.fixture(autouse=True)
def _private_allowed(allow_private):
    pass


def test_the_page_is_fetched_once_and_read_as_its_videos(site):
    page = site.url("/several.html")
    records = extract_page(page)
    assert [r.title for r in records] == TITLES
    assert len({(r.platform, r.external_id) for r in records}) == 3
    assert {r.source_url for r in records} == {page}
    assert site.requests.count("/several.html") == 1
    assert [r.title for r in extract_page(page, limit=2)] == TITLES[:2]


def test_a_page_with_one_video_is_that_video(site):
    [record] = extract_page(site.url("/og.html"))
    assert record.title == "Sturm über der Nordsee"


def test_each_video_is_an_item_with_its_own_result(site):
    page = site.url("/several.html")
    summary = ingest_urls([page])
    assert [(r.name, r.outcome) for r in summary.results] == [
        (f"{page} #{n}", Outcome.CREATED) for n in (1, 2, 3)
    ]
    clips = Clip.objects.order_by("external_id")
    assert [c.title for c in clips] == TITLES
    assert {(c.source, c.source_url) for c in clips} == {(Clip.Source.URL, page)}

    # Catalogued: unchanged without a fetch; with refresh, each video is fetched again.
    assert [(r.name, r.outcome) for r in ingest_urls([page]).results] == [(page, Outcome.UNCHANGED)]
    again = ingest_urls([page], refresh=True)
    assert [r.outcome for r in again.results] == [Outcome.UNCHANGED] * 3
    assert Clip.objects.count() == 3


def test_the_limit_bounds_the_videos_taken_from_a_page(site):
    summary = ingest_urls([site.url("/several.html")], limit=2)
    assert summary.counts["created"] == 2
    assert sorted(Clip.objects.values_list("title", flat=True)) == TITLES[:2]


def test_one_url_imported_on_its_own_reports_the_page_as_one(site):
    result = ingest_url(site.url("/several.html"))
    assert result.outcome is Outcome.CREATED
    assert result.name == site.url("/several.html")
    assert result.clip.title == TITLES[0]
    assert Clip.objects.count() == 3
    assert ingest_page(site.url("/several.html"))[0].outcome is Outcome.UNCHANGED


def test_a_video_of_the_page_is_refreshed_from_the_page(site):
    ingest_urls([site.url("/several.html")])
    second = Clip.objects.get(title=TITLES[1])
    result = refresh_clip(second)
    assert result.outcome is Outcome.UNCHANGED, result.reason
    assert not AvailabilityCheck.objects.filter(clip=second).exists()


def test_a_background_job_lists_every_video(site):
    page = site.url("/several.html")
    job = ingest.start_url_job([page])
    ingest.run_job(job.pk)
    items = job.items.order_by("position").values_list("name", "outcome", "clip__title")
    assert list(items) == [
        (page, IngestJobItem.Outcome.CREATED, TITLES[0]),
        (f"{page} #2", IngestJobItem.Outcome.CREATED, TITLES[1]),
        (f"{page} #3", IngestJobItem.Outcome.CREATED, TITLES[2]),
    ]
