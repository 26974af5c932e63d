"""A synthetic catalogue of any size for benchmarks and load tests (`manage.py generate_corpus`).

Realistic in the ways that matter for speed: ~2,000 channels of very different sizes,
~20,000 tags with Zipf-like use (a few on a tenth of all clips, most on a handful),
3-8 tags per clip, dates 2010-2026 (a few undated, some known only to the year or
month), German and English titles and descriptions ending in per-channel boilerplate,
and transcripts for some clips; about two moments per clip, and claims with
fact-checks in a few (catalog.benchdata.moments). Everything is drawn from seeded
generators, so the same --seed gives the same catalogue.

This is a loader for made-up data, not an ingestion path: it writes rows in bulk
(COPY on PostgreSQL, executemany on SQLite) with ids assigned up front, in one
transaction, instead of calling catalog.ingest.store() a million times. Database
triggers keep Tag.clip_count right as for every other write.
"""

import bisect
import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils.text import slugify

from catalog.boilerplate_lines import normalise_line
from catalog.models import Channel, ChannelBoilerplate, Clip, ClipTag, Tag, TranscriptSegment
from catalog.search import after_bulk_load, bulk_load

from . import words
from .bulk import foreign_keys_checked_once, insert_rows, next_id
from .moments import LOADED_MODELS, MomentLoader

CHUNK = 5000  # clips per batch of inserts
SYNTHETIC_PLATFORM = "synthetic"
LOCAL = ZoneInfo("Europe/Berlin")
FIRST_DAY = datetime(2010, 1, 1, tzinfo=UTC)
LAST_DAY = datetime(2026, 11, 1, tzinfo=UTC)

# Zipf-Mandelbrot weights (rank + Q) ** -S: with ~5.5 tags per clip the top tag lands
# on roughly a tenth of the clips and the median tag on a dozen per million.
TAG_ZIPF_S, TAG_ZIPF_Q = 1.5, 25
CHANNEL_ZIPF_S = 0.9


@dataclass
class CorpusStats:
    channels: int = 0
    tags: int = 0
    clips: int = 0
    clip_tags: int = 0
    transcript_segments: int = 0
    moments: int = 0
    moment_tags: int = 0
    claims: int = 0
    claim_reviews: int = 0
    first_clip_id: int = 0
    last_clip_id: int = 0
    extra: dict = field(default_factory=dict)

    def __str__(self):
        return (
            f"{self.clips} clips (ids {self.first_clip_id}-{self.last_clip_id}), "
            f"{self.channels} channels, {self.tags} tags, {self.clip_tags} clip tags, "
            f"{self.transcript_segments} transcript segments, {self.moments} moments "
            f"({self.moment_tags} tags), {self.claims} claims ({self.claim_reviews} fact-checks)"
        )


def _cumulative(weights):
    return list(itertools.accumulate(weights))


def _draw(rng, cum, count):
    """`count` distinct indexes, weighted by `cum` (cumulative weights)."""
    total, chosen = cum[-1], {}
    while len(chosen) < count:
        chosen.setdefault(bisect.bisect(cum, rng.random() * total), None)
    return list(chosen)


def tag_names(rng, count):
    """`count` distinct tag names, most used first (plain topics lead)."""
    topics = words.TOPICS_DE + words.TOPICS_EN
    head = [*topics, *words.PLACES]
    tail = [f"{t}{p}" for t in topics for p in words.PLACES]
    tail += [f"{t}{year}" for t in topics for year in range(2010, 2027)]
    tail += [f"{a}{b.capitalize()}" for a in topics for b in topics if a != b]
    rng.shuffle(tail)
    names, seen = [], set()
    for name in itertools.chain(head, tail, (f"Thema{n}" for n in itertools.count(1))):
        slug = Tag.normalise(name)
        if slug and slug not in seen:
            seen.add(slug)
            names.append(name)
        if len(names) == count:
            return names
    return names


