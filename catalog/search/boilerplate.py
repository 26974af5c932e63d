"""Channel boilerplate: lines a channel puts under most of its clips.

"Abonniere den WELT YouTube Channel ...", disclaimers, the channel's links: they
say nothing about the clip, so the search index leaves them out (the database's
triggers read ChannelBoilerplate.lines) and the clip page folds them away.

Detection reads the newest clips of a channel and keeps the lines that occur
under a good share of them. It runs after an import commits, when a channel's
clip count has grown by a fifth since the last detection (so O(log n) times per
channel, never inside the import's transaction), and for every channel through
`detect_boilerplate()` — which a bulk load needs afterwards (`after_bulk_load()`,
`manage.py update_search`). What counts as boilerplate is catalog.boilerplate_lines.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from catalog.boilerplate_lines import MIN_CLIPS, detect_lines
from catalog.models import Channel, ChannelBoilerplate, Clip

SAMPLE = 300  # the newest clips read per detection


def detect_channel(channel_id, clip_count=None):
    """Detect one channel's boilerplate from its newest clips and store it."""
    clips = Clip.objects.filter(channel_id=channel_id)
    if clip_count is None:
        clip_count = clips.count()
    descriptions = clips.newest().values_list("description", flat=True)[:SAMPLE]
    lines = detect_lines(descriptions)
    # The triggers re-index the channel's descriptions only when the lines change.
    ChannelBoilerplate.objects.update_or_create(
        channel_id=channel_id, defaults={"lines": lines, "clip_count": clip_count}
    )
    return lines


def detect_boilerplate(channel_ids=None):
    """Detect the boilerplate of every channel (or of the given ones); return how many have some.

    Call this once after loading clips in bulk (bulk_create bypasses the pipeline's
    per-import check); the search index follows by itself.
    """
    channels = Channel.objects.order_by("pk")  # clip_count is kept by the database
    if channel_ids is not None:
        channels = channels.filter(pk__in=channel_ids)
    with_lines = 0
    for channel_id, clip_count in channels.values_list("pk", "clip_count").iterator():
        if clip_count < MIN_CLIPS:
            ChannelBoilerplate.objects.filter(channel_id=channel_id).delete()
            continue
        with transaction.atomic():
            with_lines += bool(detect_channel(channel_id, clip_count))
    return with_lines


def _due(channel_id):
    """Detect again once the channel has grown by a fifth (at least MIN_CLIPS clips)."""
    clip_count = Clip.objects.filter(channel_id=channel_id).count()
    if clip_count < MIN_CLIPS:
        return None
    seen = (
        ChannelBoilerplate.objects.filter(channel_id=channel_id)
        .values_list("clip_count", flat=True)
        .first()
    )
    if seen is not None and clip_count < seen + max(MIN_CLIPS, seen // 5):
        return None
    return clip_count


class _DetectAfterCommit:
    def __init__(self, channel_id):
        self.channel_id = channel_id

    def __call__(self):
        clip_count = _due(self.channel_id)
        if clip_count is not None:
            with transaction.atomic():
                detect_channel(self.channel_id, clip_count)


def clip_stored(channel_id, using=None):
    """The pipeline stored a new clip of the channel: check the channel after the commit.

    Once per channel and transaction, outside the import's transaction; a failure
    is logged, never the import's failure.
    """
    if channel_id is None:
        return
    deferred = _deferred.get()
    if deferred is not None:
        deferred.add(channel_id)
        return
    connection = transaction.get_connection(using)
    pending = (entry[1] for entry in connection.run_on_commit)
    if any(isinstance(f, _DetectAfterCommit) and f.channel_id == channel_id for f in pending):
        return
    transaction.on_commit(_DetectAfterCommit(channel_id), using=using, robust=True)


_deferred = ContextVar("deferred_boilerplate_checks", default=None)


@contextmanager
def checks_deferred():
    """Check each channel that gained clips once, when the block ends, not after every commit.

    For bulk imports that commit chunk after chunk: a channel whose backlog is
    imported would otherwise be re-read every few chunks while it grows.
    """
    if _deferred.get() is not None:  # nested: the outer block checks
        yield
        return
    channels = set()
    token = _deferred.set(channels)
    try:
        yield
    finally:
        _deferred.reset(token)
        for channel_id in sorted(channels):
            clip_stored(channel_id)  # now, or when an enclosing transaction commits
