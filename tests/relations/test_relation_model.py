"""ClipRelation: one row per pair and kind, and an editor's decision outlives re-matching."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from catalog.models import ClipRelation
from tests.factories import make_clip

pytestmark = pytest.mark.django_db

Status = ClipRelation.Status


@pytest.fixture
def pair():
    return make_clip("The broadcast"), make_clip("A re-upload")


def test_suggest_is_idempotent_and_refreshes_a_pending_suggestion(pair):
    original, copy = pair
    relation, created = ClipRelation.objects.suggest(
        copy, original, "excerpt", score=0.8, ranges=(0, 30, 42, 72), evidence={"frames": 0.8}
    )
    assert created and relation.origin == "matching" and relation.status == Status.SUGGESTED
    again, created = ClipRelation.objects.suggest(
        copy, original, "excerpt", score=0.9, ranges=(0, 30, 42.5, 72.5)
    )
    assert not created and again.pk == relation.pk
    again.refresh_from_db()
    assert (again.score, again.to_start, again.evidence) == (0.9, 42.5, {})
    assert ClipRelation.objects.count() == 1


def test_a_decision_is_kept_when_matching_runs_again(pair):
    original, copy = pair
    relation, _ = ClipRelation.objects.suggest(copy, original, "reupload", score=0.7)
    editor = get_user_model().objects.create_user("editor")
    relation.decide(Status.REJECTED, editor, note="different broadcast")
    ClipRelation.objects.suggest(copy, original, "reupload", score=0.99)
    relation.refresh_from_db()
    assert (relation.status, relation.score, relation.note) == (
        Status.REJECTED,
        0.7,
        "different broadcast",
    )
    assert relation.reviewed_by == editor and relation.reviewed_at
    assert not ClipRelation.objects.review_queue().exists()


def test_queue_orders_by_score_and_involving_finds_both_sides(pair):
    original, copy = pair
    third = make_clip("Third")
    low, _ = ClipRelation.objects.suggest(third, original, "reupload", score=0.4)
    high, _ = ClipRelation.objects.suggest(copy, original, "reupload", score=0.9)
    assert list(ClipRelation.objects.review_queue()) == [high, low]
    assert set(ClipRelation.objects.involving(original)) == {low, high}
    assert list(ClipRelation.objects.involving(third)) == [low]


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "reupload", "same_clip": True},
        {"kind": "excerpt", "from_start": 30, "from_end": 10},
        {"kind": "excerpt", "to_start": 5, "to_end": 5},
    ],
)
def test_constraints_refuse_nonsense(pair, fields):
    original, copy = pair
    to_clip = copy if fields.pop("same_clip", False) else original
    with pytest.raises(IntegrityError), transaction.atomic():
        ClipRelation.objects.create(from_clip=copy, to_clip=to_clip, **fields)
