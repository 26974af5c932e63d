import time
from types import SimpleNamespace

from django.core.management.base import BaseCommand, CommandError

from catalog.benchdata.corpus import CorpusExists, generate
from catalog.management.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Add a synthetic catalogue (fictional channels, tags and clips) for benchmarks: "
        "bulk inserts into the configured database, the same catalogue for the same --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clips", type=int, default=100_000, help="How many clips.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same catalogue.")
        parser.add_argument("--channels", type=int, default=2000)
        parser.add_argument("--tags", type=int, default=20000)

    def handle(self, *args, clips, seed, channels, tags, verbosity, **options):
        if clips < 1 or channels < 1 or tags < 8:
            raise CommandError("--clips and --channels must be positive, --tags at least 8")
        bar = ProgressBar(self.stderr, enabled=verbosity > 0)
        unit = SimpleNamespace(outcome="clips")
        started = time.monotonic()
        try:
            stats = generate(
                clips,
                seed=seed,
                channels=channels,
                tags=tags,
                progress=lambda done, total: bar(done, total, unit),
            )
        except CorpusExists as error:
            raise CommandError(f"{error}; choose another --seed") from error
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Generated {stats} in {seconds:.0f} s"))
