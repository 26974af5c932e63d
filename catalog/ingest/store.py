"""`store`: the one function that writes a parsed record into the catalogue.

It upserts on the clip's (platform, external_id) in one transaction, so an
import either lands whole or not at all, and importing the same record twice
changes nothing. Known values are never erased by a source that does not know
them: an empty string or None in the record means "not known".
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from catalog.models import Channel, ChannelLink, Clip, ClipTag, RelatedLink, Tag
from catalog.text import youtube_video_id

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


def store(record, *, name=""):
    """Create or update the clip described by `record`; return an ItemResult."""
    if not record.external_id or not record.platform:
        raise IngestError("the record has no platform id", name=name)
    if not record.title.strip():
        raise IngestError("the record has no title", name=name)
    with transaction.atomic():
        channel = _channel(record.channel) if record.channel else None
        clip, created = _clip(record, channel)
        changed = created
        changed |= _sync_tags(clip, record.tags)
        changed |= _sync_related(clip, record.related)
        if clip.channel_id:
            _add_channel_links(clip.channel, record.links)
        _resolve_links_to(clip)
    outcome = Outcome.CREATED if created else Outcome.UPDATED if changed else Outcome.UNCHANGED
    return ItemResult(name=name or record.title, outcome=outcome, clip=clip)


def _clip(record, channel):
    values = {field: getattr(record, field) for field in CLIP_FIELDS}
    values = {field: value for field, value in values.items() if value not in ("", None)}
    clip = (
        Clip.objects.select_for_update()
        .filter(platform=record.platform, external_id=record.external_id)
        .first()
    )
    if clip is None:
        try:
            with transaction.atomic():
                clip = Clip.objects.create(
                    platform=record.platform,
                    external_id=record.external_id,
                    channel=channel,
                    source=record.source,
                    raw=record.raw,
                    fetched_at=timezone.now(),
                    **values,
                )
            return clip, True
        except IntegrityError:
            # Another import created the same clip a moment ago: update that one.
            clip = Clip.objects.select_for_update().get(
                platform=record.platform, external_id=record.external_id
            )
    if channel is not None:
        values["channel"] = channel
    if record.raw:
        values["raw"] = record.raw
    changed = [field for field, value in values.items() if getattr(clip, field) != value]
    if changed:
        for field in changed:
            setattr(clip, field, values[field])
        clip.source = record.source
        clip.fetched_at = timezone.now()
        clip.save(update_fields=[*changed, "source", "fetched_at", "updated_at"])
    return clip, bool(changed)


def _channel(record):
    channel = None
    if record.platform and record.platform_id:
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
        return Channel.objects.create(slug=_unique_slug(record.name), **values)
    changed = [field for field, value in values.items() if getattr(channel, field) != value]
    if changed:
        for field in changed:
            setattr(channel, field, values[field])
        channel.save(update_fields=[*changed, "updated_at"])
    return channel


def _unique_slug(name):
    base = slugify(name, allow_unicode=True)[:100] or "channel"
    slug, n = base, 1
    while Channel.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _sync_tags(clip, tag_records):
    """Make the source's tags the clip's tags; tags an editor added stay."""
    wanted = {}
    for tag in tag_records:
        slug = Tag.normalise(tag.name)
        if slug and slug not in wanted:
            wanted[slug] = tag
    current = {ct.tag.slug: ct for ct in clip.clip_tags.select_related("tag")}
    stale = [
        ct.pk
        for slug, ct in current.items()
        if slug not in wanted and ct.origin != ClipTag.Origin.EDITOR
    ]
    missing = {slug: tag for slug, tag in wanted.items() if slug not in current}
    if stale:
        ClipTag.objects.filter(pk__in=stale).delete()
    if missing:
        tags = _tags(missing)
        ClipTag.objects.bulk_create(
            ClipTag(clip=clip, tag=tags[slug], origin=record.origin)
            for slug, record in missing.items()
        )
    return bool(stale or missing)


def _tags(records_by_slug):
    """Tag rows for the slugs, created where missing (concurrent imports may race)."""
    Tag.objects.bulk_create(
        [
            Tag(slug=slug, name=record.name.lstrip("#")[:100])
            for slug, record in records_by_slug.items()
        ],
        ignore_conflicts=True,
    )
    return {tag.slug: tag for tag in Tag.objects.filter(slug__in=records_by_slug)}


def _canonical_url(url):
    video_id = youtube_video_id(url) if url else None
    return f"https://www.youtube.com/watch?v={video_id}" if video_id else url


def _sync_related(clip, related_records):
    if not related_records:
        return False
    wanted = [(r.title, _canonical_url(r.url)) for r in related_records if r.title or r.url]
    current = list(clip.related_links.order_by("position").values_list("title", "url"))
    if wanted == current:
        return False
    clip.related_links.all().delete()
    RelatedLink.objects.bulk_create(
        RelatedLink(
            clip=clip, position=i, title=title, url=url, target=_find_target(clip, title, url)
        )
        for i, (title, url) in enumerate(wanted)
    )
    return True


def _find_target(clip, title, url):
    """The catalogued clip a related link points to: by URL or video id, else by exact title."""
    others = Clip.objects.exclude(pk=clip.pk)
    if url:
        video_id = youtube_video_id(url)
        if video_id:
            return others.filter(platform="youtube", external_id=video_id).first()
        return others.filter(url=url).first()
    matches = list(others.filter(title=title)[:2])
    return matches[0] if len(matches) == 1 else None


def _resolve_links_to(clip):
    """Point open related links of other clips at this clip, now that it is catalogued."""
    match = Q(title=clip.title, url="")
    if clip.url:
        match |= Q(url=_canonical_url(clip.url))
    RelatedLink.objects.filter(match, target=None).exclude(clip=clip).update(target=clip)


def _add_channel_links(channel, link_records):
    if not link_records:
        return
    known = set(channel.links.values_list("url", flat=True))
    position = channel.links.count()
    new = []
    for link in link_records:
        if link.url not in known:
            known.add(link.url)
            new.append(
                ChannelLink(channel=channel, position=position, label=link.label, url=link.url)
            )
            position += 1
    ChannelLink.objects.bulk_create(new)
