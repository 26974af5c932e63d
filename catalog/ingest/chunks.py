"""Storing a chunk of records in one transaction: what bulk imports call.

`store_chunk` writes up to a chunk of parsed records with the same rows and the
same guarantees as `store` record by record (idempotent, a failing record fails
alone, nothing half-written), but with fewer queries: lookups made once per
chunk (ChunkLookups), new clips and their tags inserted together, and a savepoint
per record only when the chunk has to be stored again after a failure.
"""

from dataclasses import astuple

from django.db import connection, transaction
from django.db.models import Q

from catalog.models import Channel, Clip, ClipTag, RelatedLink, Tag

from .lookups import DirectLookups
from .records import tag_slug
from .related import (
    TARGET_FIELDS,
    canonical_url,
    link_key,
    link_owner,
    mirror_pages,
    no_open_links_to,
    target_clips,
    target_key,
    target_keys,
)
from .results import Outcome
from .store import store_with


class ChunkLookups(DirectLookups):
    """What a chunk of records stored in one outer transaction may look up only once.

    `store_chunk` fills it before the chunk and `store_with` consults it; every
    entry is either exact for the running transaction or a superset that only
    costs a query (`maybe_open`). Entries a failed record may have left behind (a
    channel or tag created in its rolled-back savepoint) are dropped by `forget`.
    """

    def __init__(self, records, *, savepoints=True):
        records = [r for r in records if r.platform and r.external_id]
        # False: no savepoint per record, so any failure must abandon the whole chunk.
        self.savepoints = savepoints
        self.absent = _absent_clips(records)  # (platform, external_id) not yet stored
        self.maybe_open = _open_link_keys(records)  # link key -> clip ids with such open links
        # Titles of the records that mirror pages carry (pages are imported one by one,
        # never in a chunk, so the set stays exact while the chunk is stored).
        self.mirrored_titles = set(
            mirror_pages({r.title for r in records}).values_list("title", flat=True)
        )
        self.created = set()  # (platform, external_id) of the clips created in this chunk
        self.new_clips = []  # new clips not inserted yet (see `insert_new`)
        self.new_clip_tags = []  # and (clip, tag id, origin) of every new clip's tags
        self.new_links = []  # and their RelatedLinks
        self.forget()
        self.tags = _known_tags(records)
        self.platform_channels = _platform_channels(records)
        self.targets = _link_targets(records)  # target_key -> the first few clip ids it finds
        self.targets_exact = True  # False once a clip changed in a way `targets` cannot follow

    def forget(self):
        self.channels = {}  # astuple(ChannelRecord) -> Channel
        self.platform_channels = None  # (platform, platform_id) -> Channel, when exact
        self.tags = {}  # slug -> Tag id
        self.channel_links = {}  # channel id -> (known urls, next position)
        self.targets_exact = False

    # The look-ups `store_with` asks for (lookups.DirectLookups), from what the chunk read.

    def known_channel(self, record):
        return self.channels.get(astuple(record))

    def channel_by_platform_id(self, platform, platform_id):
        if self.platform_channels is None:
            return super().channel_by_platform_id(platform, platform_id)
        # Missing here means missing in the database: the chunk read them all.
        return self.platform_channels.get((platform, platform_id))

    def channel_saved(self, channel, record):
        if self.platform_channels is not None and channel.platform_id:
            self.platform_channels[(channel.platform, channel.platform_id)] = channel  # may be new
        # Another record may have changed this channel: storing it again would change it back.
        for other in [key for key, known in self.channels.items() if known.pk == channel.pk]:
            del self.channels[other]
        self.channels[astuple(record)] = channel

    def existing_clip(self, platform, external_id):
        if (platform, external_id) in self.absent:
            self.absent.discard((platform, external_id))  # a second record of it looks it up
            return None
        return super().existing_clip(platform, external_id)

    def insert_clip(self, clip, record):
        if self.may_wait(clip, record):
            self.new_clips.append(clip)  # inserted with the chunk's other new clips
            return True
        if self.savepoints:
            if not super().insert_clip(clip, record):
                return False
        else:
            clip.save(force_insert=True)  # a concurrent insert fails the chunk's fast pass
        self.add_target(clip)
        return True

    def clip_changed(self, clip, fields):
        if {"title", "url"} & set(fields):
            self.targets_exact = False  # links may now find this clip under other keys

    def tag_ids(self, records_by_slug):
        unknown = {s: r for s, r in records_by_slug.items() if s not in self.tags}
        if unknown:
            self.tags.update(super().tag_ids(unknown))
        return {slug: self.tags[slug] for slug in records_by_slug}

    def add_clip_tags(self, clip, tags, *, created):
        if created:
            self.new_clip_tags += [(clip, tag_id, origin) for tag_id, origin in tags]
        else:
            super().add_clip_tags(clip, tags, created=created)

    def find_target(self, clip, title, url):
        found = self.target(clip, target_key(title, url))
        return super().find_target(clip, title, url) if found is ... else found

    def add_related_links(self, clip, links):
        if clip.pk is None:
            self.new_links += links  # inserted after their clip, with the chunk's other new clips
        else:
            super().add_related_links(clip, links)
        for link in links:
            if link.target_id is None:
                owners = self.maybe_open.setdefault(link_key(link.title, link.url), set())
                owners.add(link_owner(clip))

    def may_be_linked_to(self, clip, *, created):
        return not (created and no_open_links_to(clip, self.maybe_open))

    def may_be_mirrored(self, clip):
        return clip.title in self.mirrored_titles

    def channel_link_urls(self, channel):
        if channel.pk in self.channel_links:
            return self.channel_links[channel.pk]
        return super().channel_link_urls(channel)

    def add_channel_links(self, channel, links, urls, position):
        super().add_channel_links(channel, links, urls, position)
        self.channel_links[channel.pk] = (urls, position)

    # The chunk's own bookkeeping.

    def add_target(self, clip):
        """A clip was inserted: links of later records may find it (after the clips before it)."""
        for key in target_keys(clip):
            found = self.targets.get(key)
            if found is not None and len(found) < _TARGETS_KEPT:
                found.append(clip.pk)

    def target(self, clip, key):
        """What `find_target` finds for the key, or `...` if it must ask the database."""
        if not self.targets_exact or key not in self.targets:
            return ...
        found = [pk for pk in self.targets[key] if pk != clip.pk]
        if key[0] == "title":
            return found[0] if len(found) == 1 else None  # a title must name one clip
        return found[0] if found else None

    def may_wait(self, clip, record):
        """Can this new clip's INSERT wait for the chunk's? Not if something needs its id now."""
        return (
            not record.transcripts
            and not record.chapters
            and no_open_links_to(clip, self.maybe_open)
            and not self.may_be_mirrored(clip)  # a mirror page's relation needs its id
        )

    def must_insert_before(self, record):
        """Does `record` need to see the waiting rows?

        It does if it is a clip stored earlier in the chunk, if its links name a
        waiting clip (they need its id), or if it may become the target of a
        waiting link (the UPDATE that resolves links must find that link's row).
        """
        if _key(record) in self.created:
            return bool(self.new_clips or self.new_clip_tags or self.new_links)
        if self.new_links:
            keys = {link_key(record.title, "")}
            if record.url:
                keys.add(link_key("", canonical_url(record.url)))
            if any(link_key(link.title, link.url) in keys for link in self.new_links):
                return True
        if not (record.related and self.new_clips):
            return False
        links = [(r.title, canonical_url(r.url)) for r in record.related if r.title or r.url]
        targets = {target_key(title, url) for title, url in links}
        return any(not targets.isdisjoint(target_keys(clip)) for clip in self.new_clips)

    def insert_new(self):
        """The waiting new clips, their tags and links: one INSERT each, instead of one per clip.

        The tags are plain rows (no ClipTag objects): building and preparing a model
        instance per tag cost more than the INSERT.
        """
        Clip.objects.bulk_create(self.new_clips)
        for clip in self.new_clips:
            self.add_target(clip)
        _insert_clip_tags([(clip.pk, tag, origin) for clip, tag, origin in self.new_clip_tags])
        RelatedLink.objects.bulk_create(self.new_links)  # their clip ids are known now
        self.new_clips, self.new_clip_tags, self.new_links = [], [], []


