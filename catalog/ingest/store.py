"""`store`: the one function that writes a parsed record into the catalogue.

It upserts on the clip's (platform, external_id) in one transaction, so an
import either lands whole or not at all, and importing the same record twice
changes nothing. Known values are never erased by a source that does not know
them: an empty string or None in the record means "not known".

On an existing clip it also keeps the history: a changed title, description or
tag set becomes a ClipRevision, a changed availability an AvailabilityCheck.
Fields an editor corrected (Clip.locked_fields) are never overwritten.
"""

from dataclasses import astuple

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalog.models import (
    AvailabilityCheck,
    Channel,
    ChannelLink,
    Clip,
    ClipRevision,
    ClipTag,
    RelatedLink,
    Tag,
    TranscriptSegment,
)
from catalog.search import clip_stored
from catalog.text import youtube_video_id

from .records import tag_slug
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

# What an editor can lock against imports and refreshes. Locking the date locks
# its precision too; locking tags keeps the clip's tag set as the editor left it.
LOCKABLE_FIELDS = {
    "title": _("title"),
    "description": _("description"),
    "tags": _("tags"),
    "channel": _("channel"),
    "url": _("URL"),
    "published_at": _("publication date"),
    "duration": _("duration"),
    "language": _("language"),
    "thumbnail_url": _("thumbnail"),
}
_LOCK_ALSO = {"published_at": ("published_precision",)}

# Changes of these between fetches are kept as ClipRevisions.
REVISED_FIELDS = ("title", "description")

GONE = {
    Clip.Availability.PRIVATE,
    Clip.Availability.REMOVED,
    Clip.Availability.GEO_BLOCKED,
}


def store(record, *, name="", checked_at=None):
    """Create or update the clip described by `record`; return an ItemResult.

    `checked_at` says the record is a live fetch of the video (a refresh or a URL
    import): the clip's refreshed_at is set to it, whatever else changed.
    """
    try:
        return _store(record, name, checked_at, None)
    except IntegrityError:
        # A concurrent import of the same video inserted its channel, tags or clip between
        # our look-up and our insert (PostgreSQL does not wait on a look-up). Its rows are
        # committed now, so a second try finds them and updates instead of inserting.
        return _store(record, name, checked_at, None)


def _store(record, name, checked_at, cache):
    if not record.external_id or not record.platform:
        raise IngestError("the record has no platform id", name=name)
    if not record.title.strip():
        raise IngestError("the record has no title", name=name)
    with transaction.atomic(savepoint=cache is None or cache.savepoints):
        channel = _cached_channel(record.channel, cache) if record.channel else None
        clip, created, changed = _clip(record, channel, checked_at, cache)
        changed |= _sync_tags(clip, record.tags, created=created, cache=cache)
        changed |= _sync_related(clip, record.related, created=created, cache=cache)
        changed |= _sync_transcripts(clip, record.transcripts, created=created)
        if clip.channel_id:
            _add_channel_links(clip.channel, record.links, cache)
        if not (created and cache and _no_open_links_to(clip, cache)):
            _resolve_links_to(clip)
        if created:
            clip_stored(clip.channel_id)  # boilerplate detection, after the commit
    outcome = Outcome.CREATED if created else Outcome.UPDATED if changed else Outcome.UNCHANGED
    return ItemResult(name=name or record.title, outcome=outcome, clip=clip)


def record_check(clip, status, reason="", *, checked_at=None):
    """Record a re-check that did not yield a record: the video is gone, or we could not tell.

    A private, removed or geo-blocked video keeps every stored field; only its
    availability changes. A failed check (network, rate limit) changes nothing but
    the log and refreshed_at: a rate limit is not a removal.
    """
    checked_at = checked_at or timezone.now()
    with transaction.atomic():
        clip = Clip.objects.select_for_update().get(pk=clip.pk)
        update = ["refreshed_at"]
        if status in GONE and clip.availability != status:
            clip.availability = status
            update += ["availability", "updated_at"]
        elif status in GONE:
            status = None  # still gone: nothing new to record
        if status:
            AvailabilityCheck.objects.create(
                clip=clip, checked_at=checked_at, status=status, reason=reason[:2000]
            )
        clip.refreshed_at = checked_at
        clip.save(update_fields=update)
    return clip


