"""export_catalog / import_catalog: throughput and peak memory for catalogues of N clips.

    .venv/bin/python bench/archive.py [N ...]      (default: 500 2000)

Each N gets a fresh temporary SQLite database (NEWSCLIPS_DATA_DIR in a temp dir)
filled through catalog.ingest.store: every clip with a channel, three tags, a
related link, a ten-segment transcript and a revision. The catalogue is exported,
deleted, imported and exported again; the two exports must be the same bytes.
Peak memory is tracemalloc's, in separate runs so its overhead does not distort
the timings; a peak that stays flat as N grows shows that both directions stream.
"""

import io
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import setup_django  # bench/ingest.py: a temporary SQLite database, migrated


def fill(n):
    from django.core.management import call_command
    from django.db import transaction

    from catalog.ingest import (
        ChannelRecord,
        ClipRecord,
        RelatedRecord,
        SegmentRecord,
        TagRecord,
        TranscriptRecord,
        store,
    )

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        for i in range(n):
            for title in (f"Meldung {i}", f"Meldung {i} (neu)"):  # the second makes a revision
                store(
                    ClipRecord(
                        platform="bench",
                        external_id=f"c{i}",
                        title=title,
                        source="url",
                        description=f"Bericht Nummer {i}. #Thema{i % 50} " + "Text " * 40,
                        channel=ChannelRecord(name=f"Kanal {i % 20}"),
                        tags=[TagRecord(f"Thema{i % 50}", "hashtag"), TagRecord("news", "keyword")],
                        related=[RelatedRecord(title=f"Meldung {i - 1}")] if i else [],
                        transcripts=[
                            TranscriptRecord(
                                "de",
                                "automatic",
                                [SegmentRecord(s, s + 1, f"Satz {s} von {i}") for s in range(10)],
                            )
                        ],
                        raw={"id": f"c{i}", "n": i},
                    )
                )


def export_bytes():
    from catalog.backup import export_catalog

    out = io.StringIO()
    export_catalog(out)
    return out.getvalue()


def wipe():
    from catalog.backup import CATALOGUE_MODELS

    for model in CATALOGUE_MODELS:
        model.objects.all().delete()


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def peak_mib(function, *args):
    tracemalloc.start()
    function(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024 / 1024


def export_to(path):
    from catalog.backup import export_catalog

    with path.open("w", encoding="utf-8") as out:
        export_catalog(out)


def import_from(path):
    from catalog.backup import import_catalog

    with path.open(encoding="utf-8") as lines:
        import_catalog(lines)


def main(sizes):
    columns = ["N clips", "file MB", "export clips/s", "import clips/s"]
    columns += ["export peak MiB", "import peak MiB", "same bytes"]
    print("| " + " | ".join(columns) + " |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp)
            if n == sizes[0]:  # Django is set up once; each N gets its own database file
                setup_django(data_dir)
            from django.conf import settings
            from django.db import connection

            connection.close()
            settings.DATABASES["default"]["NAME"] = str(data_dir / f"bench-{n}.sqlite3")
            fill(n)
            path = data_dir / "catalogue.jsonl"
            _, export_seconds = timed(export_to, path)
            first = path.read_bytes()
            export_peak = peak_mib(export_to, path)
            wipe()
            _, import_seconds = timed(import_from, path)
            same = export_bytes().encode() == first
            wipe()
            import_peak = peak_mib(import_from, path)
            connection.close()
        print(
            f"| {n} | {len(first) / 1e6:.1f} | {n / export_seconds:.0f} | {n / import_seconds:.0f}"
            f" | {export_peak:.1f} | {import_peak:.1f} | {'yes' if same else 'NO'} |"
        )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [500, 2000])