def channel_specs(rng, count):
    """(name, handle, language, boilerplate lines) per channel; names are unique."""
    specs, seen = [], set()
    combos = [
        f"{a}{b}{suffix}"
        for a in words.CHANNEL_WORDS_A
        for b in words.CHANNEL_WORDS_B
        for suffix in words.CHANNEL_SUFFIXES
    ]
    rng.shuffle(combos)
    for n, name in enumerate(itertools.islice(itertools.cycle(combos), count)):
        if name in seen:
            name = f"{name} {n}"
        seen.add(name)
        language = "de" if rng.random() < 0.55 else "en"
        handle = slugify(name).replace("-", "")
        templates = words.BOILERPLATE_DE if language == "de" else words.BOILERPLATE_EN
        boilerplate = [line.format(name=name, handle=handle) for line in rng.sample(templates, k=2)]
        specs.append((name, handle, language, boilerplate))
    return specs


class Generator:
    """Draws one clip after another from a seeded random generator."""

    def __init__(self, seed, channel_count, tag_count):
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 -- reproducible, not secret
        self.channels = channel_specs(self.rng, channel_count)
        self.tags = tag_names(self.rng, tag_count)
        self.tag_cum = _cumulative(
            (rank + TAG_ZIPF_Q) ** -TAG_ZIPF_S for rank in range(1, tag_count + 1)
        )
        self.channel_cum = _cumulative(
            rank**-CHANNEL_ZIPF_S for rank in range(1, channel_count + 1)
        )
        # More clips in later years, as catalogues grow.
        self.span = (LAST_DAY - FIRST_DAY).total_seconds()

    def published(self):
        rng = self.rng
        roll = rng.random()
        if roll < 0.02:
            return None, ""
        moment = FIRST_DAY + timedelta(seconds=self.span * rng.random() ** 0.7)
        moment = moment.astimezone(LOCAL)
        if roll < 0.06:
            moment, precision = moment.replace(month=1, day=1), Clip.Precision.YEAR
        elif roll < 0.10:
            moment, precision = moment.replace(day=1), Clip.Precision.MONTH
        elif roll < 0.60:
            precision = Clip.Precision.DAY
        else:
            return moment.replace(microsecond=0), Clip.Precision.TIME
        return moment.replace(hour=0, minute=0, second=0, microsecond=0), precision

    def sentence(self, german, topic):
        rng = self.rng
        template = rng.choice(words.SENTENCES_DE if german else words.SENTENCES_EN)
        return template.format(
            subject=rng.choice(words.SUBJECTS_DE if german else words.SUBJECTS_EN),
            verb=rng.choice(words.VERBS_DE if german else words.VERBS_EN),
            topic=topic,
            place=rng.choice(words.PLACES),
        )

    def clip(self, number):
        """One clip as plain values: (fields, tag indexes, transcript lines)."""
        rng = self.rng
        channel_index = bisect.bisect(self.channel_cum, rng.random() * self.channel_cum[-1])
        name, _handle, language, boilerplate = self.channels[channel_index]
        german = language == "de"
        tag_indexes = _draw(rng, self.tag_cum, rng.randint(3, 8))
        topic = self.tags[tag_indexes[0]]
        topics = words.TOPICS_DE if german else words.TOPICS_EN
        title = f"{rng.choice(words.FORMATS_DE if german else words.FORMATS_EN)}: " + (
            self.sentence(german, rng.choice(topics)).rstrip(".")
        )
        if rng.random() < 1 / 20000:
            title += f" ({words.RARE_WORD})"
        body = [self.sentence(german, topic) for _ in range(rng.randint(1, 3))]
        if rng.random() < 1 / 1000:
            body.append(f"Thema heute: die {words.PHRASE}.")
        description = "\n\n".join(
            [
                " ".join(body),
                " ".join(f"#{self.tags[i]}" for i in tag_indexes),
                "\n".join(boilerplate),
            ]
        )
        if rng.random() < 0.01:
            language = rng.choice(["fr", "es", ""])
        published, precision = self.published()
        duration = int(rng.lognormvariate(5.3, 0.9)) + 5
        transcript = []
        if rng.random() < 0.05:
            lines = [self.sentence(german, rng.choice(topics)) for _ in range(rng.randint(5, 20))]
            if rng.random() < 0.05:
                lines[rng.randrange(len(lines))] += f" {words.TRANSCRIPT_WORD}."
            transcript = lines
        fields = {
            "external_id": f"s{self.seed}-{number}",
            "title": title,
            "description": description,
            "channel": channel_index,
            "published_at": published,
            "published_precision": precision,
            "duration": duration,
            "view_count": int(rng.paretovariate(1.2) * 100),
            "language": language,
            "channel_name": name,
        }
        return fields, tag_indexes, transcript