def _locked(clip):
    locked = set(clip.locked_fields or ())
    for field in list(locked):
        locked.update(_LOCK_ALSO.get(field, ()))
    return locked


def _clip(record, channel, checked_at, cache=None):
    values = {field: getattr(record, field) for field in CLIP_FIELDS}
    values = {field: value for field, value in values.items() if value not in ("", None)}
    key = (record.platform, record.external_id)
    if cache is not None and key in cache.absent:
        cache.absent.discard(key)  # a second record of the same clip looks it up
        clip = None
    else:
        clip = (
            Clip.objects.select_for_update()
            .filter(platform=record.platform, external_id=record.external_id)
            .first()
        )
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
        if cache is not None and cache.may_wait(clip, record):
            cache.new_clips.append(clip)  # inserted with the chunk's other new clips
            return clip, True, True
        if cache is not None and not cache.savepoints:
            clip.save(force_insert=True)  # a concurrent insert fails the chunk's fast pass
            cache.add_target(clip)
            return clip, True, True
        try:
            with transaction.atomic():
                clip.save(force_insert=True)
            if cache is not None:
                cache.add_target(clip)
            return clip, True, True
        except IntegrityError:
            # Another import created the same clip a moment ago: update that one.
            clip = Clip.objects.select_for_update().get(
                platform=record.platform, external_id=record.external_id
            )
    if channel is not None:
        values["channel"] = channel
    if record.raw:
        values["raw"] = record.raw
    locked = _locked(clip)
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
    if cache is not None and {"title", "url"} & set(changed):
        cache.targets_exact = False  # links may now find this clip under other keys
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
    if "availability" in changed and values["availability"] in AvailabilityCheck.Status.values:
        AvailabilityCheck.objects.create(clip=clip, checked_at=now, status=values["availability"])


def _cached_channel(record, cache):
    if cache is None:
        return _channel(record)
    key = astuple(record)
    channel = cache.channels.get(key)
    if channel is None:
        channel = _channel(record, cache.platform_channels)
        # Another record may have changed this channel: storing it again would change it back.
        for other in [k for k, c in cache.channels.items() if c.pk == channel.pk]:
            del cache.channels[other]
        cache.channels[key] = channel
    return channel


def _channel(record, platform_channels=None):
    """The record's channel, found or created and brought up to date.

    `platform_channels` may hold the channels a chunk's records name by platform id
    ({(platform, platform_id): Channel}, filled before the chunk): missing there
    means missing in the database, and a channel created here is added to it.
    """
    channel = None
    key = (record.platform, record.platform_id)
    if record.platform and record.platform_id and platform_channels is not None:
        channel = platform_channels.get(key)
    elif record.platform and record.platform_id:
        channel = Channel.objects.filter(
            platform=record.platform, platform_id=record.platform_id
        ).first()
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
    if platform_channels is not None and channel.platform_id:
        platform_channels[(channel.platform, channel.platform_id)] = channel  # it may be new
    return channel


def _unique_slug(name):
    base = slugify(name, allow_unicode=True)[:100] or "channel"
    slug, n = base, 1
    while Channel.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _sync_tags(clip, tag_records, *, created, cache=None):
    """Make the source's tags the clip's tags; tags an editor added stay.

    Locked tags are left alone altogether; a changed tag set becomes a revision.
    """
    if not created and "tags" in _locked(clip):
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
        tag_ids = _tag_ids(missing, cache)
        if created and cache is not None:
            cache.new_clip_tags += [
                (clip, tag_ids[slug], record.origin) for slug, record in missing.items()
            ]
        else:
            ClipTag.objects.bulk_create(
                ClipTag(clip=clip, tag_id=tag_ids[slug], origin=record.origin)
                for slug, record in missing.items()
            )
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


