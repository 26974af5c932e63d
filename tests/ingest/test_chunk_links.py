"""Related links inside one chunk: store_chunk looks targets up once per chunk and must
find what `store`, record by record, finds."""

import importlib

import pytest

from catalog.ingest import Outcome, guarded, store
from catalog.ingest.chunks import store_cached, store_chunk
from catalog.models import Clip, RelatedLink
from tests.factories import clip_record
from tests.support.bulk_cases import dump, wipe

pytestmark = pytest.mark.django_db
store_module = importlib.import_module("catalog.ingest.store")


def clip(external_id, title, *, url="", related=()):
    return clip_record(
        title,
        platform="web",
        external_id=external_id,
        source=Clip.Source.PAGETEXT,
        url=url,
        related=related,
    )


def seed():
    store(clip("vorher", "Alter Name"))
    store(clip("zwilling", "Gleicher Titel"))
    store(clip("adresse", "Schon da", url="https://example.org/da"))


RECORDS = [
    # A second clip of a title: a link by that title names no clip from now on.
    clip("a", "Gleicher Titel"),
    clip(
        "b",
        "Verweise",
        related=[
            ("Gleicher Titel", ""),  # two clips: no target
            ("Später", ""),  # created later in the chunk: resolved then
            ("", "https://example.org/c"),  # created later, by URL
            ("", "https://example.org/da"),  # stored before the chunk
            ("Verweise", ""),  # itself: never its own target
        ],
    ),
    clip("c", "Mit Adresse", url="https://example.org/c"),
    clip("d", "Später"),
    # Renames a clip stored before: links by its new title find it, by its old one not.
    clip("vorher", "Neuer Name"),
    clip("e", "Nach der Umbenennung", related=[("Neuer Name", ""), ("Alter Name", "")]),
    # Links to clips that exist only in this chunk, in both directions.
    clip("f", "Hin", related=[("Her", "")]),
    clip("g", "Her", related=[("Hin", ""), ("", "https://example.org/c")]),
]


def by_store():
    return [(r.outcome, r.clip.external_id) for r in map(store, RECORDS)]


def by_chunk():
    def store_one(name, record, cache):
        return guarded(name, store_cached, record, cache=cache)

    results = store_chunk([(r.external_id, r) for r in RECORDS], store_one=store_one)
    return [(r.outcome, r.clip and r.clip.external_id) for r in results]


def targets():
    links = RelatedLink.objects.select_related("clip", "target").order_by("clip__id", "position")
    return [
        (link.clip.external_id, link.title or link.url, link.target and link.target.external_id)
        for link in links
    ]


def test_links_in_one_chunk_find_what_store_finds():
    seed()
    expected, expected_rows, expected_targets = by_store(), dump(), targets()
    wipe()
    seed()

    assert by_chunk() == expected
    assert dump() == expected_rows
    assert targets() == expected_targets
    # And what was expected is right, not only the same.
    assert ("b", "Gleicher Titel", None) in expected_targets
    assert ("b", "Später", "d") in expected_targets
    assert ("b", "https://example.org/c", "c") in expected_targets
    assert ("b", "https://example.org/da", "adresse") in expected_targets
    assert ("b", "Verweise", None) in expected_targets
    assert ("e", "Neuer Name", "vorher") in expected_targets
    assert ("e", "Alter Name", None) in expected_targets
    assert ("f", "Her", "g") in expected_targets
    assert ("g", "Hin", "f") in expected_targets


def test_after_a_failure_the_chunk_stored_record_by_record_finds_the_same(monkeypatch):
    """A failing record makes store_chunk start over with a savepoint per record."""
    seed()
    by_store()
    expected_targets = targets()
    wipe()
    seed()
    sync_tags = store_module._sync_tags

    def failing(clip, *args, **kwargs):
        if clip.external_id == "c":
            raise RuntimeError("boom")
        return sync_tags(clip, *args, **kwargs)

    monkeypatch.setattr(store_module, "_sync_tags", failing)

    outcomes = [outcome for outcome, _external_id in by_chunk()]

    assert outcomes.count(Outcome.FAILED) == 1
    assert not Clip.objects.filter(external_id="c").exists()
    # Without "c" the links to its URL stay open; every other link is as `store` left it.
    to_c = "https://example.org/c"
    got = targets()
    assert [t for t in got if t[1] == to_c] == [("b", to_c, None), ("g", to_c, None)]
    assert [t for t in got if t[1] != to_c] == [t for t in expected_targets if t[1] != to_c]