class CorpusExists(Exception):
    pass


def generate(clips, *, seed=1, channels=2000, tags=20000, progress=None):
    """Add a synthetic catalogue of `clips` clips; returns CorpusStats.

    All or nothing: one transaction. A corpus with the same seed is refused
    (its external ids would collide).
    """
    gen = Generator(seed, channels, tags)
    if Clip.objects.filter(platform=SYNTHETIC_PLATFORM, external_id=f"s{seed}-0").exists():
        raise CorpusExists(f"a corpus with seed {seed} is already loaded")
    adapt = connection.ops.adapt_datetimefield_value
    now = datetime.now(UTC).replace(microsecond=0)
    stats = CorpusStats()
    loaded = [Clip, ClipTag, TranscriptSegment, *LOADED_MODELS]
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        foreign_keys_checked_once(cursor, loaded),
    ):
        channel_ids = _load_channels(cursor, gen, adapt(now), stats)
        tag_ids = _load_tags(cursor, gen, adapt(now), stats)
        moments = MomentLoader(seed, gen.tags, gen.tag_cum, tag_ids, adapt(now))
        clip_id = stats.first_clip_id = next_id(Clip)
        segment_id = next_id(TranscriptSegment)
        done = 0
        with bulk_load(cursor):  # each clip's search document written once
            while done < clips:
                clip_rows, tag_rows, segment_rows = [], [], []
                for number in range(done, min(done + CHUNK, clips)):
                    fields, tag_indexes, transcript = gen.clip(number)
                    clip_rows.append(_clip_row(clip_id, fields, channel_ids, adapt, adapt(now)))
                    tag_rows += [(clip_id, tag_ids[i], ClipTag.Origin.HASHTAG) for i in tag_indexes]
                    language = fields["language"] or "de"
                    segments = _segment_rows(segment_id, clip_id, language, transcript)
                    segment_rows += segments
                    segment_id += len(segments)
                    moments.add(clip_id, fields["duration"], fields["language"])
                    clip_id += 1
                insert_rows(cursor, Clip, CLIP_COLUMNS, clip_rows)
                insert_rows(cursor, ClipTag, ["clip_id", "tag_id", "origin"], tag_rows)
                insert_rows(cursor, TranscriptSegment, SEGMENT_COLUMNS, segment_rows)
                moments.flush(cursor)
                done += len(clip_rows)
                stats.clip_tags += len(tag_rows)
                stats.transcript_segments += len(segment_rows)
                if progress:
                    progress(done, clips)
        stats.clips, stats.last_clip_id = done, clip_id - 1
        for name, count in moments.counts.items():
            setattr(stats, name, count)
        if connection.vendor == "postgresql":
            for sql in connection.ops.sequence_reset_sql(no_style(), [Channel, Tag, *loaded]):
                cursor.execute(sql)
        after_load(stats)
    # Fresh planner statistics: SQLite never gathers them by itself, and PostgreSQL's
    # autovacuum would only get round to it after the first slow queries.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return stats


def after_load(stats):
    """Work that needs the whole corpus in place: the search index's after-load step
    (boilerplate confirmed per channel, index compacted)."""
    after_bulk_load()