def _insert_clip_tags(rows):
    # Only names from the model and placeholders go into the SQL; the values are parameters.
    table, quote = ClipTag._meta.db_table, connection.ops.quote_name
    columns = ", ".join(quote(ClipTag._meta.get_field(f).column) for f in ("clip", "tag", "origin"))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            batch = rows[start : start + _ROWS_PER_INSERT]
            values = ", ".join(["(%s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {quote(table)} ({columns}) VALUES {values}",  # noqa: S608
                [value for row in batch for value in row],
            )


# 3 parameters a row: well under SQLite's 32,766 and PostgreSQL's 65,535 per statement.
_ROWS_PER_INSERT = 2000


def store_chunk(items, *, store_one):
    """Store (name, record) pairs in one transaction, each failure isolated.

    First the whole chunk is tried without savepoints (`_store_raising`).
    Only if a record fails is that undone and the chunk stored again with a
    savepoint per record: `store_one(name, record, cache)` must catch and report
    every error of its record (like `guarded`) and return its ItemResult, so a
    failed record rolls back alone and the rest of the chunk is still stored.
    Returns the results in order.

    New clips and their tags are inserted together at the end of the chunk (or
    before a record that must see them). Those INSERTs run outside any record's
    savepoint: if one fails, the whole chunk fails with a DatabaseError and
    nothing of it is written, so no result can claim a clip that is not there.
    """
    try:
        # Almost every chunk stores whole; a failure rolls this transaction back.
        return _store_chunk_in(items, _store_raising, savepoints=False)
    except Exception:  # noqa: S110 - undone; the careful pass below reports and logs it
        pass
    return _store_chunk_in(items, store_one, savepoints=True)


def _store_raising(name, record, cache):
    """Without a savepoint per record (two statements each), any failure raises."""
    result = store_with(cache, record, name=name)
    result.name = name
    return result


def _store_chunk_in(items, store_one, *, savepoints):
    """The chunk in one transaction, record by record through `store_one`."""
    with transaction.atomic():
        cache = ChunkLookups([record for _name, record in items], savepoints=savepoints)
        results = []
        for name, record in items:
            if cache.must_insert_before(record):
                cache.insert_new()
            waiting = len(cache.new_clips), len(cache.new_clip_tags), len(cache.new_links)
            result = store_one(name, record, cache)
            if result.outcome is Outcome.FAILED:
                # Rolled back with the record's savepoint: its waiting rows go too.
                del cache.new_clips[waiting[0] :], cache.new_clip_tags[waiting[1] :]
                del cache.new_links[waiting[2] :]
                cache.forget()
            elif result.outcome is Outcome.CREATED:
                cache.created.add(_key(record))
            results.append(result)
        cache.insert_new()
    return results


def store_cached(record, *, name="", cache):
    """`store` within `store_chunk` (`cache` is its ChunkLookups): the same rows, fewer queries."""
    return store_with(cache, record, name=name)


def _key(record):
    return (record.platform, record.external_id)


def _absent_clips(records):
    keys = {(r.platform, r.external_id) for r in records}
    by_platform = {}
    for platform, external_id in keys:
        by_platform.setdefault(platform, []).append(external_id)
    match = Q(pk__in=[])
    for platform, ids in by_platform.items():
        match |= Q(platform=platform, external_id__in=ids)
    return keys - set(Clip.objects.filter(match).values_list("platform", "external_id"))


# Three ids tell whether a title names exactly one clip other than the linking one.
_TARGETS_KEPT = 3


def _platform_channels(records):
    channels = [r.channel for r in records if r.channel and r.channel.platform_id]
    ids = {channel.platform_id for channel in channels}
    platforms = {channel.platform for channel in channels}
    rows = Channel.objects.filter(platform__in=platforms, platform_id__in=ids)
    return {(channel.platform, channel.platform_id): channel for channel in rows}


def _known_tags(records):
    slugs = {tag_slug(tag.name) for record in records for tag in record.tags}
    return dict(Tag.objects.filter(slug__in=slugs - {""}).values_list("slug", "pk"))


def _link_targets(records):
    """For every related link of the records: the ids of the clips it could point to, lowest first.

    `find_target` for the whole chunk in three queries, kept up to date by
    `add_target` as the chunk inserts clips.
    """
    keys = {
        target_key(related.title, canonical_url(related.url))
        for record in records
        for related in record.related
        if related.title or related.url
    }
    targets = {key: [] for key in keys}
    by_kind = {}
    for kind, value in keys:
        by_kind.setdefault(kind, set()).add(value)
    for kind, values in by_kind.items():
        field, _match = TARGET_FIELDS[kind]
        for value, pk in target_clips(kind, values).values_list(field, "pk"):
            found = targets[(kind, value)]
            if len(found) < _TARGETS_KEPT:
                found.append(pk)
    return targets


def _open_link_keys(records):
    """The open related links the records' new clips could resolve, as _link_key -> clip ids."""
    titles = {r.title for r in records}
    urls = {canonical_url(r.url) for r in records if r.url}
    keys = {}
    rows = RelatedLink.objects.filter(
        Q(url="", title__in=titles) | Q(url__in=urls), target=None
    ).values_list("title", "url", "clip_id")
    for title, url, clip_id in rows:
        keys.setdefault(link_key(title, url), set()).add(clip_id)
    return keys
