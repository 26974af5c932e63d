"""A mirror page imported for a catalogued clip becomes a "mirror of" relation; its related
titles and links stay as they are."""

import json

import pytest

from catalog.ingest import Outcome, import_pagetext, ingest_infojson_files
from catalog.models import Clip, ClipRelation, StoryThread
from tests.factories import make_clip
from tests.test_pagetext import SAMPLE, TITLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample_text(samples):
    return (samples / SAMPLE).read_text(encoding="utf-8")


@pytest.fixture
def original():
    return make_clip(
        TITLE,
        channel="WELT Nachrichtensender",
        platform="youtube",
        external_id="wlmirror001",
        url="https://www.youtube.com/watch?v=wlmirror001",
        published=(2023, 9, 13),
    )


def test_mirror_page_of_a_catalogued_clip_is_a_mirror_of_it(sample_text, original, client):
    result = import_pagetext(
        sample_text, channel_name="WELT", source_url="https://www.musicjinni.example/v/kim"
    )
    assert result.outcome is Outcome.CREATED
    mirror = result.clip
    relation = ClipRelation.objects.get()
    assert (relation.from_clip, relation.to_clip, relation.kind) == (mirror, original, "mirror")
    assert (relation.origin, relation.status) == ("import", "confirmed")
    assert relation.evidence == {
        "found_by": "title",
        "page": "https://www.musicjinni.example/v/kim",
    }
    # The page's related titles stay related links.
    assert mirror.related_links.count() == 2
    # Importing again changes nothing.
    again = import_pagetext(
        sample_text, channel_name="WELT", source_url="https://www.musicjinni.example/v/kim"
    )
    assert again.outcome is Outcome.UNCHANGED and ClipRelation.objects.count() == 1
    page = client.get(original.get_absolute_url()).content.decode()
    assert "Mirrored as" in page


def test_an_editors_rejection_outlives_a_reimport(sample_text, original, django_user_model):
    import_pagetext(sample_text, channel_name="WELT")
    relation = ClipRelation.objects.get()
    relation.decide(ClipRelation.Status.REJECTED, django_user_model.objects.create_user("ed"))
    import_pagetext(sample_text, channel_name="WELT")
    relation.refresh_from_db()
    assert relation.status == "rejected"


def test_no_relation_without_one_catalogued_video(sample_text):
    # Nothing catalogued: the page is a clip of its own, nothing else.
    import_pagetext(sample_text, channel_name="WELT", source_url="https://mirror-a.example/1")
    # A second mirror page of the same video is no original either.
    import_pagetext(sample_text, channel_name="WELT", source_url="https://mirror-b.example/2")
    assert Clip.objects.count() == 2 and not ClipRelation.objects.exists()


def test_no_relation_with_two_catalogued_videos_of_the_title(sample_text):
    # Two catalogued videos of that title: which one it mirrors is not known.
    for n in range(2):
        make_clip(TITLE, platform="youtube", external_id=f"twin{n:07d}")
    import_pagetext(sample_text, channel_name="WELT", source_url="https://mirror-c.example/3")
    assert not ClipRelation.objects.exists()


def test_a_page_copied_from_youtube_is_the_video_not_a_mirror(sample_text, original):
    import_pagetext(sample_text, source_url="https://www.youtube.com/watch?v=wlmirror001")
    assert Clip.objects.count() == 1 and not ClipRelation.objects.exists()


def test_the_import_page_tells_the_editor(sample_text, original, admin_client):
    response = admin_client.post(
        "/admin/catalog/clip/import-pagetext/",
        {"text": sample_text, "new_channel": "WELT", "source_url": "https://mirror.example/v/9"},
    )
    result = response.content.decode().split('id="import-result"', 1)[1]
    assert "Mirror of" in result and original.get_absolute_url() not in result
    assert f"/admin/catalog/clip/{original.pk}/change/" in result


# The filter's choices are cached per catalogue version, which PostgreSQL raises at commit.
@pytest.mark.django_db(transaction=True)
def test_the_thread_filter_is_offered_only_with_threads(client, original):
    assert 'name="thread"' not in client.get("/").content.decode()
    StoryThread.objects.create(name="Kim in Russia", slug="kim-russia")
    page = client.get("/").content.decode()
    assert 'name="thread"' in page and "Kim in Russia" in page


def test_a_mirror_page_imported_first_is_linked_when_its_video_arrives(sample_text):
    mirror = import_pagetext(
        sample_text, channel_name="WELT", source_url="https://www.musicjinni.example/v/kim"
    ).clip
    assert not ClipRelation.objects.exists()
    original = make_clip(
        TITLE, platform="youtube", external_id="wlmirror001", published=(2023, 9, 13)
    )
    relation = ClipRelation.objects.get()
    assert (relation.from_clip, relation.to_clip, relation.kind) == (mirror, original, "mirror")
    assert (relation.origin, relation.status) == ("import", "confirmed")
    # Storing the video again changes nothing; a second video of that title is no longer
    # the one the page shows, and links nothing.
    make_clip(TITLE, platform="youtube", external_id="wlmirror001", published=(2023, 9, 13))
    make_clip(TITLE, platform="youtube", external_id="twin0000001")
    assert ClipRelation.objects.count() == 1


def test_a_bulk_import_links_the_waiting_mirror_pages(sample_text, tmp_path):
    mirror = import_pagetext(sample_text, channel_name="WELT").clip
    info = {"id": "wlmirror001", "title": TITLE, "extractor_key": "Youtube", "channel": "WELT"}
    (tmp_path / "kim.info.json").write_text(json.dumps(info), encoding="utf-8")
    ingest_infojson_files([tmp_path], processes=1)  # the bulk path: a chunk of records
    original = Clip.objects.get(platform="youtube", external_id="wlmirror001")
    relation = ClipRelation.objects.get()
    assert (relation.from_clip, relation.to_clip, relation.kind) == (mirror, original, "mirror")
