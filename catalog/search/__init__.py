"""Full-text search: the one entry point behind the search box, `?q=` and every list.

    search(queryset, q)       the clips that match (words, "phrases", -excluded, #tag, @channel),
                              or of a Claim queryset the claims (their text and claimant)
    by_relevance(queryset, q) best match first (among the RELEVANCE_WINDOW newest matches)
    attach_snippets(clips, q) highlighted snippets and moment/transcript hits for a result page
    after_bulk_load()         the one call a bulk load (bulk_create) needs afterwards
    bulk_load(cursor)         around a load of new clips with their parts in one transaction

SQLite uses FTS5 and PostgreSQL tsvector + GIN (catalog.search.sqlite and
.postgres, installed by migration 0002_fulltext); the database keeps the index
in sync by itself, so nothing else needs to know it exists.
"""

from django.db import connections, router
from django.db.models import F, Q

from catalog.models import ChannelBoilerplate, Claim, Clip, Moment, TranscriptSegment

from . import claim_index
from .backends import (
    COMMON_TERM_CLIPS,
    ClaimsMatching,
    ClipMatches,
    ClipsMatching,
    SearchRank,
    backend,
    matches_estimate,
)
from .boilerplate import checks_deferred, clip_stored, detect_boilerplate
from .conjunction import clips_matching_all
from .query import MAX_QUERY_LENGTH, ParsedQuery, parse_query
from .snippets import (
    attach_claim_hits,
    attach_metadata_snippets,
    attach_moment_hits,
    attach_transcript_hits,
)

__all__ = [
    "COMMON_RELEVANCE_WINDOW",
    "MAX_QUERY_LENGTH",
    "RELEVANCE_WINDOW",
    "ParsedQuery",
    "after_bulk_load",
    "attach_snippets",
    "bulk_load",
    "by_relevance",
    "checks_deferred",
    "clip_stored",
    "detect_boilerplate",
    "parse_query",
    "search",
]

# Relevance ranks the newest matches only: a word in half the catalogue would
# otherwise rank half a million rows per request. Relevance pages stop here
# (offset pagination); date order has no such limit.
RELEVANCE_WINDOW = 1000
# For words that match more than COMMON_TERM_CLIPS clips the window is smaller:
# finding the newest thousand of a hundred thousand matches means checking some
# ten thousand clips, which no database does in a page's time.
COMMON_RELEVANCE_WINDOW = 200


def after_bulk_load():
    """After loading clips in bulk (bulk_create bypasses catalog.ingest): detect every
    channel's boilerplate and compact the index. Returns how many channels have
    boilerplate. The index itself needs nothing: the database filled it.
    """
    with_boilerplate = detect_boilerplate()
    connection = connections[router.db_for_write(Clip)]
    with connection.cursor() as cursor:
        backend(connection).optimize(cursor)
        if connection.vendor == "sqlite":
            claim_index.optimize(cursor)
    return with_boilerplate


def bulk_load(cursor):
    """Around a load of new clips with their tags, transcripts and moments inside one
    transaction (catalog.benchdata), a context manager: PostgreSQL writes each clip's
    document once, at the end, not once per part and batch; SQLite needs nothing."""
    return backend(cursor.db).bulk_load(cursor)


def search(queryset, q):
    """Narrow a Clip (or Claim) queryset to what the query asks for (its order is left alone)."""
    parsed = parse_query(q)
    if queryset.model is Claim:
        return _search_claims(queryset, parsed)
    if parsed.tags:
        queryset = queryset.tagged(*parsed.tags)
    for channel in parsed.channels:
        queryset = queryset.filter(
            Q(channel__slug=channel.lower()) | Q(channel__name__iexact=channel)
        )
    positive = parsed.positive
    if (parsed.words or parsed.phrases) and not positive:
        return queryset.none()  # only punctuation: nothing can match it
    # Several words: the index finds the clips whose text holds them all, however
    # common each is (a per-clip check of common words would walk thousands of
    # clips per page); the few that match a word otherwise are checked per clip.
    every = clips_matching_all(positive, queryset.db) if len(positive) > 1 else None
    if every is not None:
        queryset = queryset.filter(every)
    elif positive:
        # As Clip.objects.tagged() does for tags: the rarest term's matches drive
        # the query unless it is common; every other term is checked per clip.
        estimates = matches_estimate(positive, queryset.db)
        ordered = sorted(zip(estimates, range(len(positive)), positive, strict=True))
        (rarest, _i, first), *others = ordered
        if rarest <= COMMON_TERM_CLIPS:
            queryset = queryset.filter(pk__in=ClipsMatching(first))
        else:
            queryset = queryset.filter(ClipMatches(first, rarest))
        for estimate, _i, term in others:
            queryset = queryset.filter(ClipMatches(term, estimate))
    for term in parsed.negative:
        queryset = queryset.exclude(pk__in=ClipsMatching(term))
    return queryset


