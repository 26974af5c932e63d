"""Related links and the catalogued clips they point to.

A related link (a title, a URL or both) points at the clip found by its URL (a
YouTube URL by its video id, whatever its form), else, when it has no URL, by a
title that names exactly one clip. A link that finds nothing stays open: when
the clip it names is stored later, `resolve_links_to` points it there.

The keys below are what the bulk path (chunks.ChunkLookups) caches so that a
chunk of records finds its links' targets without a query per link.
"""

from django.db.models import Q

from catalog.models import Clip, ClipRelation, RelatedLink
from catalog.youtube import watch_url, youtube_video_id


def canonical_url(url):
    """A YouTube URL as its watch URL (one form per video); any other URL as it is."""
    video_id = youtube_video_id(url) if url else None
    return watch_url(video_id) if video_id else url


def find_target(clip, title, url):
    """The id of the catalogued clip a related link points to: by URL or video id, else by title."""
    kind, value = target_key(title, url)
    others = target_clips(kind, [value]).exclude(pk=clip.pk).values_list("pk", flat=True)
    if kind != "title":
        return others.first()
    matches = list(others[:2])
    return matches[0] if len(matches) == 1 else None


def target_key(title, url):
    """What `find_target` looks a link up by: a YouTube id, a URL or (without a URL) a title."""
    if url:
        video_id = youtube_video_id(url)
        return ("youtube", video_id) if video_id else ("url", url)
    return ("title", title)


# Per kind of `target_key`: the Clip field its value is, and what else the clip must match.
TARGET_FIELDS = {
    "youtube": ("external_id", Q(platform="youtube")),
    "url": ("url", Q()),
    "title": ("title", Q()),
}


def target_clips(kind, values):
    """The clips that `target_key`s of one kind with these values find, lowest id first."""
    field, match = TARGET_FIELDS[kind]
    return Clip.objects.filter(match, **{f"{field}__in": values}).order_by("pk")


def target_keys(clip):
    """The `target_key`s under which `find_target` could find the clip once it is stored."""
    keys = [("url", clip.url), ("title", clip.title)]
    if clip.platform == "youtube":
        keys.append(("youtube", clip.external_id))
    return keys


def resolve_links_to(clip):
    """Point open related links of other clips at this clip, now that it is catalogued."""
    match = Q(title=clip.title, url="")
    if clip.url:
        match |= Q(url=canonical_url(clip.url))
    RelatedLink.objects.filter(match, target=None).exclude(clip=clip).update(target=clip)


def link_key(title, url):
    """What an open related link waits for: a clip at its URL, else one with its title."""
    return ("url", url) if url else ("title", title)


def no_open_links_to(clip, maybe_open):
    """Can no other clip's open related link point at this new clip? (Then no UPDATE.)

    `maybe_open` maps each `link_key` to the `link_owner`s that may have such a
    link open: a superset is safe, it only costs the UPDATE.
    """
    keys = [link_key(clip.title, "")]
    if clip.url:
        keys.append(link_key("", canonical_url(clip.url)))
    return not any(maybe_open.get(key, set()) - {link_owner(clip)} for key in keys)


def link_owner(clip):
    """The clip's id among link owners; a clip still waiting for its INSERT has none yet."""
    return clip.pk if clip.pk is not None else ("waiting", id(clip))


# The identities pagetext._identity gives a page that is not the video itself.
MIRROR_PAGE_PLATFORMS = ("web", "pagetext")


def link_mirror(clip, mirrored):
    """Record `clip` (a mirror page's clip) as a mirror of the catalogued video it shows.

    `mirrored` (a RelatedRecord) names the video by URL or title; the video is the one
    clip found that way which is not itself a mirror page (another mirror page of the
    same video carries the same title; see pagetext._identity). Nothing is recorded
    when none or several are found. Idempotent; an editor's decision is kept.
    """
    return _link_mirror(clip, *target_key(mirrored.title, canonical_url(mirrored.url)))


def _link_mirror(clip, kind, value):
    found = list(
        target_clips(kind, [value])
        .exclude(pk=clip.pk)
        .exclude(platform__in=MIRROR_PAGE_PLATFORMS)
        .values_list("pk", flat=True)[:2]
    )
    if len(found) != 1:
        return False
    _relation, created = ClipRelation.objects.get_or_create(
        from_clip=clip,
        to_clip_id=found[0],
        kind=ClipRelation.Kind.MIRROR,
        defaults={
            "origin": ClipRelation.Origin.IMPORT,
            "status": ClipRelation.Status.CONFIRMED,
            "evidence": {"found_by": kind, "page": clip.source_url},
        },
    )
    return created


def mirror_pages(titles):
    """The clips of mirror pages (imported from a page showing the video, under the
    video's title: pagetext) with one of these titles."""
    return Clip.objects.filter(
        source=Clip.Source.PAGETEXT, platform__in=MIRROR_PAGE_PLATFORMS, title__in=titles
    )


def link_waiting_mirrors(clip):
    """Record the mirror pages imported before `clip`, the video they show, was catalogued:
    each becomes a mirror of it as if imported now (link_mirror's rule: the one clip of
    that title which is no mirror page). Returns how many were linked."""
    if clip.platform in MIRROR_PAGE_PLATFORMS:
        return 0
    mirrors = mirror_pages([clip.title]).exclude(pk=clip.pk)
    return sum(_link_mirror(mirror, "title", mirror.title) for mirror in mirrors)
