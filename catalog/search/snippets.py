"""Highlighted snippets for result cards: where the query's words occur.

Built in Python from the stored text, with the stemmer the index uses, on both
databases: the index holds stems (FTS5's snippet() would show those), boilerplate
lines must not give a snippet, and a transcript hit needs its segment's time.
A snippet is a list of (text, highlighted) pieces; the template escapes each
piece and wraps the highlighted ones in <mark>, so stored text stays text.
"""

from dataclasses import dataclass

from catalog.boilerplate_lines import split_description
from catalog.timecode import timecode

from .stemming import WORD_RE, stem

BEFORE, AFTER = 60, 180  # characters of context around the first hit


@dataclass
class TranscriptHit:
    pieces: list
    start: float
    language: str
    kind: str = ""  # the segment's TranscriptSegment.Kind ("onscreen": text on screen)

    @property
    def start_seconds(self):
        return int(self.start)

    @property
    def timestamp(self):
        return timecode(self.start)


@dataclass
class MomentHit(TranscriptHit):
    """A hit in a moment's title or description: the card links to the moment's start."""

    moment_title: str = ""


@dataclass
class ClaimHit(TranscriptHit):
    """A hit in a claim's text or claimant: the card links to the claim on the clip page,
    at its moment's time when it has one (`start` None: it has none)."""

    anchor: str = ""


def _hits(text, stems, language):
    return [m.span() for m in WORD_RE.finditer(text) if stem(m.group(), language) in stems]


def highlight(text, stems, language, *, window=True):
    """The text around its first hit as (text, highlighted) pieces, or None without a hit."""
    text = " ".join(text.split())
    hits = _hits(text, stems, language)
    if not hits:
        return None
    start, end = 0, len(text)
    if window:
        first = hits[0][0]
        if first > BEFORE:
            start = text.find(" ", first - BEFORE, first) + 1 or first
        if end > first + AFTER:
            cut = text.rfind(" ", first, first + AFTER)
            end = cut if cut > hits[0][1] else hits[0][1]
    pieces = [("…", False)] if start else []
    position = start
    for hit_start, hit_end in hits:
        if hit_start < start or hit_end > end:
            continue
        pieces += [(text[position:hit_start], False), (text[hit_start:hit_end], True)]
        position = hit_end
    pieces.append((text[position:end], False))
    if end < len(text):
        pieces.append(("…", False))
    return [piece for piece in pieces if piece[0]]


def _explained(terms, text, language):
    """The terms whose words all occur in the text (their stems, in the clip's language)."""
    present = {stem(word, language) for word in WORD_RE.findall(text)}
    return {term for term in terms if any(set(v) <= present for v in term.variants)}


def attach_metadata_snippets(clips, terms, boilerplate):
    """Set `search_title`, `search_snippet` (description) and `transcript_hit` on each clip
    of a result page.

    `boilerplate` maps channel ids to their boilerplate lines. Returns the clips
    whose match the metadata does not explain: their transcripts are looked at.
    """
    stems = set().union(*(term.stems for term in terms))
    unexplained = []
    for clip in clips:
        description = split_description(clip.description, boilerplate.get(clip.channel_id))[0]
        clip.search_title = highlight(clip.title, stems, clip.language, window=False)
        clip.search_snippet = highlight(description, stems, clip.language)
        clip.transcript_hit = None
        # A list page's cards carry their tags as plain values (catalog.browse.cards).
        tags = getattr(clip, "card_tags", None)
        tags = clip.tags.all() if tags is None else tags
        metadata = " ".join(
            [clip.title, description, clip.channel.name if clip.channel else ""]
            + [tag.slug.replace("-", " ") for tag in tags]
        )
        if _explained(terms, metadata, clip.language) != set(terms):
            unexplained.append(clip)
    return unexplained


def attach_transcript_hits(clips, terms, segments):
    """The first segment with a hit per clip; `segments`: (clip_id, start, language, text,
    kind), what is said and what is shown on screen alike."""
    stems = set().union(*(term.stems for term in terms))
    by_id = {clip.pk: clip for clip in clips}
    for clip_id, start, language, text, kind in segments:
        clip = by_id.get(clip_id)
        if clip is None or clip.transcript_hit is not None:
            continue
        pieces = highlight(text, stems, language, window=False)
        if pieces:
            clip.transcript_hit = TranscriptHit(pieces, start, language, kind)


def attach_moment_hits(clips, terms, moments):
    """The first moment with a hit per clip, as its `transcript_hit` (the card's link to the
    time); `moments`: (clip_id, start, language, title, description), in time order."""
    stems = set().union(*(term.stems for term in terms))
    by_id = {clip.pk: clip for clip in clips}
    for clip_id, start, language, title, description in moments:
        clip = by_id.get(clip_id)
        if clip is None or clip.transcript_hit is not None:
            continue
        language = language or clip.language
        pieces = highlight(title, stems, language, window=False) or highlight(
            description, stems, language
        )
        if pieces:
            clip.transcript_hit = MomentHit(pieces, start, language, moment_title=title)


def attach_claim_hits(clips, terms, claims):
    """The first claim with a hit per clip, as its `transcript_hit`; `claims`: (clip_id,
    claim id, its moment's start or None, language, text, claimant), in id order."""
    stems = set().union(*(term.stems for term in terms))
    by_id = {clip.pk: clip for clip in clips}
    for clip_id, claim_id, start, language, text, claimant in claims:
        clip = by_id.get(clip_id)
        if clip is None or clip.transcript_hit is not None:
            continue
        language = language or clip.language
        pieces = highlight(text, stems, language) or highlight(claimant, stems, language)
        if pieces:
            clip.transcript_hit = ClaimHit(pieces, start, language, anchor=f"claim-{claim_id}")
