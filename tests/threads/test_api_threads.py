"""The API: confirmed relations and published story threads, query counts fixed."""

import pytest

from catalog.models import ClipRelation, StoryThread, ThreadClip
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


def test_relations_are_the_confirmed_ones(client, story):
    data = client.get("/api/v1/relations/").json()
    kinds = sorted(item["kind"] for item in data["results"])
    assert kinds == ["excerpt", "mirror", "reupload"]
    excerpt = next(item for item in data["results"] if item["kind"] == "excerpt")
    assert excerpt["from_clip"]["title"] == "Elmau: the arrival"
    assert excerpt["from_clip"]["published"] == "2022-06"
    assert excerpt["to_clip"]["page_url"].endswith(story["broadcast"].get_absolute_url())
    assert (excerpt["to_start"], excerpt["to_end"], excerpt["score"]) == (42, 90, 0.91)
    assert excerpt["origin"] == "matching"


def test_relations_filter_by_clip_and_kind(client, story):
    results = client.get(f"/api/v1/relations/?clip={story['excerpt'].pk}").json()["results"]
    assert [item["kind"] for item in results] == ["excerpt"]
    results = client.get(f"/api/v1/relations/?clip={story['broadcast'].pk}&kind=mirror").json()
    assert [item["from_clip"]["id"] for item in results["results"]] == [story["mirror"].pk]
    assert client.get("/api/v1/relations/?kind=nonsense").status_code == 400
    pending = story["relations"]["pending"]
    assert client.get(f"/api/v1/relations/{pending.pk}/").status_code == 404


def test_threads_list_and_detail(client, story):
    StoryThread.objects.create(name="Draft", slug="draft", published=False)
    data = client.get("/api/v1/threads/").json()
    assert [item["slug"] for item in data["results"]] == ["g7-elmau-2022"]
    thread = client.get("/api/v1/threads/g7-elmau-2022/").json()
    assert thread["clip_count"] == 4
    assert thread["page_url"] == "http://testserver/threads/g7-elmau-2022/"
    assert {entry["clip"]["title"] for entry in thread["clips"]} >= {"Elmau: the arrival"}
    assert client.get("/api/v1/threads/draft/").status_code == 404
    clips = client.get("/api/v1/clips/?thread=g7-elmau-2022").json()["results"]
    assert len(clips) == 4


def test_api_query_counts_do_not_grow(client, story, django_assert_num_queries):
    # Throttle and version live in the cache; the catalogue version, then the page.
    urls = {"/api/v1/relations/": 2, "/api/v1/threads/": 3}
    for url, queries in urls.items():
        client.get(url)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    thread = story["thread"]
    for n in range(5):
        clip = make_clip(f"More {n}")
        ThreadClip.objects.create(thread=thread, clip=clip)
        relation, _ = ClipRelation.objects.suggest(clip, story["broadcast"], "reupload")
        relation.decide(ClipRelation.Status.CONFIRMED, None)
        StoryThread.objects.create(name=f"Thread {n}", slug=f"thread-{n}")
    for url, queries in urls.items():
        client.get(url)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