CLIP_COLUMNS = [
    "id", "platform", "external_id", "url", "title", "description", "channel_id",
    "published_at", "published_precision", "duration", "view_count", "like_count",
    "language", "thumbnail_url", "availability", "source", "source_url", "fetched_at",
    "raw", "locked_fields", "refreshed_at", "created_at", "updated_at",
]  # fmt: skip
CHANNEL_COLUMNS = [
    "id", "name", "slug", "platform", "platform_id", "handle", "url",
    "description", "thumbnail_url", "follower_count", "clip_count", "created_at", "updated_at",
]  # fmt: skip
SEGMENT_COLUMNS = ["id", "clip_id", "language", "kind", "start", "end", "text"]


def _segment_rows(first_id, clip_id, language, transcript):
    """The transcript's lines as timed segment rows (SEGMENT_COLUMNS), ids from first_id."""
    rows, start = [], 0.0
    for offset, line in enumerate(transcript):
        end = start + 3 + len(line) / 15
        kind = TranscriptSegment.Kind.AUTOMATIC
        rows.append((first_id + offset, clip_id, language, kind, start, end, line))
        start = end
    return rows


def _clip_row(pk, fields, channel_ids, adapt, now):
    url = f"https://video.example/{SYNTHETIC_PLATFORM}/{fields['external_id']}"
    return (
        pk, SYNTHETIC_PLATFORM, fields["external_id"], url, fields["title"],
        fields["description"], channel_ids[fields["channel"]], adapt(fields["published_at"]),
        fields["published_precision"], fields["duration"], fields["view_count"], None,
        fields["language"], "", Clip.Availability.UNKNOWN, Clip.Source.EDITOR, url, now,
        "{}", "[]", None, now, now,
    )  # fmt: skip


def _load_channels(cursor, gen, now, stats):
    """Channel ids by index, reusing channels whose slug exists already."""
    slugs = [slugify(name, allow_unicode=True) for name, *_ in gen.channels]
    existing = dict(Channel.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    new_id, rows, ids = next_id(Channel), [], []
    for slug, (name, handle, _language, _boilerplate) in zip(slugs, gen.channels, strict=True):
        if slug in existing:
            ids.append(existing[slug])
            continue
        rows.append((new_id, name, slug, SYNTHETIC_PLATFORM, handle, f"@{handle}",
                     f"https://video.example/@{handle}", "", "", None, 0, now, now))  # fmt: skip
        existing[slug] = new_id
        ids.append(new_id)
        new_id += 1
    insert_rows(cursor, Channel, CHANNEL_COLUMNS, rows)
    stats.channels = len(rows)
    # The lines each new channel puts under its clips, known before its clips arrive:
    # the search index leaves them out from the first insert instead of re-indexing.
    new_ids = {row[0] for row in rows}
    ChannelBoilerplate.objects.bulk_create(
        ChannelBoilerplate(channel_id=pk, lines=sorted(normalise_line(line) for line in lines))
        for pk, (_name, _handle, _language, lines) in zip(ids, gen.channels, strict=True)
        if pk in new_ids
    )
    return ids


def _load_tags(cursor, gen, now, stats):
    """Tag ids by rank, reusing tags whose slug exists already."""
    slugs = [Tag.normalise(name) for name in gen.tags]
    existing = {}
    for start in range(0, len(slugs), 900):  # SQLite's cap on bound parameters
        batch = slugs[start : start + 900]
        existing.update(Tag.objects.filter(slug__in=batch).values_list("slug", "pk"))
    new_id, rows, ids = next_id(Tag), [], []
    for slug, name in zip(slugs, gen.tags, strict=True):
        if slug not in existing:
            rows.append((new_id, name, slug, 0, now))
            existing[slug] = new_id
            new_id += 1
        ids.append(existing[slug])
    insert_rows(cursor, Tag, ["id", "name", "slug", "clip_count", "created_at"], rows)
    stats.tags = len(rows)
    return ids
