"""The admin: the review queue (side by side, one by one and in bulk), editors' own relations,
story threads with their clips."""

import pytest
from django.urls import reverse

from catalog.models import ClipRelation, StoryThread
from tests.factories import make_clip
from tests.support.clip_admin import clip_form_data

pytestmark = pytest.mark.django_db

Status = ClipRelation.Status
REVIEW = "/admin/catalog/cliprelation/review/"


@pytest.fixture
def queue(story):
    """Three more suggestions besides the story's pending one."""
    broadcast = story["broadcast"]
    extra = []
    for n in range(3):
        copy = make_clip(f"Copy {n}", channel=f"Copier {n}", duration=60)
        extra.append(
            ClipRelation.objects.suggest(
                copy, broadcast, "excerpt", score=0.5 + n / 10, ranges=(0, 30, 30 + n, 60 + n)
            )[0]
        )
    return [story["relations"]["pending"], *extra]


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_review_queue_shows_both_clips_with_thumbnails_and_ranges(editor_client, story, queue):
    page = editor_client.get(REVIEW).content.decode()
    assert "4 suggestions wait" in page
    # Best score first; confirmed ones are not in the queue.
    order = [page.index(f'id="relation-{r.pk}"') for r in sorted(queue, key=lambda r: -r.score)]
    assert order == sorted(order)
    assert f'id="relation-{story["relations"]["reupload"].pk}"' not in page
    assert "https://i.ytimg.com/vi/aaaaaaaaaaa/hqdefault.jpg" in page
    assert "shared part: 0:32–1:02" in page and "shared part: 0:00–0:30" in page
    # The shared part drawn where it lies: 32 s of the broadcast's 120 s.
    assert '<rect class="range-bar__part" x="26.67" width="25.0"' in page


def test_review_queue_query_count_does_not_grow(
    editor_client, story, queue, django_assert_num_queries
):
    editor_client.get(REVIEW)
    # Session and user, the count, the page of relations with both clips and channels.
    with django_assert_num_queries(4):
        editor_client.get(REVIEW)
    for n in range(10):
        ClipRelation.objects.suggest(make_clip(f"More {n}"), story["broadcast"], "reupload")
    with django_assert_num_queries(4):
        editor_client.get(REVIEW)


def test_confirm_one_and_reject_in_bulk(editor_client, editor, story, queue):
    first, *rest = queue
    response = editor_client.post(REVIEW, {"decide": f"{first.pk}:confirmed"})
    assert response.status_code == 302 and response["Location"] == REVIEW
    first.refresh_from_db()
    assert (first.status, first.reviewed_by) == (Status.CONFIRMED, editor)
    response = editor_client.post(
        REVIEW,
        {"bulk": "rejected", "selected": [r.pk for r in rest] + [first.pk], "note": "other event"},
        follow=True,
    )
    # The one decided before is not decided again.
    assert "Rejected 3 relations." in response.content.decode()
    assert {r.status for r in ClipRelation.objects.filter(pk__in=[r.pk for r in rest])} == {
        Status.REJECTED
    }
    assert set(
        ClipRelation.objects.filter(pk__in=[r.pk for r in rest]).values_list("note", flat=True)
    ) == {"other event"}
    first.refresh_from_db()
    assert first.status == Status.CONFIRMED
    # Matching again keeps the decisions.
    ClipRelation.objects.suggest(rest[0].from_clip, rest[0].to_clip, "excerpt", score=0.99)
    rest[0].refresh_from_db()
    assert rest[0].status == Status.REJECTED
    assert "Nothing to review." in editor_client.get(REVIEW).content.decode()


def test_bad_decisions_change_nothing(editor_client, queue):
    for data in (
        {"bulk": "confirmed"},
        {"decide": "x:confirmed"},
        {"bulk": "deleted", "selected": [queue[0].pk]},
    ):
        response = editor_client.post(REVIEW, data, follow=True)
        assert "Tick the relations to decide on first." in response.content.decode()
    assert set(
        ClipRelation.objects.filter(pk__in=[r.pk for r in queue]).values_list("status", flat=True)
    ) == {Status.SUGGESTED}


def test_only_editors_with_the_right_may_review(client, queue, django_user_model):
    assert client.get(REVIEW).status_code == 302  # to the login
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(viewer)
    assert client.get(REVIEW).status_code == 403
    assert client.post(REVIEW, {"decide": f"{queue[0].pk}:confirmed"}).status_code == 403


def test_changelist_actions_decide_and_link_the_queue(editor_client, editor, queue):
    url = reverse("admin:catalog_cliprelation_changelist")
    assert "Review 4 suggestions" in editor_client.get(url).content.decode()
    editor_client.post(
        url,
        {"action": "confirm_relations", "_selected_action": [queue[1].pk, queue[2].pk]},
    )
    assert list(
        ClipRelation.objects.filter(
            status=Status.CONFIRMED, reviewed_by=editor, pk__in=[q.pk for q in queue]
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    ) == sorted([queue[1].pk, queue[2].pk])


def test_editor_adds_a_relation_on_the_clip_page(editor_client, editor, story):
    follow_up = make_clip("Summit ends", duration=90, channel=None, published=None)
    url, data = clip_form_data(editor_client, follow_up)
    prefix = "relations_from"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-kind": "excerpt",
            f"{prefix}-0-to_clip": str(story["broadcast"].pk),
            f"{prefix}-0-from_start": "0:00",
            f"{prefix}-0-from_end": "0:30",
            f"{prefix}-0-to_start": "1:00",
            f"{prefix}-0-to_end": "1:30",
            f"{prefix}-0-status": "confirmed",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    relation = ClipRelation.objects.get(from_clip=follow_up)
    assert (relation.kind, relation.origin, relation.status) == ("excerpt", "editor", "confirmed")
    assert (relation.to_start, relation.to_end, relation.reviewed_by) == (60, 90, editor)
    # The new relation shows on both public pages.
    page = editor_client.get(story["broadcast"].get_absolute_url()).content.decode()
    assert "Excerpted in" in page and "Summit ends" in page


def test_editor_adds_a_relation_in_its_own_admin_with_checked_ranges(editor_client, editor, story):
    url = reverse("admin:catalog_cliprelation_add")
    data = {
        "from_clip": story["pending"].pk,
        "kind": "same_event",
        "to_clip": story["broadcast"].pk,
        "status": "confirmed",
        "from_start": "1:00",
        "note": "",
    }
    response = editor_client.post(url, data)
    assert "Give both the start and the end, or neither." in response.content.decode()
    data["from_start"] = ""
    assert editor_client.post(url, data).status_code == 302
    relation = ClipRelation.objects.get(from_clip=story["pending"], kind="same_event")
    assert (relation.origin, relation.status, relation.reviewed_by) == (
        "editor",
        "confirmed",
        editor,
    )


def test_story_thread_admin(editor_client, story):
    url = reverse("admin:catalog_storythread_changelist")
    page = editor_client.get(url).content.decode()
    assert "G7 summit in Elmau 2022" in page
    add = reverse("admin:catalog_storythread_add")
    response = editor_client.post(
        add,
        {
            "name": "Flood in the Ahr valley",
            "slug": "ahr-flood",
            "description": "",
            "published": "on",
            "thread_clips-TOTAL_FORMS": "1",
            "thread_clips-INITIAL_FORMS": "0",
            "thread_clips-0-clip": story["broadcast"].pk,
            "thread_clips-0-note": "first report",
        },
    )
    assert response.status_code == 302
    thread = StoryThread.objects.get(slug="ahr-flood")
    assert list(thread.clips.all()) == [story["broadcast"]]
