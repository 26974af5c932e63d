"""Moments, and the claims made at them, survive export_catalog / import_catalog: same rows,
same tags, same bytes."""

import io
import json
from datetime import date

import pytest

from catalog.backup import CATALOGUE_MODELS, ArchiveError, export_catalog, import_catalog
from catalog.models import Claim, ClaimReview, MediaReview, Moment, Tag
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


def _export():
    out = io.StringIO()
    export_catalog(out)
    return out.getvalue()


def _edited_export(edit):
    """The export's lines, each clip row changed in place by `edit(row)`."""
    lines = []
    for line in _export().splitlines(keepends=True):
        row = json.loads(line)
        if row["type"] == "clip":
            edit(row)
        lines.append(json.dumps(row) + "\n")
    return lines


def _wipe():
    for model in CATALOGUE_MODELS:
        model.objects.all().delete()


def test_moments_round_trip_with_their_tags():
    clip = make_clip("Bulletin", duration=600, tags=["news"])
    Tag.objects.create(name="Wahl", slug="wahl")
    story = Moment.objects.create(
        clip=clip, kind="story", start=462, end=470.5, title="Die Wahl", description="D"
    )
    story.tags.add(Tag.objects.get(slug="wahl"), Tag.objects.get(slug="news"))
    Moment.objects.create(clip=clip, kind="chapter", start=0, end=31, title="Intro")
    first = _export()
    row = next(json.loads(line) for line in first.splitlines() if '"type": "clip"' in line)
    assert [m["title"] for m in row["moments"]] == ["Intro", "Die Wahl"]
    assert row["moments"][1]["tags"] == ["news", "wahl"]

    _wipe()
    assert not Moment.objects.exists()
    import_catalog(first.splitlines(keepends=True))
    assert _export() == first
    restored = Moment.objects.get(kind="story")
    assert sorted(t.slug for t in restored.tags.all()) == ["news", "wahl"]


def test_a_moment_with_an_unknown_tag_is_refused_and_nothing_written():
    clip = make_clip("Bulletin", duration=600)
    Moment.objects.create(clip=clip, kind="story", start=1, end=2, title="S")
    lines = _edited_export(lambda row: row["moments"][0].update(tags=["nowhere"]))
    _wipe()
    with pytest.raises(ArchiveError, match="unknown tag 'nowhere' of a moment"):
        import_catalog(lines)
    assert not Moment.objects.exists()


def test_an_export_from_before_moments_still_restores():
    make_clip("Old", duration=60)
    lines = _edited_export(lambda row: row.pop("moments"))
    _wipe()
    import_catalog(lines)
    assert not Moment.objects.exists()


def _claimed_clip():
    clip = make_clip("Bulletin", duration=600)
    Moment.objects.create(clip=clip, kind="chapter", start=0, end=31, title="Intro")
    moment = Moment.objects.create(clip=clip, kind="claim", start=40, end=52, title="Die Zahl")
    claim = Claim.objects.create(
        clip=clip, moment=moment, text="Zwei Millionen", claimed_on=date(2024, 9, 1)
    )
    ClaimReview.objects.create(
        claim=claim, url="https://b.example/1", rating="False", organisation="B"
    )
    ClaimReview.objects.create(
        claim=claim,
        url="https://a.example/1",
        rating="Mostly false",
        organisation="A",
        published=date(2024, 9, 3),
    )
    Claim.objects.create(clip=clip, text="Without a moment")
    MediaReview.objects.create(clip=clip, rating="decontextualized", note="An old clip")
    return clip


def test_claims_reviews_and_the_authenticity_rating_round_trip():
    clip = _claimed_clip()
    first = _export()
    row = next(json.loads(line) for line in first.splitlines() if '"type": "clip"' in line)
    assert [(c["text"], c["moment"]) for c in row["claims"]] == [
        ("Zwei Millionen", 1),
        ("Without a moment", None),
    ]
    assert [r["url"] for r in row["claims"][0]["reviews"]] == [
        "https://a.example/1",
        "https://b.example/1",
    ]
    assert row["claims"][0]["claimed_on"] == "2024-09-01"
    assert row["media_review"]["rating"] == "decontextualized"

    _wipe()
    assert not Claim.objects.exists() and not MediaReview.objects.exists()
    import_catalog(first.splitlines(keepends=True))
    assert _export() == first
    claim = Claim.objects.get(text="Zwei Millionen")
    assert (claim.clip_id, claim.moment.title, claim.claimed_on) == (
        clip.pk,
        "Die Zahl",
        date(2024, 9, 1),
    )
    assert sorted(claim.reviews.values_list("organisation", "published")) == [
        ("A", date(2024, 9, 3)),
        ("B", None),
    ]
    assert Claim.objects.get(text="Without a moment").moment is None
    assert MediaReview.objects.get(clip=clip).note == "An old clip"


def test_a_claim_at_a_moment_the_clip_lacks_is_refused_and_nothing_written():
    _claimed_clip()
    lines = _edited_export(lambda row: row["claims"][0].update(moment=7))
    _wipe()
    with pytest.raises(ArchiveError, match="claim 1 refers to moment 7; the clip has 2 moments"):
        import_catalog(lines)
    assert not Claim.objects.exists() and not Moment.objects.exists()


def test_an_export_from_before_claims_still_restores():
    _claimed_clip()

    def before_claims(row):
        del row["claims"], row["media_review"]

    lines = _edited_export(before_claims)
    _wipe()
    import_catalog(lines)
    assert Moment.objects.count() == 2
    assert not Claim.objects.exists() and not ClaimReview.objects.exists()
    assert not MediaReview.objects.exists()
