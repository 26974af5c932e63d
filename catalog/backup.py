"""The whole catalogue as JSON Lines and back: a backup that any database can restore.

`export_catalog` writes one header line, then channels (with their links), tags,
clips (each with its tags, related links, transcript, moments, claims with their
fact-checks, authenticity rating, revisions and availability history), relations
between clips, story threads and followed sources, each kind in a stable order,
streamed in chunks so memory stays flat.
References use natural keys: a channel or tag by its slug, a related clip by
(platform, external_id), a claim's moment by its place in the clip's moments. Clips
keep their ids, because the public clip URLs are built from them.

`import_catalog` reads such a file into an empty catalogue in one transaction: a
malformed line names its number and nothing is written. Exporting the restored
catalogue gives the same bytes back.
"""

import contextlib
import json
from datetime import date, timedelta

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Prefetch, Q

from catalog import backup_claims, backup_moments, backup_snapshot, backup_threads
from catalog.models import (
    AvailabilityCheck,
    Channel,
    ChannelLink,
    Clip,
    ClipRevision,
    ClipTag,
    FollowedSource,
    Moment,
    RelatedLink,
    Tag,
    TranscriptSegment,
)

FORMAT = "newsclips-catalog"
VERSION = 1
CHUNK_SIZE = 200  # clips per query round; two chunks are in memory at the peak

CHANNEL_FIELDS = ("slug", "name", "platform", "platform_id", "handle", "url", "description")
CHANNEL_FIELDS += ("thumbnail_url", "follower_count", "created_at", "updated_at")
TAG_FIELDS = ("slug", "name", "created_at")
CLIP_FIELDS = ("id", "platform", "external_id", "url", "title", "description")
CLIP_FIELDS += ("published_at", "published_precision", "duration", "view_count", "like_count")
CLIP_FIELDS += ("language", "thumbnail_url", "availability", "source", "source_url")
CLIP_FIELDS += ("fetched_at", "raw", "locked_fields", "refreshed_at", "created_at", "updated_at")
SEGMENT_FIELDS = ("language", "kind", "start", "end", "text")
REVISION_FIELDS = ("changed_at", "field", "old", "new")
CHECK_FIELDS = ("checked_at", "status", "reason")
SOURCE_FIELDS = ("url", "feed_url", "enabled", "interval", "limit", "last_checked_at")
SOURCE_FIELDS += ("last_outcome", "last_error", "next_check_at", "created_at")
# What the catalogue is; the ingestion jobs are work in progress, not part of it.
CATALOGUE_MODELS = (
    *backup_threads.MODELS,
    *backup_claims.MODELS,
    Moment,
    AvailabilityCheck,
    ClipRevision,
    TranscriptSegment,
    RelatedLink,
    ClipTag,
    FollowedSource,
    Clip,
    Tag,
    ChannelLink,
    Channel,
)


class ArchiveError(Exception):
    """A file that cannot be restored; the message names the line and the reason."""


# Export


def export_catalog(out):
    """Write the catalogue to the text stream `out`; return the number of lines per type."""
    counts = {}

    def write(kind, row):
        counts[kind] = counts.get(kind, 0) + 1
        out.write(json.dumps({"type": kind, **row}, ensure_ascii=False, sort_keys=True) + "\n")

    with backup_snapshot.snapshot():
        _export(write)
    return counts


def _export(write):
    write(FORMAT, {"version": VERSION})
    channels = Channel.objects.order_by("slug").prefetch_related(
        _ordered("links", ChannelLink.objects, "position", "url")
    )
    for channel in channels.iterator(chunk_size=CHUNK_SIZE):
        links = [_values(link, ("position", "label", "url")) for link in channel.links.all()]
        write("channel", {**_values(channel, CHANNEL_FIELDS), "links": links})
    for tag in Tag.objects.order_by("slug").iterator(chunk_size=CHUNK_SIZE):
        write("tag", _values(tag, TAG_FIELDS))
    for clip in _clip_chunks():
        write("clip", _clip_row(clip))
    for kind, row in backup_threads.rows(_values):
        write(kind, row)
    sources = FollowedSource.objects.order_by("url").select_related("channel")
    for source in sources.iterator(chunk_size=CHUNK_SIZE):
        channel = source.channel.slug if source.channel else None
        write("followed_source", {**_values(source, SOURCE_FIELDS), "channel": channel})


def _ordered(lookup, queryset, *order):
    return Prefetch(lookup, queryset=queryset.order_by(*order, "id"))


