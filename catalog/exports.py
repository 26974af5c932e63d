"""Downloads of a filtered clip list as CSV and JSON Lines: every match, not just a page.

The response streams: a generator walks the matching clips in keyset chunks of
EXPORT_CHUNK_SIZE, so memory stays flat and the query count grows with the number
of chunks (four per chunk: the clips with their channels, their tags, their
moments, their claims with their moments; and the moments' tags and the claims'
reviews where there are any), never with the number of clips.

Exports are ordered by id, not by newest(): "id > last seen id" is a keyset on
the primary key alone, so a chunk never skips or repeats a clip while imports
add clips during a long download (new clips get higher ids and land at the end),
and it needs no special case for undated clips, which newest() sorts last.
"""

import csv
import json

from django.core.exceptions import BadRequest
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from catalog.filters import ClipFilter
from catalog.models import Channel, Clip, StoryThread, Tag

EXPORT_CHUNK_SIZE = 2000

COLUMNS = [
    "id",
    "platform",
    "external_id",
    "url",
    "title",
    "channel",
    "channel_url",
    "published",
    "published_precision",
    "duration_seconds",
    "language",
    "tags",
    "availability",
    "description",
    "page_url",
    "moments",
    "claims",
]

# Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV
# injection"): a title like '=HYPERLINK("http://evil", "click")' would become a
# live link or worse. A leading single quote makes Excel and LibreOffice show the
# cell as text; the quote is visible, which is the honest trade-off.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def list_scope(kind=None, slug=None):
    """The object (a Tag, a Channel, a StoryThread or None) and base queryset of a list page."""
    if kind == "tag":
        tag = get_object_or_404(Tag, slug=slug)
        return tag, Clip.objects.tagged(tag)
    if kind == "channel":
        channel = get_object_or_404(Channel, slug=slug)
        return channel, Clip.objects.in_channel(channel)
    if kind == "thread":
        thread = get_object_or_404(StoryThread.objects.public(), slug=slug)
        return thread, Clip.objects.in_thread(thread)
    return None, Clip.objects.all()


def filter_list(params, queryset, filterset_class=ClipFilter):
    """The list page's filters (ClipFilter, or the claims' ClaimFilter) applied to
    `queryset`; bad input is a 400.

    A page shows a form error; a feed reader or a download has no form, so it gets
    an explicit error rather than a silently empty result.
    """
    filterset = filterset_class(params, queryset=queryset)
    if not filterset.is_valid():
        raise BadRequest(filterset.errors.as_text())
    return filterset.qs


def clip_row(clip, page_url):
    """One clip as the export's flat record; tags as a list (CSV joins them)."""
    channel = clip.channel
    return {
        "id": clip.pk,
        "platform": clip.platform,
        "external_id": clip.external_id,
        "url": clip.url,
        "title": clip.title,
        "channel": channel.name if channel else "",
        "channel_url": channel.url if channel else "",
        # "2023", "2023-05", "2023-05-17" or a timestamp: never a fake 1 January, and
        # the precision beside it for a program that reads the column.
        "published": clip.published_iso,
        "published_precision": clip.published_precision,
        "duration_seconds": clip.duration,
        "language": clip.language,
        "tags": [tag.slug for tag in clip.tags.all()],
        "availability": clip.availability,
        "description": clip.description,
        "page_url": page_url,
        "moments": [moment_record(moment, page_url) for moment in clip.moments.all()],
        "claims": [claim_record(claim, page_url) for claim in clip.claims.all()],
    }


def moment_record(moment, page_url):
    """A moment in an export: exact seconds, its kind and text, its link at the clip's page."""
    return {
        "kind": moment.kind,
        "start": moment.start,
        "end": moment.end,
        "title": moment.title,
        "description": moment.description,
        "tags": [tag.slug for tag in moment.tags.all()],
        "language": moment.language,
        "url": moment.url_on(page_url),
    }


def claim_record(claim, page_url):
    """A claim in an export: its text, who made it, where in the clip, each fact-check."""
    return {
        "text": claim.text,
        "claimant": claim.claimant,
        "claimed_on": claim.claimed_on.isoformat() if claim.claimed_on else "",
        "language": claim.language,
        "start": claim.moment.start if claim.moment else None,
        "url": claim.url_on(page_url),
        "reviews": [
            {
                "rating": review.rating,
                "organisation": review.organisation,
                "url": review.url,
                "published": review.published.isoformat() if review.published else "",
            }
            for review in claim.reviews.all()
        ],
    }


def claims_cell(claims):
    """Claims in one CSV cell, a line each: "462 Die Renten steigen [Falsch: Faktenfuchs]"."""
    lines = []
    for claim in claims:
        at = f"{claim['start']:g} " if claim["start"] is not None else ""
        ratings = "; ".join(f"{r['rating']}: {r['organisation']}" for r in claim["reviews"])
        lines.append(f"{at}{claim['text']}" + (f" [{ratings}]" if ratings else ""))
    return "\n".join(lines)


def moments_cell(moments):
    """Moments in one CSV cell, a line each: "462-470.5 story: Die Wahl"."""
    return "\n".join(f"{m['start']:g}-{m['end']:g} {m['kind']}: {m['title']}" for m in moments)


def iter_clips(queryset):
    """Every clip of `queryset`, fetched EXPORT_CHUNK_SIZE at a time by id."""
    last_id = 0
    while True:
        # Read the module constant on each chunk so tests can make it small.
        size = EXPORT_CHUNK_SIZE
        chunk = list(
            queryset.filter(pk__gt=last_id)
            .order_by("pk")
            .for_list()
            .with_moments()
            .with_claims()[:size]
        )
        yield from chunk
        if len(chunk) < size:
            return
        last_id = chunk[-1].pk


def iter_rows(request, queryset):
    for clip in iter_clips(queryset):
        yield clip_row(clip, request.build_absolute_uri(clip.get_absolute_url()))


def neutralise(value):
    """A CSV cell that a spreadsheet shows as text, never evaluates (see FORMULA_PREFIXES)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Line:
    """A file-like object for csv.writer that hands each written line back."""

    def write(self, value):
        return value


def csv_lines(rows):
    writer = csv.writer(_Line())
    # The byte order mark tells Excel the file is UTF-8 (else umlauts break).
    yield "\ufeff" + writer.writerow(COLUMNS)
    for row in rows:
        row["tags"] = " ".join(row["tags"])
        row["moments"] = moments_cell(row["moments"])
        row["claims"] = claims_cell(row["claims"])
        yield writer.writerow([neutralise(row[column]) for column in COLUMNS])


def jsonl_lines(rows):
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


FORMATS = {
    "csv": ("text/csv; charset=utf-8", csv_lines),
    "jsonl": ("application/jsonl; charset=utf-8", jsonl_lines),
}


@require_safe
def export(request, fmt, kind=None, slug=None):
    obj, queryset = list_scope(kind, slug)
    clips = filter_list(request.GET, queryset)
    content_type, render = FORMATS[fmt]
    response = StreamingHttpResponse(render(iter_rows(request, clips)), content_type=content_type)
    scope = f"{kind}-{obj.slug}" if obj else "all"
    filename = f"newsclips-{scope}-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
