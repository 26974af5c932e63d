"""Re-checking catalogued clips at their source: new metadata, or news of their removal.

A refresh changes the clip only after a successful fetch, through `store`, so
the history (revisions, availability) and the editor's locks apply as for any
import. A fetch that fails keeps every stored field: a private, removed or
geo-blocked video is marked so; a network error or rate limit is logged as a
failed check and changes nothing else, since it says nothing about the video.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import AvailabilityCheck, Clip
from catalog.models.availability import GONE

from . import ytdlp
from .results import IngestError, ItemResult, Outcome, Summary, guarded
from .store import store

# How often a clip is re-checked, by its age: news clips change (retitled,
# re-cut, taken down) mostly in their first days, rarely after a month.
REFRESH_SCHEDULE = (
    (timedelta(days=2), timedelta(hours=4)),
    (timedelta(days=30), timedelta(days=1)),
    (None, timedelta(days=30)),
)


def refresh_clip(clip):
    """Re-extract the clip's URL with yt-dlp and store what changed; never raises."""
    url = clip.url or clip.source_url
    if not url:
        return ItemResult(
            name=str(clip), outcome=Outcome.FAILED, clip=clip, reason="the clip has no URL"
        )
    checked_at = timezone.now()
    try:
        records = ytdlp.extract_page(url, languages=settings.NEWSCLIPS_SUBTITLE_LANGUAGES)
    except ytdlp.FetchError as error:
        # Not found, unsupported, network trouble: no proof the video is gone.
        status = error.kind if error.kind in GONE else Clip.Availability.CHECK_FAILED
        return _not_fetched(clip, url, status, error.reason, checked_at)
    except IngestError as error:
        return _not_fetched(clip, url, Clip.Availability.CHECK_FAILED, error.reason, checked_at)
    # A clip from a page of several videos is found again among them.
    records = [record for record in records if not isinstance(record, IngestError)]
    key = (clip.platform, clip.external_id)
    record = next((r for r in records if (r.platform, r.external_id) == key), None)
    if record is None:
        if len(records) == 1:
            reason = (
                f"the URL now gives another video ({records[0].platform} {records[0].external_id})"
            )
        else:
            reason = f"the page no longer shows this video ({len(records)} others)"
        return _not_fetched(clip, url, Clip.Availability.CHECK_FAILED, reason, checked_at)
    result = store(record, name=url, checked_at=checked_at)
    result.name = url
    return result


def _not_fetched(clip, url, status, reason, checked_at):
    before = clip.availability
    clip = record_check(clip, status, reason, checked_at=checked_at)
    if status == Clip.Availability.CHECK_FAILED:
        return ItemResult(name=url, outcome=Outcome.FAILED, clip=clip, reason=reason)
    outcome = Outcome.UPDATED if clip.availability != before else Outcome.UNCHANGED
    return ItemResult(name=url, outcome=outcome, clip=clip, reason=reason)


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


def due_clips(now=None):
    """Clips whose re-check is due by REFRESH_SCHEDULE, never-checked ones first."""
    now = now or timezone.now()
    clips = (
        Clip.objects.exclude(url="")
        .exclude(platform="web")
        .annotate(born=Coalesce("published_at", "created_at"))
    )
    due = Q(refreshed_at=None)
    younger_than = None
    for age, every in REFRESH_SCHEDULE:
        bracket = Q(refreshed_at__lte=now - every)
        if age is not None:
            bracket &= Q(born__gt=now - age)
        if younger_than is not None:
            bracket &= Q(born__lte=now - younger_than)
        due |= bracket
        younger_than = age
    return clips.filter(due).order_by(F("refreshed_at").asc(nulls_first=True), "id")


def refresh_due(limit=50, *, progress=None):
    """Refresh at most `limit` due clips, the longest unchecked first."""
    return refresh_clips(due_clips()[:limit], progress=progress)


def refresh_clips(clips, *, progress=None):
    summary = Summary()
    clips = list(clips)
    for clip in clips:
        summary.add(guarded(clip.url or str(clip), refresh_clip, clip))
        if progress is not None:
            progress(len(summary.results), len(clips), summary.results[-1])
    return summary