def _clips():
    return (
        Clip.objects.order_by("id")
        .select_related("channel")
        .prefetch_related(
            _ordered("clip_tags", ClipTag.objects.select_related("tag"), "tag__slug"),
            _ordered("related_links", RelatedLink.objects.select_related("target"), "position"),
            _ordered("transcript_segments", TranscriptSegment.objects, "language", "kind", "start"),
            _ordered("revisions", ClipRevision.objects, "changed_at"),
            _ordered("availability_checks", AvailabilityCheck.objects, "checked_at"),
            backup_moments.PREFETCH,
            *backup_claims.PREFETCHES,
        )
    )


def _clip_chunks():
    """The clips with everything they carry, a keyset chunk at a time: memory stays flat."""
    last = 0
    while chunk := list(_clips().filter(pk__gt=last)[:CHUNK_SIZE]):
        last = chunk[-1].pk
        for clip in chunk:
            yield clip
            # A prefetched row points back at its clip: a reference cycle that only the
            # garbage collector would free, long after. Break it so the chunk goes at once.
            clip._prefetched_objects_cache = {}
        del chunk  # before the next chunk is read


def _clip_row(clip):
    related = []
    for link in clip.related_links.all():
        target = [link.target.platform, link.target.external_id] if link.target else None
        related.append({**_values(link, ("position", "title", "url")), "target": target})
    return {
        **_values(clip, CLIP_FIELDS),
        "channel": clip.channel.slug if clip.channel else None,
        "tags": [[ct.tag.slug, ct.origin] for ct in clip.clip_tags.all()],
        "related": related,
        "transcript": [_values(s, SEGMENT_FIELDS) for s in clip.transcript_segments.all()],
        "revisions": [_values(r, REVISION_FIELDS) for r in clip.revisions.all()],
        "availability_history": [_values(c, CHECK_FIELDS) for c in clip.availability_checks.all()],
        "moments": backup_moments.moment_rows(clip, _values),
        **backup_claims.claim_rows(clip, _values),
    }


def _values(obj, fields):
    return {field: _plain(getattr(obj, field)) for field in fields}


def _plain(value):
    if isinstance(value, date):  # and datetime, a date too
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


# Import


def catalogue_is_empty():
    return not any(model.objects.exists() for model in CATALOGUE_MODELS)


def import_catalog(lines, *, replace=False):
    """Restore an export from an iterable of lines; return the number of rows per type.

    The catalogue must be empty unless `replace` is true, which deletes it first
    (in the same transaction: a file that fails leaves the old catalogue as it was).
    """
    with transaction.atomic(), _keeping_timestamps():
        if replace:
            for model in CATALOGUE_MODELS:
                model.objects.all().delete()
        elif not catalogue_is_empty():
            raise ArchiveError(
                "the catalogue is not empty; restore into an empty database "
                "(or replace the catalogue on purpose)"
            )
        restorer = _Restorer()
        for number, line in enumerate(lines, start=1):
            if line.strip():
                restorer.take(number, line)
        restorer.finish()
    _reset_sequences()
    return restorer.counts