def _search_claims(queryset, parsed):
    """Claims whose text or claimant has every word; #tag and @channel are their clip's."""
    if parsed.tags:
        queryset = queryset.filter(clip__in=Clip.objects.tagged(*parsed.tags).values("pk"))
    for channel in parsed.channels:
        queryset = queryset.filter(
            Q(clip__channel__slug=channel.lower()) | Q(clip__channel__name__iexact=channel)
        )
    if (parsed.words or parsed.phrases) and not parsed.positive:
        return queryset.none()
    # Claims are few next to clips: each term's matches are read from the index.
    for term in parsed.positive:
        queryset = queryset.filter(pk__in=ClaimsMatching(term))
    for term in parsed.negative:
        queryset = queryset.exclude(pk__in=ClaimsMatching(term))
    return queryset


def by_relevance(queryset, q):
    """Best match first: title over tags and channel over description over transcript.

    Ranks the RELEVANCE_WINDOW newest clips of `queryset` (already searched),
    COMMON_RELEVANCE_WINDOW for words every term of which is common; without
    words to rank by, newest first.
    """
    terms = parse_query(q).positive
    if not terms:
        return queryset.newest()
    common = min(matches_estimate(terms, queryset.db)) > COMMON_TERM_CLIPS
    size = COMMON_RELEVANCE_WINDOW if common else RELEVANCE_WINDOW
    # Read once: a page needs it twice (its count and its rows). It carries every
    # filter: matching the words once more would only cost.
    window = list(queryset.newest().values_list("pk", flat=True)[:size])
    return (
        queryset.model.objects.filter(pk__in=window)
        .annotate(search_rank=SearchRank(terms, common=common))
        .order_by("-search_rank", F("published_at").desc(nulls_last=True), "-id")
    )


def attach_snippets(clips, q):
    """Give each clip of a result page its `search_snippet` and `transcript_hit` (or None).

    At most four queries for the page, whatever its size: the channels'
    boilerplate, then the moments, the transcripts and the claims of clips whose
    metadata does not explain the match (a moment's hit first: an editor named it;
    a claim's last: it is often also said, and then the time is the better link).
    Returns the clips as a list.
    """
    clips = list(clips)
    terms = parse_query(q).positive
    if not terms or not clips:
        return clips
    channel_ids = {clip.channel_id for clip in clips if clip.channel_id}
    boilerplate = {}
    if channel_ids:
        rows = ChannelBoilerplate.objects.filter(channel_id__in=channel_ids)
        boilerplate = dict(rows.values_list("channel_id", "lines"))
    unexplained = attach_metadata_snippets(clips, terms, boilerplate)
    if unexplained:
        moments = (
            Moment.objects.filter(clip__in=unexplained)
            .order_by("clip_id", "start", "id")
            .values_list("clip_id", "start", "language", "title", "description")
        )
        attach_moment_hits(unexplained, terms, moments)
        unexplained = [clip for clip in unexplained if clip.transcript_hit is None]
    if unexplained:
        segments = (
            TranscriptSegment.objects.filter(clip__in=unexplained)
            .order_by("clip_id", "start", "id")
            .values_list("clip_id", "start", "language", "text", "kind")
        )
        attach_transcript_hits(unexplained, terms, segments)
        unexplained = [clip for clip in unexplained if clip.transcript_hit is None]
    if unexplained:
        claims = (
            Claim.objects.filter(clip__in=unexplained)
            .order_by("clip_id", "id")
            .values_list("clip_id", "id", "moment__start", "language", "text", "claimant")
        )
        attach_claim_hits(unexplained, terms, claims)
    return clips
