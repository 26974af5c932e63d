from django.core.management.base import BaseCommand, CommandError

from catalog import ingest
from catalog.management.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Import clips from video, playlist or channel URLs (via yt-dlp) and from .info.json "
        "files or folders of them. Exits with status 1 if any item failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="URL|FILE|FOLDER")
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Fetch URLs already in the catalogue again (default: leave them unchanged).",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            metavar="N",
            help="At most N videos of each playlist or channel, newest first.",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            metavar="N",
            help="Processes that read .info.json files while this one stores them "
            "(default: one per CPU; 1: read here too).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, sources, refresh, limit, processes, no_progress, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        if processes is not None and processes < 1:
            raise CommandError("--processes must be at least 1")
        urls = [s for s in sources if s.startswith(("http://", "https://"))]
        paths = [s for s in sources if s not in urls]
        bar = ProgressBar(self.stderr._out, enabled=not no_progress and options["verbosity"])
        verbose = options["verbosity"] > 1

        def progress(done, total, result):
            bar(done, total, result)
            if verbose and result.outcome is not ingest.Outcome.FAILED:
                self.stdout.write(self.style.SUCCESS(str(result)))

        # The files' summary keeps the failures only: a folder of a million files is
        # reported as it goes, not held until the end.
        summary = ingest.Summary(keep_all=False)
        if paths:
            found = ingest.ingest_infojson_files(
                paths, progress=progress, keep_results=False, processes=processes
            )
            summary.extend(found)
        if urls:
            found = ingest.ingest_urls(urls, limit=limit, refresh=refresh, progress=progress)
            summary.extend(found)
        for result in summary.failed:
            self.stdout.write(self.style.ERROR(str(result)))
        self.stdout.write(str(summary))
        if summary.failed:
            raise CommandError(f"{len(summary.failed)} of {summary.total} items failed")