class _Restorer:
    def __init__(self):
        self.counts = {}
        self.started = False
        self.channels = {}  # slug -> id
        self.tags = {}  # slug -> id
        self.pending = []  # clip lines waiting for their chunk
        self.open_targets = []  # (clip id, position, target key) seen before the target

    def take(self, number, line):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ArchiveError(f"line {number}: not JSON ({error.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("type"), str):
            raise ArchiveError(f"line {number}: not a catalogue line (no type)")
        kind = row.pop("type")
        if not self.started:
            if kind != FORMAT:
                raise ArchiveError(f"line {number}: not a newsclips catalogue export")
            if row.get("version") != VERSION:
                raise ArchiveError(f"line {number}: unknown version {row.get('version')!r}")
            self.started = True
            return
        handler = getattr(self, f"_take_{kind}", None)
        if handler is None:
            raise ArchiveError(f"line {number}: unknown type {kind!r}")
        try:
            handler(row)
        except ArchiveError as error:
            raise ArchiveError(f"line {number} ({kind}): {error}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ArchiveError(f"line {number} ({kind}): malformed ({error!r})") from None
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def _take_channel(self, row):
        links = row.pop("links")
        channel = Channel.objects.create(**_fields(row, CHANNEL_FIELDS))
        ChannelLink.objects.bulk_create(
            ChannelLink(channel=channel, **_fields(link, ("position", "label", "url")))
            for link in links
        )
        self.channels[channel.slug] = channel.pk

    def _take_tag(self, row):
        tag = Tag.objects.create(**_fields(row, TAG_FIELDS))
        self.tags[tag.slug] = tag.pk

    def _take_clip(self, row):
        self._flush_tags_and_channels_check(row)
        self.pending.append(row)
        if len(self.pending) >= CHUNK_SIZE:
            self._store_clips()

    def _take_relation(self, row):
        self._store_clips()  # the clips it names may wait in the last chunk
        backup_threads.restore_relation(row, _fields, ArchiveError)

    def _take_thread(self, row):
        self._store_clips()
        backup_threads.restore_thread(row, _fields, ArchiveError)

    def _take_followed_source(self, row):
        self._store_clips()
        values = _fields(row, SOURCE_FIELDS)
        values["interval"] = timedelta(seconds=values["interval"])
        FollowedSource.objects.create(channel_id=self._channel(row["channel"]), **values)

    def _flush_tags_and_channels_check(self, row):
        self._channel(row["channel"])
        for slug, _origin in row["tags"]:
            if slug not in self.tags:
                raise ArchiveError(f"unknown tag {slug!r}")
        for slug in backup_moments.unknown_moment_tags(row, self.tags):
            raise ArchiveError(f"unknown tag {slug!r} of a moment")
        for problem in backup_claims.problems(row):
            raise ArchiveError(problem)

    def _channel(self, slug):
        if slug is None:
            return None
        if slug not in self.channels:
            raise ArchiveError(f"unknown channel {slug!r}")
        return self.channels[slug]

    def _store_clips(self):
        rows, self.pending = self.pending, []
        if not rows:
            return
        clips = Clip.objects.bulk_create(
            Clip(channel_id=self._channel(row["channel"]), **_fields(row, CLIP_FIELDS))
            for row in rows
        )
        targets = _clip_ids(
            tuple(link["target"]) for row in rows for link in row["related"] if link["target"]
        )
        tags, related, segments, revisions, checks = [], [], [], [], []
        for clip, row in zip(clips, rows, strict=True):
            tags += [ClipTag(clip=clip, tag_id=self.tags[s], origin=o) for s, o in row["tags"]]
            for link in row["related"]:
                target = tuple(link["target"]) if link["target"] else None
                target_id = targets.get(target) if target else None
                if target and target_id is None:
                    self.open_targets.append((clip.pk, link["position"], target))
                values = _fields(link, ("position", "title", "url"))
                related.append(RelatedLink(clip=clip, target_id=target_id, **values))
            segments += [
                TranscriptSegment(clip=clip, **_fields(s, SEGMENT_FIELDS))
                for s in row["transcript"]
            ]
            revisions += [
                ClipRevision(clip=clip, **_fields(r, REVISION_FIELDS)) for r in row["revisions"]
            ]
            checks += [
                AvailabilityCheck(clip=clip, **_fields(c, CHECK_FIELDS))
                for c in row["availability_history"]
            ]
        for model, objects in [
            (ClipTag, tags),
            (RelatedLink, related),
            (TranscriptSegment, segments),
            (ClipRevision, revisions),
            (AvailabilityCheck, checks),
        ]:
            model.objects.bulk_create(objects, batch_size=CHUNK_SIZE)
        pairs = list(zip(clips, rows, strict=True))
        moments = backup_moments.restore_moments(pairs, self.tags, _fields, CHUNK_SIZE)
        backup_claims.restore_claims(pairs, moments, _fields, CHUNK_SIZE)

    def finish(self):
        if not self.started:
            raise ArchiveError("the file is empty: not a newsclips catalogue export")
        self._store_clips()
        # Links to clips further down the file; few, since clips are exported oldest first.
        targets = _clip_ids(target for _clip_id, _position, target in self.open_targets)
        for clip_id, position, target in self.open_targets:
            if target not in targets:
                raise ArchiveError(f"a related link of clip {clip_id} points to unknown {target}")
            RelatedLink.objects.filter(clip_id=clip_id, position=position).update(
                target_id=targets[target]
            )


def _clip_ids(keys):
    """{(platform, external_id): id} of the clips stored so far, in one query per chunk."""
    keys = list(dict.fromkeys(keys))
    found = {}
    for start in range(0, len(keys), CHUNK_SIZE):
        match = Q(pk__in=[])
        for platform, external_id in keys[start : start + CHUNK_SIZE]:
            match |= Q(platform=platform, external_id=external_id)
        rows = Clip.objects.filter(match).values_list("platform", "external_id", "pk")
        found.update({(platform, external_id): pk for platform, external_id, pk in rows})
    return found


def _fields(row, names):
    missing = [name for name in names if name not in row]
    if missing:
        raise ArchiveError(f"missing {', '.join(missing)}")
    return {name: row[name] for name in names}


@contextlib.contextmanager
def _keeping_timestamps():
    """Let the rows keep the created_at/updated_at of the export instead of 'now'."""
    fields = [
        field
        for model in CATALOGUE_MODELS
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _reset_sequences():
    """Clips were written with their ids: new clips must be numbered after them."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Clip])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
