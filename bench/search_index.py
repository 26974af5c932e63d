"""What the full-text index costs on bulk loads, and what searches cost with it.

    .venv/bin/python bench/search_index.py [N]                         (SQLite, default N=5000)
    PG_TEST_PORT=54339 scripts/test-postgres .venv/bin/python bench/search_index.py [N]

Two fresh databases get the same synthetic clips through bulk_create (German and
English words, 4 tags, 5% of clips with a 100-segment transcript, a subscribe
line and a disclaimer under every description): one with the index triggers of
migration 0002_fulltext, one with the triggers dropped (the floor). Then
catalog.search.after_bulk_load() (boilerplate, index compaction) and searches
in both orders: median and p95 over repeated runs of the first page (24 clips).
SQLite gets a temporary NEWSCLIPS_DATA_DIR; PostgreSQL (DATABASE_URL) is flushed
between the two runs.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DE = str.split(
    "Wahl Regierung Bundestag Kanzler Haushalt Rente Schulden Krieg Frieden Energie Strom "
    "Preise Wirtschaft Klima Hitze Sturm Polizei Gericht Urteil Schule Kinder Arbeit Steuer"
)
EN = str.split(
    "election government congress president budget pension debt war peace energy power "
    "prices economy climate heat storm police court ruling school children work tax"
)
BOILERPLATE = "\n\nAbonniere den Kanal: https://example.com/sub\nDisclaimer under every clip."
QUERIES = ["wahl", "elections", "wahl haushalt", '"rente schulden"', "tag7", "sturm -klima"]
RUNS = 7


def setup_django(data_dir):
    os.environ.setdefault("NEWSCLIPS_DATA_DIR", str(data_dir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsclips.settings"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def reset(with_index):
    from django.core.management import call_command
    from django.db import connection

    from catalog.search.backends import backend

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        search_backend = backend(connection)
        search_backend.uninstall(cursor)
        search_backend.install(cursor)
        if not with_index and connection.vendor == "sqlite":
            for name in search_backend.TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        elif not with_index:
            for name, table in search_backend.TRIGGER_TABLES.items():
                cursor.execute(f"DROP TRIGGER {name} ON {table}")


def load(n, seed=1):
    """bulk_create n clips in batches of 1000; return the seconds spent in the database."""
    from django.db import transaction

    from catalog.models import Channel, Clip, ClipTag, Tag, TranscriptSegment

    rnd = random.Random(seed)
    channels = Channel.objects.bulk_create(
        Channel(name=f"Kanal {i}", slug=f"kanal-{i}") for i in range(200)
    )
    tags = Tag.objects.bulk_create(Tag(name=f"tag{i}", slug=f"tag{i}") for i in range(2000))
    base, spent = datetime(2010, 1, 1, tzinfo=UTC), 0.0
    for start in range(0, n, 1000):
        clips, segments = [], []
        for i in range(start, min(n, start + 1000)):
            language, words = ("de", DE) if i % 2 else ("en", EN)
            clips.append(
                Clip(
                    platform="bench",
                    external_id=str(i),
                    title=" ".join(rnd.choices(words, k=6)),
                    description=" ".join(rnd.choices(words, k=60)) + BOILERPLATE,
                    language=language,
                    channel=channels[i % len(channels)],
                    source="editor",
                    published_at=base + timedelta(hours=i),
                )
            )
        picks = [[int(rnd.paretovariate(1)) % len(tags) for _ in range(4)] for _ in clips]
        texts = [" ".join(rnd.choices(DE, k=10)) for _ in range(100 * len(clips) // 20)]
        began = time.perf_counter()
        with transaction.atomic():
            Clip.objects.bulk_create(clips)
            tagged = zip(clips, picks, strict=True)
            ClipTag.objects.bulk_create(
                (ClipTag(clip=clip, tag=tags[t]) for clip, ts in tagged for t in ts),
                ignore_conflicts=True,
            )
            for number, text in enumerate(texts):
                clip = clips[number // 100]
                start_at = 5.0 * (number % 100)
                segments.append(
                    TranscriptSegment(
                        clip=clip, language="de", kind="manual", start=start_at,
                        end=start_at + 5, text=text,
                    )
                )  # fmt: skip
            TranscriptSegment.objects.bulk_create(segments)
        spent += time.perf_counter() - began
    return spent


def timings(queryset_for):
    from django.db import reset_queries

    results = {}
    for q in QUERIES:
        for order in ("newest", "relevance"):
            times = []
            for _ in range(RUNS):
                began = time.perf_counter()
                list(queryset_for(q, order)[:24])
                times.append(time.perf_counter() - began)
                reset_queries()
            times.sort()
            results[(q, order)] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
    return results


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        from django.db import connection

        from catalog.models import Clip
        from catalog.search import after_bulk_load, by_relevance, search

        def queryset_for(q, order):
            found = search(Clip.objects.all(), q)
            return by_relevance(found, q) if order == "relevance" else found.newest()

        reset(with_index=False)
        floor = load(n)
        reset(with_index=True)
        indexed = load(n)
        began = time.perf_counter()
        with_boilerplate = after_bulk_load()
        after = time.perf_counter() - began
        print(f"{connection.vendor}, {n} clips (bulk_create in batches of 1000)")
        print(f"  load without index triggers  {floor:7.1f} s  {n / floor:7.0f} clips/s")
        print(f"  load with index triggers     {indexed:7.1f} s  {n / indexed:7.0f} clips/s")
        print(f"  ratio                        {indexed / floor:7.2f}x")
        print(f"  after_bulk_load()            {after:7.1f} s  ({with_boilerplate} channels)")
        print()
        print("| query | order | median ms | p95 ms |")
        print("|---|---|---:|---:|")
        for (q, order), (median, p95) in timings(queryset_for).items():
            print(f"| `{q}` | {order} | {median * 1000:.1f} | {p95 * 1000:.1f} |")


if __name__ == "__main__":
    main()
