"""What `store` looks up and writes besides the clip row, asked of the database each time.

`store` asks a look-ups object for the record's channel, its tags' ids, the
targets of its related links, and to insert the new rows. `DirectLookups` does
each of those as it is asked: what one record in its own transaction needs.
`chunks.ChunkLookups` has the same methods and answers most of them from what it
read once for a whole chunk of records, and lets new rows wait to be inserted
together.
"""

from django.db import IntegrityError, transaction

from catalog.models import Channel, ChannelLink, Clip, ClipTag, RelatedLink, Tag

from . import related


class DirectLookups:
    # A savepoint per record: a failed record rolls back alone. (A chunk's fast pass
    # goes without, and is stored again with them if anything fails.)
    savepoints = True

    def known_channel(self, record):
        """The channel of the ChannelRecord if it was stored as it is now, else None."""
        return None

    def channel_by_platform_id(self, platform, platform_id):
        return Channel.objects.filter(platform=platform, platform_id=platform_id).first()

    def channel_saved(self, channel, record):
        """The record's channel was found or created, and brought up to date."""

    def existing_clip(self, platform, external_id):
        """The stored clip, locked until the transaction ends; None if there is none."""
        return (
            Clip.objects.select_for_update()
            .filter(platform=platform, external_id=external_id)
            .first()
        )

    def insert_clip(self, clip, record):
        """Insert a new clip; False if a concurrent import inserted the same clip first."""
        try:
            with transaction.atomic():
                clip.save(force_insert=True)
        except IntegrityError:
            return False
        return True

    def clip_changed(self, clip, fields):
        """An existing clip's fields changed (the chunk's cached link targets may not follow)."""

    def tag_ids(self, records_by_slug):
        """{slug: Tag id} for the slugs, created where missing (concurrent imports may race)."""
        Tag.objects.bulk_create(
            [
                Tag(slug=slug, name=record.name.lstrip("#")[:100])
                for slug, record in records_by_slug.items()
            ],
            ignore_conflicts=True,
        )
        return dict(Tag.objects.filter(slug__in=records_by_slug).values_list("slug", "pk"))

    def add_clip_tags(self, clip, tags, *, created):
        """Tag the clip: `tags` are (tag id, origin) pairs."""
        ClipTag.objects.bulk_create(
            ClipTag(clip=clip, tag_id=tag_id, origin=origin) for tag_id, origin in tags
        )

    def find_target(self, clip, title, url):
        return related.find_target(clip, title, url)

    def add_related_links(self, clip, links):
        RelatedLink.objects.bulk_create(links)

    def may_be_linked_to(self, clip, *, created):
        """Could an open related link of another clip point at this one? (Then look.)"""
        return True

    def may_be_mirrored(self, clip):
        """Could a mirror page imported earlier show this new clip? (Then look.)"""
        return True

    def channel_link_urls(self, channel):
        """(the URLs of the channel's links, the next position)."""
        urls = list(channel.links.values_list("url", flat=True))
        return set(urls), len(urls)

    def add_channel_links(self, channel, links, urls, position):
        """Insert the new ChannelLinks; `urls` and `position` are those after them."""
        ChannelLink.objects.bulk_create(links)


DIRECT = DirectLookups()
