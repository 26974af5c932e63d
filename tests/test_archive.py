"""No data lost: export_catalog / import_catalog give back the same catalogue, byte for byte."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from catalog.backup import CATALOGUE_MODELS, ArchiveError, import_catalog
from catalog.ingest import (
    ChannelRecord,
    LinkRecord,
    SegmentRecord,
    TagRecord,
    TranscriptRecord,
    store,
)
from catalog.models import (
    AvailabilityCheck,
    Channel,
    Claim,
    ClaimReview,
    Clip,
    ClipRevision,
    ClipTag,
    FollowedSource,
    MediaReview,
    Moment,
    RelatedLink,
    TranscriptSegment,
)

from .factories import clip_record, make_clip

pytestmark = pytest.mark.django_db


def full_record(**changes):
    values = {
        "platform": "youtube",
        "external_id": "oDAw7vW7H0c",
        "title": "Wahl in Thüringen: „Alles offen“ <b>live</b>",
        "source": "infojson",
        "url": "https://www.youtube.com/watch?v=oDAw7vW7H0c",
        # Line breaks JSON Lines must keep inside a line: \r, U+2028, NEL.
        "description": "Mehr: https://example.org/a?x=1&y=2 #Wahl\r\nZeile\u2028zwei\x85drei",
        "channel": ChannelRecord(
            name="Nordfunk", platform="youtube", platform_id="UC123", follower_count=12
        ),
        "duration": 61,
        "language": "de",
        "tags": [TagRecord("Wahl", "hashtag"), TagRecord("Thüringen", "keyword")],
        "links": [LinkRecord("https://example.org/podcast", "Podcast")],
        "related": [("Heizungsgesetz im Bundestag", ""), ("Noch nicht da", "https://v.example/9")],
        "transcripts": [
            TranscriptRecord(
                "de",
                "automatic",
                [SegmentRecord(0.0, 1.25, "Guten Abend"), SegmentRecord(1.25, 3.5, "aus Erfurt")],
            )
        ],
        "raw": {"id": "oDAw7vW7H0c", "nested": {"list": [1, 2.5, None, "ß"]}},
        "availability": "available",
    }
    values.update(changes)
    return clip_record(**values)


@pytest.fixture
def full_catalogue(catalogue):
    store(full_record())
    # A later fetch: a revision of the title, tags and availability history.
    store(full_record(title="Wahl in Thüringen: Ergebnis", availability="private"))
    clip = Clip.objects.get(platform="youtube")
    clip.locked_fields = ["description"]
    clip.save(update_fields=["locked_fields"])
    ClipTag.objects.filter(clip=clip, tag__slug="wahl").update(origin="editor")
    make_clip("Linked later", related=[("Wahl in Thüringen: Ergebnis", clip.url)])
    FollowedSource.objects.create(
        url="https://www.youtube.com/@nordfunk",
        channel=clip.channel,
        interval=timedelta(minutes=90),
        last_outcome="1 created",
    )
    # A claim at a moment, checked twice, and the clip's authenticity rating.
    moment = Moment.objects.create(clip=clip, kind="claim", start=1.25, end=3.5, title="Erfurt")
    claim = Claim.objects.create(clip=clip, moment=moment, text="Alles offen", claimant="Nordfunk")
    for url, rating in [
        ("https://check.example/b", "False"),
        ("https://check.example/a", "Misleading"),
    ]:
        ClaimReview.objects.create(claim=claim, url=url, rating=rating, organisation="Check")
    MediaReview.objects.create(clip=clip, rating="edited", note="Cut after the question")
    return clip


def export():
    out = io.StringIO()
    call_command("export_catalog", "-", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def wipe():
    for model in CATALOGUE_MODELS:
        model.objects.all().delete()


def test_round_trip_gives_back_the_same_bytes(full_catalogue, tmp_path):
    assert ClipRevision.objects.exists() and AvailabilityCheck.objects.exists()
    assert ClaimReview.objects.count() == 2 and MediaReview.objects.exists()
    assert TranscriptSegment.objects.exists() and RelatedLink.objects.exclude(target=None).exists()
    path = tmp_path / "catalogue.jsonl"
    call_command("export_catalog", str(path), stderr=io.StringIO())
    first = path.read_text(encoding="utf-8")
    assert first == export()  # stable order
    ids = sorted(Clip.objects.values_list("pk", flat=True))

    wipe()
    out = io.StringIO()
    call_command("import_catalog", str(path), stdout=out)

    assert "imported 3 channel, 5 tag, 4 clip, 1 followed_source" in out.getvalue()
    assert export() == first
    assert sorted(Clip.objects.values_list("pk", flat=True)) == ids  # public URLs survive
    claim = Claim.objects.select_related("moment").get()
    assert (claim.moment.title, claim.moment.start, claim.moment.end) == ("Erfurt", 1.25, 3.5)
    assert list(claim.reviews.order_by("url").values_list("url", "rating")) == [
        ("https://check.example/a", "Misleading"),
        ("https://check.example/b", "False"),
    ]
    assert MediaReview.objects.get().clip == full_catalogue
    new = make_clip("After the restore")
    assert new.pk > max(ids)


def test_export_lines_use_natural_keys(full_catalogue):
    lines = [json.loads(line) for line in export().split("\n") if line]
    assert lines[0] == {"type": "newsclips-catalog", "version": 1}
    assert [line["type"] for line in lines[1:]] == (
        ["channel"] * 3 + ["tag"] * 5 + ["clip"] * 4 + ["followed_source"]
    )
    clip = next(line for line in lines if line["type"] == "clip" and line["platform"] == "youtube")
    assert clip["channel"] == "nordfunk"
    assert clip["tags"] == [["thüringen", "keyword"], ["wahl", "editor"]]
    assert clip["locked_fields"] == ["description"]
    heating = Clip.objects.get(title__startswith="Heiz")
    assert clip["related"][0]["target"] == [heating.platform, heating.external_id]
    assert [(r["field"], r["new"]) for r in clip["revisions"]] == [
        ("title", "Wahl in Thüringen: Ergebnis")
    ]
    assert [c["status"] for c in clip["availability_history"]] == ["private"]
    linked = next(line for line in lines if line.get("title") == "Linked later")
    assert linked["related"][0]["target"] == ["youtube", "oDAw7vW7H0c"]


def test_import_refuses_a_catalogue_that_is_not_empty(full_catalogue, tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(export(), encoding="utf-8")
    with pytest.raises(CommandError, match="the catalogue is not empty"):
        call_command("import_catalog", str(path), stdout=io.StringIO())
    before = export()
    Channel.objects.create(name="Stray", slug="stray")
    call_command("import_catalog", str(path), "--replace", stdout=io.StringIO())
    assert export() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ('{"type": "clip"}\n', "line 1: not a newsclips catalogue export"),
        ('{"type": "newsclips-catalog", "version": 9}\n', "line 1: unknown version 9"),
        ('{"type": "newsclips-catalog", "version": 1}\n{"type": ', "line 2: not JSON"),
        ('{"type": "newsclips-catalog", "version": 1}\n[1]\n', "line 2: not a catalogue line"),
        ('{"type": "newsclips-catalog", "version": 1}\n{"type": "user"}\n', "unknown type 'user'"),
        (
            '{"type": "newsclips-catalog", "version": 1}\n{"type": "tag", "slug": "x"}\n',
            r"line 2 \(tag\): missing name, created_at",
        ),
    ],
)
def test_malformed_files_name_the_line_and_write_nothing(tmp_path, content, message, db):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message) as raised:
        call_command("import_catalog", str(path), stdout=io.StringIO())
    assert "nothing was imported" in str(raised.value)
    assert not Channel.objects.exists()


def test_a_bad_clip_line_rolls_back_every_line_before_it(full_catalogue):
    lines = export().split("\n")
    clip_line = next(i for i, line in enumerate(lines) if '"type": "clip"' in line)
    broken = json.loads(lines[clip_line])
    broken["channel"] = "no-such-channel"
    lines[clip_line] = json.dumps(broken)
    wipe()
    with pytest.raises(ArchiveError, match=rf"line {clip_line + 1} \(clip\): unknown channel"):
        import_catalog(lines)
    assert not Channel.objects.exists()
    assert not Clip.objects.exists()


def test_export_queries_do_not_grow_with_the_catalogue(full_catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        export()
    for n in range(6):
        make_clip(f"More {n}", tags=["extra"], related=["Linked later"])
    with CaptureQueriesContext(connection) as after:
        export()
    assert len(after) == len(before)


@pytest.mark.django_db(transaction=True)
def test_an_export_is_one_snapshot_while_imports_go_on(full_catalogue):
    """A clip stored (with a new channel) after the channel lines were written is not exported
    half: neither the clip nor its channel are in this export, which restores cleanly."""
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory test database locks tables; file databases use WAL snapshots")
    from catalog.backup import export_catalog

    def late_import():
        make_clip("Late", channel="New")
        connection.close()  # this thread's own connection

    class Writer(io.StringIO):
        def write(self, text):
            if '"type": "tag"' in text and not hasattr(self, "done"):
                self.done = True
                # Another editor's import, committed in its own connection.
                thread = threading.Thread(
                    target=make_clip, args=("Late",), kwargs={"channel": "New"}
                )
                thread.start()
                thread.join()
            return super().write(text)

    out = Writer()
    export_catalog(out)
    assert Clip.objects.filter(title="Late").exists()
    assert '"Late"' not in out.getvalue() and '"New"' not in out.getvalue()
    wipe()
    import_catalog(out.getvalue().split("\n"))
    assert not Clip.objects.filter(title="Late").exists()


@pytest.mark.django_db(transaction=True)
def test_an_export_outside_a_transaction_leaves_the_connection_as_it_was(full_catalogue):
    from django.db import connection

    first = export()
    assert connection.get_autocommit() and not connection.in_atomic_block
    make_clip("After the export")  # the connection still writes
    assert export() != first
