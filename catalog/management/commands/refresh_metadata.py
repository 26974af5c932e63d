from django.core.management.base import BaseCommand, CommandError

from catalog import ingest
from catalog.management.progress import ProgressBar
from catalog.models import Clip


class Command(BaseCommand):
    help = (
        "Re-check clips at their source: new metadata, or a note that the video is gone. "
        "Without ids, the clips that are due (new ones often, old ones rarely)."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="CLIP_ID")
        parser.add_argument(
            "--limit", type=int, default=50, metavar="N", help="At most N due clips (default 50)."
        )

    def handle(self, *args, ids, limit, **options):
        progress = ProgressBar(self.stderr._out, enabled=bool(options["verbosity"]))
        if ids:
            clips = list(Clip.objects.filter(pk__in=ids))
            missing = set(ids) - {clip.pk for clip in clips}
            if missing:
                raise CommandError(f"no clip with id {', '.join(map(str, sorted(missing)))}")
            summary = ingest.refresh_clips(clips, progress=progress)
        else:
            summary = ingest.refresh_due(limit, progress=progress)
        for result in summary.failed:
            self.stdout.write(self.style.ERROR(str(result)))
        self.stdout.write(str(summary))
        if summary.failed:
            raise CommandError(f"{len(summary.failed)} of {len(summary.results)} checks failed")
