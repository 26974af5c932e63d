"""Only what readers see changes the catalogue version: suggested and rejected relations
are not public, so storing or rejecting them keeps every kept page; confirming one, and
changing or deleting a confirmed one, raises it."""

import pytest
from django.contrib.auth import get_user_model

from catalog.models import CatalogueVersion, ClipRelation
from tests.factories import make_clip

# PostgreSQL raises the version when a transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

Status = ClipRelation.Status


def changes_version(write):
    before = CatalogueVersion.objects.current()
    write()
    return CatalogueVersion.objects.current() != before


def test_only_confirmed_relations_change_the_version():
    original, copy, other = make_clip("Broadcast"), make_clip("Re-upload"), make_clip("Other")
    editor = get_user_model().objects.create_user("editor")
    suggest = ClipRelation.objects.suggest
    relation = None

    def suggested():
        nonlocal relation
        relation, _created = suggest(copy, original, "reupload", score=0.7)

    assert not changes_version(suggested)
    assert not changes_version(lambda: suggest(copy, original, "reupload", score=0.9))
    rejected, _created = suggest(other, original, "reupload", score=0.4)
    assert not changes_version(lambda: rejected.decide(Status.REJECTED, editor))
    assert not changes_version(lambda: ClipRelation.objects.filter(pk=rejected.pk).delete())

    assert changes_version(lambda: relation.decide(Status.CONFIRMED, editor))
    assert changes_version(lambda: ClipRelation.objects.filter(pk=relation.pk).update(score=1.0))
    assert changes_version(lambda: relation.decide(Status.REJECTED, editor))  # no longer shown
    relation.decide(Status.CONFIRMED, editor)
    assert changes_version(lambda: ClipRelation.objects.filter(pk=relation.pk).delete())
    # An editor's own relation is confirmed as it is stored.
    assert changes_version(
        lambda: ClipRelation.objects.create(
            from_clip=other, to_clip=original, kind="same_event", status=Status.CONFIRMED
        )
    )
