"""`store`: the one function that writes a parsed record into the catalogue.

It upserts on the clip's (platform, external_id) in one transaction, so an
import either lands whole or not at all, and importing the same record twice
changes nothing. Known values are never erased by a source that does not know
them: an empty string or None in the record means "not known".

On an existing clip it also keeps the history: a changed title, description or
tag set becomes a ClipRevision, a changed availability an AvailabilityCheck.
Fields an editor corrected (Clip.locked_fields) are never overwritten.

What it looks up besides the clip (channel, tags, related clips) it asks of a
look-ups object: the database directly (lookups.DirectLookups), or what a chunk
of records read together (chunks.ChunkLookups).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog.models import (
    AvailabilityCheck,
    Channel,
    ChannelLink,
    Clip,
    ClipRevision,
    ClipTag,
    Moment,
    RelatedLink,
    TranscriptSegment,
)
from catalog.search import clip_stored

from .lookups import DIRECT
from .records import tag_slug
from .related import canonical_url, link_mirror, link_waiting_mirrors, resolve_links_to
from .results import IngestError, ItemResult, Outcome

# Clip fields copied from the record; None or "" in the record keeps what is stored.
CLIP_FIELDS = (
    "url",
    "title",
    "description",
    "published_at",
    "published_precision",
    "duration",
    "view_count",
    "like_count",
    "language",
    "thumbnail_url",
    "availability",
    "source_url",
)

# Changes of these between fetches are kept as ClipRevisions.
REVISED_FIELDS = ("title", "description")


def store(record, *, name="", checked_at=None):
    """Create or update the clip described by `record`; return an ItemResult.

    `checked_at` says the record is a live fetch of the video (a refresh or a URL
    import): the clip's refreshed_at is set to it, whatever else changed.
    """
    try:
        return store_with(DIRECT, record, name=name, checked_at=checked_at)
    except IntegrityError:
        # A concurrent import of the same video inserted its channel, tags or clip between
        # our look-up and our insert (PostgreSQL does not wait on a look-up). Its rows are
        # committed now, so a second try finds them and updates instead of inserting.
        return store_with(DIRECT, record, name=name, checked_at=checked_at)


def store_with(lookups, record, *, name="", checked_at=None):
    """`store` through the given look-ups, without its second try after a race."""
    if not record.external_id or not record.platform:
        raise IngestError("the record has no platform id", name=name)
    if not record.title.strip():
        raise IngestError("the record has no title", name=name)
    with transaction.atomic(savepoint=lookups.savepoints):
        channel = _channel(record.channel, lookups) if record.channel else None
        clip, created, changed = _clip(record, channel, checked_at, lookups)
        changed |= _sync_tags(clip, record.tags, created=created, lookups=lookups)
        changed |= _sync_related(clip, record.related, created=created, lookups=lookups)
        changed |= _sync_transcripts(clip, record.transcripts, created=created)
        changed |= _sync_chapters(clip, record.chapters, created=created)
        if record.mirror_of:
            changed |= link_mirror(clip, record.mirror_of)
        elif created and lookups.may_be_mirrored(clip):
            link_waiting_mirrors(clip)  # pages of this video imported before it
        if clip.channel_id:
            _add_channel_links(clip.channel, record.links, lookups)
        if lookups.may_be_linked_to(clip, created=created):
            resolve_links_to(clip)
        if created:
            clip_stored(clip.channel_id)  # boilerplate detection, after the commit
    outcome = Outcome.CREATED if created else Outcome.UPDATED if changed else Outcome.UNCHANGED
    return ItemResult(name=name or record.title, outcome=outcome, clip=clip)


def _clip(record, channel, checked_at, lookups):
    values = {field: getattr(record, field) for field in CLIP_FIELDS}
    values = {field: value for field, value in values.items() if value not in ("", None)}
    clip = lookups.existing_clip(record.platform, record.external_id)
    if clip is None:
        clip = Clip(
            platform=record.platform,
            external_id=record.external_id,
            channel=channel,
            source=record.source,
            raw=record.raw,
            fetched_at=timezone.now(),
            refreshed_at=checked_at,
            **values,
        )
        if lookups.insert_clip(clip, record):
            return clip, True, True
        # Another import created the same clip a moment ago: update that one.
        clip = Clip.objects.select_for_update().get(
            platform=record.platform, external_id=record.external_id
        )
    if channel is not None:
        values["channel"] = channel
    if record.raw:
        values["raw"] = record.raw
    locked = clip.all_locked_fields
    changed = [
        field
        for field, value in values.items()
        if field not in locked and getattr(clip, field) != value
    ]
    if changed == ["raw"]:
        # Provenance only (yt-dlp stamps each fetch with its time): the clip is
        # unchanged, and its raw metadata is renewed with the next real change.
        changed = []
    _keep_history(clip, changed, values)
    lookups.clip_changed(clip, changed)
    update = []
    if changed:
        for field in changed:
            setattr(clip, field, values[field])
        clip.source = record.source
        clip.fetched_at = timezone.now()
        update = [*changed, "source", "fetched_at", "updated_at"]
    if checked_at is not None:
        clip.refreshed_at = checked_at
        update.append("refreshed_at")
    if update:
        clip.save(update_fields=update)
    return clip, False, bool(changed)


def _keep_history(clip, changed, values):
    now = timezone.now()
    ClipRevision.objects.bulk_create(
        ClipRevision(
            clip=clip, changed_at=now, field=field, old=getattr(clip, field), new=values[field]
        )
        for field in REVISED_FIELDS
        if field in changed
    )
    if "availability" in changed and values["availability"] != Clip.Availability.UNKNOWN:
        AvailabilityCheck.objects.create(clip=clip, checked_at=now, status=values["availability"])


def _channel(record, lookups):
    return lookups.known_channel(record) or _upsert_channel(record, lookups)


def _upsert_channel(record, lookups):
    """The record's channel, found or created and brought up to date.

    Found by its platform id, else by its name (unless that names another channel
    of the platform); `lookups` may know the channels by platform id already.
    """
    channel = None
    if record.platform and record.platform_id:
        channel = lookups.channel_by_platform_id(record.platform, record.platform_id)
    if channel is None:
        channel = Channel.objects.filter(name__iexact=record.name).order_by("id").first()
        if channel and record.platform_id and channel.platform_id not in ("", record.platform_id):
            channel = None  # same name, another channel on the platform
    values = {
        "name": record.name,
        "platform": record.platform,
        "platform_id": record.platform_id,
        "handle": record.handle,
        "url": record.url,
        "description": record.description,
        "thumbnail_url": record.thumbnail_url,
        "follower_count": record.follower_count,
    }
    values = {field: value for field, value in values.items() if value not in ("", None)}
    if channel is None:
        channel = Channel.objects.create(slug=_unique_slug(record.name), **values)
    else:
        changed = [field for field, value in values.items() if getattr(channel, field) != value]
        if changed:
            for field in changed:
                setattr(channel, field, values[field])
            channel.save(update_fields=[*changed, "updated_at"])
    lookups.channel_saved(channel, record)
    return channel


def _unique_slug(name):
    base = slugify(name, allow_unicode=True)[:100] or "channel"
    slug, n = base, 1
    while Channel.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _sync_tags(clip, tag_records, *, created, lookups):
    """Make the source's tags the clip's tags; tags an editor added stay.

    Locked tags are left alone altogether; a changed tag set becomes a revision.
    """
    if not created and "tags" in clip.all_locked_fields:
        return False
    wanted = {}
    for tag in tag_records:
        slug = tag_slug(tag.name)
        if slug and slug not in wanted:
            wanted[slug] = tag
    # A new clip has no tags yet: no query.
    current = {} if created else {ct.tag.slug: ct for ct in clip.clip_tags.select_related("tag")}
    stale = [
        ct.pk
        for slug, ct in current.items()
        if slug not in wanted and ct.origin != ClipTag.Origin.EDITOR
    ]
    missing = {slug: tag for slug, tag in wanted.items() if slug not in current}
    if stale:
        ClipTag.objects.filter(pk__in=stale).delete()
    if missing:
        tag_ids = lookups.tag_ids(missing)
        tags = [(tag_ids[slug], record.origin) for slug, record in missing.items()]
        lookups.add_clip_tags(clip, tags, created=created)
    if (stale or missing) and not created:
        before = sorted(current)
        after = sorted({slug for slug, ct in current.items() if ct.pk not in stale} | set(missing))
        ClipRevision.objects.create(
            clip=clip, field=ClipRevision.Field.TAGS, old=", ".join(before), new=", ".join(after)
        )
    return bool(stale or missing)


def _sync_transcripts(clip, transcript_records, *, created):
    """Replace a language's subtitles (of one kind) only when they differ.

    Languages the record does not carry stay: a fetch that asked for fewer
    languages, or got none, is no reason to forget what was said.
    """
    wanted = {}
    for transcript in transcript_records:
        segments = sorted(
            (round(s.start, 3), round(max(s.end, s.start), 3), s.text)
            for s in transcript.segments
            if s.text.strip()
        )
        if segments:
            wanted[(transcript.language[:16], transcript.kind)] = segments
    if not wanted:
        return False
    current = {}
    if not created:
        rows = clip.transcript_segments.order_by("language", "kind", "start", "id").values_list(
            "language", "kind", "start", "end", "text"
        )
        for language, kind, start, end, text in rows:
            current.setdefault((language, kind), []).append((start, end, text))
    differ = [key for key, segments in wanted.items() if sorted(current.get(key, ())) != segments]
    for language, kind in differ:
        if (language, kind) in current:
            clip.transcript_segments.filter(language=language, kind=kind).delete()
        TranscriptSegment.objects.bulk_create(
            TranscriptSegment(
                clip=clip, language=language, kind=kind, start=start, end=end, text=text
            )
            for start, end, text in wanted[(language, kind)]
        )
    return bool(differ)


def _sync_chapters(clip, chapter_records, *, created):
    """Replace the clip's chapter moments when the platform's chapters differ.

    Only chapters: moments editors made (segments, stories, claims) are theirs.
    A record without chapters keeps the stored ones, as with transcripts.
    """
    wanted = sorted((round(c.start, 3), round(c.end, 3), c.title) for c in chapter_records)
    if not wanted:
        return False
    chapters = clip.moments.filter(kind=Moment.Kind.CHAPTER)
    if not created and sorted(chapters.values_list("start", "end", "title")) == wanted:
        return False
    if not created:
        chapters.delete()
    Moment.objects.bulk_create(
        Moment(clip=clip, kind=Moment.Kind.CHAPTER, start=start, end=end, title=title)
        for start, end, title in wanted
    )
    return True


def _sync_related(clip, related_records, *, created, lookups):
    if not related_records:
        return False
    wanted = [(r.title, canonical_url(r.url)) for r in related_records if r.title or r.url]
    # A clip created in this transaction has no related links yet: no query.
    current = (
        [] if created else list(clip.related_links.order_by("position").values_list("title", "url"))
    )
    if wanted == current:
        return False
    if not created:
        clip.related_links.all().delete()
    links = [
        RelatedLink(
            clip=clip,
            position=i,
            title=title,
            url=url,
            target_id=lookups.find_target(clip, title, url),
        )
        for i, (title, url) in enumerate(wanted)
    ]
    lookups.add_related_links(clip, links)
    return True


def _add_channel_links(channel, link_records, lookups):
    if not link_records:
        return
    urls, position = lookups.channel_link_urls(channel)
    new = []
    for link in link_records:
        if link.url not in urls:
            urls.add(link.url)
            new.append(
                ChannelLink(channel=channel, position=position, label=link.label, url=link.url)
            )
            position += 1
    lookups.add_channel_links(channel, new, urls, position)
