"""Editors add and edit a clip's moments on its admin page, times typed as a clock shows them."""

import pytest
from django.urls import reverse

from catalog.admin.moments import TimecodeField
from catalog.ingest import ClipRecord, store
from catalog.models import Moment, Tag
from tests.support.clip_admin import clip_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def clip():
    return store(
        ClipRecord(
            platform="test", external_id="m1", title="Bulletin", source="editor", duration=1200
        )
    ).clip


def _post(client, clip, moments, **clip_fields):
    """The clip's change form as the admin renders it, with these moments' rows."""
    url, data = clip_form_data(client, clip, **clip_fields)
    existing = [m for m in moments if m.get("id")]
    data.update({"moments-TOTAL_FORMS": len(moments), "moments-INITIAL_FORMS": len(existing)})
    for index, moment in enumerate(moments):
        for name, value in moment.items():
            data[f"moments-{index}-{name}"] = value
    return client.post(url, data)


def test_an_editor_adds_moments_with_typed_timecodes(admin_client, clip):
    tag = Tag.objects.create(name="Wahl", slug="wahl")
    response = _post(
        admin_client,
        clip,
        [
            {"kind": "story", "start": "7:42", "end": "7:50", "title": "Die Wahl", "tags": tag.pk},
            {"kind": "claim", "start": "0:30", "end": "95", "title": "A claim", "language": "en"},
        ],
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"]
    story, claim = Moment.objects.filter(clip=clip).order_by("-start")
    assert (story.kind, story.start, story.end, story.title) == ("story", 462, 470, "Die Wahl")
    assert list(story.tags.all()) == [tag]
    assert (claim.start, claim.end, claim.language) == (30, 95, "en")

    # The page shows the times as typed, and a preview link that plays from there.
    page = admin_client.get(reverse("admin:catalog_clip_change", args=[clip.pk])).content.decode()
    assert 'value="7:42"' in page and 'value="1:35"' in page
    assert f'href="/clips/{clip.pk}/?t=462#moment-{story.pk}"' in page


def test_an_editor_edits_a_moment(admin_client, clip):
    moment = Moment.objects.create(clip=clip, kind="segment", start=10, end=20, title="Old")
    row = {"id": moment.pk, "clip": clip.pk, "kind": "segment", "title": "New"}
    rows = [{**row, "start": "1:02:03", "end": "1:03:00"}]
    response = _post(admin_client, clip, rows, duration=7200)
    assert response.status_code == 302
    moment.refresh_from_db()
    assert (moment.start, moment.end, moment.title) == (3723, 3780, "New")


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("21:00", "21:30", "start end", "21:00 is past the clip&#x27;s end (20:00)."),
        ("19:00", "20:01", "end", "20:01 is past the clip&#x27;s end (20:00)."),
        ("7:50", "7:42", "end", "The end must come after the start (7:50)."),
        ("7:42", "7:42", "end", "The end must come after the start (7:42)."),
        ("7:61", "8:00", "start", "Type a time such as 7:42 or 1:02:03"),
        ("soon", "8:00", "start", "Type a time such as 7:42 or 1:02:03"),
    ],
)
def test_bad_timecodes_are_errors_naming_the_field(admin_client, clip, start, end, field, message):
    row = {"kind": "segment", "start": start, "end": end, "title": "T"}
    response = _post(admin_client, clip, [row])
    assert response.status_code == 200
    (formset,) = [
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "moments"
    ]
    errors = formset.formset.forms[0].errors
    assert list(errors) == field.split()
    assert message in response.content.decode()
    assert not Moment.objects.exists()


def test_a_duration_changed_in_the_same_save_is_the_limit(admin_client, clip):
    row = {"kind": "segment", "start": "25:00", "end": "26:00", "title": "Late"}
    assert _post(admin_client, clip, [row], duration=1800).status_code == 302
    assert Moment.objects.get().end == 1560


def test_the_timecode_field_prints_and_reads_fractions():
    field = TimecodeField()
    assert field.prepare_value(462) == "7:42"
    assert field.prepare_value(3723.5) == "1:02:03.5"
    assert field.clean("1:02:03.5") == 3723.5
    assert not field.has_changed(462.0, "7:42")