def _tag_ids(records_by_slug, cache=None):
    """{slug: Tag id} for the slugs, created where missing (concurrent imports may race)."""
    if cache is not None:
        unknown = {s: r for s, r in records_by_slug.items() if s not in cache.tags}
        if unknown:
            cache.tags.update(_tag_ids(unknown))
        return {slug: cache.tags[slug] for slug in records_by_slug}
    Tag.objects.bulk_create(
        [
            Tag(slug=slug, name=record.name.lstrip("#")[:100])
            for slug, record in records_by_slug.items()
        ],
        ignore_conflicts=True,
    )
    return dict(Tag.objects.filter(slug__in=records_by_slug).values_list("slug", "pk"))


def _canonical_url(url):
    video_id = youtube_video_id(url) if url else None
    return f"https://www.youtube.com/watch?v={video_id}" if video_id else url


def _sync_related(clip, related_records, *, created=False, cache=None):
    if not related_records:
        return False
    wanted = [(r.title, _canonical_url(r.url)) for r in related_records if r.title or r.url]
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
            target_id=_find_target(clip, title, url, cache),
        )
        for i, (title, url) in enumerate(wanted)
    ]
    if clip.pk is None:
        cache.new_links += links  # inserted after their clip, with the chunk's other new clips
    else:
        RelatedLink.objects.bulk_create(links)
    if cache is not None:
        for link in links:
            if link.target_id is None:
                key = _link_key(link.title, link.url)
                cache.maybe_open.setdefault(key, set()).add(_owner(clip))
    return True


def _find_target(clip, title, url, cache=None):
    """The id of the catalogued clip a related link points to: by URL or video id, else by title."""
    if cache is not None:
        found = cache.target(clip, _target_key(title, url))
        if found is not ...:
            return found
    others = Clip.objects.exclude(pk=clip.pk).order_by("pk").values_list("pk", flat=True)
    if url:
        video_id = youtube_video_id(url)
        if video_id:
            return others.filter(platform="youtube", external_id=video_id).first()
        return others.filter(url=url).first()
    matches = list(others.filter(title=title)[:2])
    return matches[0] if len(matches) == 1 else None


def _target_key(title, url):
    """What `_find_target` looks a link up by: a YouTube id, a URL or (without a URL) a title."""
    if url:
        video_id = youtube_video_id(url)
        return ("youtube", video_id) if video_id else ("url", url)
    return ("title", title)


def _target_keys(clip):
    """The `_target_key`s under which `_find_target` could find the clip once it is stored."""
    keys = [("url", clip.url), ("title", clip.title)]
    if clip.platform == "youtube":
        keys.append(("youtube", clip.external_id))
    return keys


def _resolve_links_to(clip):
    """Point open related links of other clips at this clip, now that it is catalogued."""
    match = Q(title=clip.title, url="")
    if clip.url:
        match |= Q(url=_canonical_url(clip.url))
    RelatedLink.objects.filter(match, target=None).exclude(clip=clip).update(target=clip)


def _link_key(title, url):
    """What an open related link waits for: a clip at its URL, else one with its title."""
    return ("url", url) if url else ("title", title)


def _no_open_links_to(clip, cache):
    """Can no other clip's open related link point at this new clip? (Then no UPDATE.)"""
    keys = [("title", clip.title)]
    if clip.url:
        keys.append(("url", _canonical_url(clip.url)))
    return not any(cache.maybe_open.get(key, set()) - {_owner(clip)} for key in keys)


def _owner(clip):
    """The clip's id in `maybe_open`; a clip still waiting for its INSERT has none yet."""
    return clip.pk if clip.pk is not None else ("waiting", id(clip))


def _key(record):
    return (record.platform, record.external_id)


def _add_channel_links(channel, link_records, cache=None):
    if not link_records:
        return
    if cache is not None and channel.pk in cache.channel_links:
        known, position = cache.channel_links[channel.pk]
    else:
        urls = list(channel.links.values_list("url", flat=True))
        known, position = set(urls), len(urls)
    new = []
    for link in link_records:
        if link.url not in known:
            known.add(link.url)
            new.append(
                ChannelLink(channel=channel, position=position, label=link.label, url=link.url)
            )
            position += 1
    ChannelLink.objects.bulk_create(new)
    if cache is not None:
        cache.channel_links[channel.pk] = (known, position)
