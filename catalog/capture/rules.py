"""When captures happen by themselves: capture rules, and clips at risk of removal.

- A CaptureRule names a followed source, a channel or a tag: its clips that
  were never captured are queued by `enqueue_due_captures` (from check_due).
- A refresh that sees a clip go private, removed or geo-blocked writes an
  AvailabilityCheck; the receiver below queues a capture at once, with the
  at-risk priority, unless the clip already has a complete one. A copy may
  still be reachable (the page it was imported from, a mirror); if none is,
  the capture fails with the reason and the editor sees it.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from catalog.models import AvailabilityCheck, Capture, CaptureRule, Clip

from .jobs import request_capture, resume_stale_captures

RULE_BATCH = 50  # captures queued by rules per check_due run; the rest follow next time


def ruled_clips():
    """Clips an enabled rule asks for that have no capture yet (of any status)."""
    rules = CaptureRule.objects.filter(enabled=True)
    channel_ids = rules.exclude(channel=None).values("channel_id")
    tag_ids = rules.exclude(tag=None).values("tag_id")
    source_channel_ids = rules.exclude(followed_source=None).values("followed_source__channel_id")
    wanted = (
        Q(channel_id__in=channel_ids)
        | Q(channel_id__in=source_channel_ids)
        | Q(Exists(Clip.tags.through.objects.filter(clip=OuterRef("pk"), tag_id__in=tag_ids)))
    )
    captured = Capture.objects.filter(clip=OuterRef("pk"))
    return (
        Clip.objects.filter(wanted)
        .exclude(url="", source_url="")
        .filter(~Exists(captured))
        .order_by("-created_at", "-id")
    )


def enqueue_due_captures(*, limit=RULE_BATCH):
    """Queue the captures rules ask for and resume stale ones; return the captures queued."""
    queued = [request_capture(clip) for clip in ruled_clips()[:limit]]
    return queued + resume_stale_captures()


def capture_at_risk(clip):
    """Queue an urgent capture of `clip` unless it already has a complete one."""
    if clip.captures.complete().exists():
        return None
    # The canonical URL has just said "gone"; the page it came from may still serve it.
    url = clip.source_url if clip.source_url and clip.source_url != clip.url else clip.url
    return request_capture(clip, priority=Capture.Priority.AT_RISK, url=url)


@receiver(post_save, sender=AvailabilityCheck, dispatch_uid="capture_clips_at_risk")
def _availability_checked(sender, instance, created, raw=False, **kwargs):
    # record_check writes a row only when the availability changes (or a check failed).
    if created and not raw and instance.is_gone:
        transaction.on_commit(lambda: capture_at_risk(Clip.objects.get(pk=instance.clip_id)))
