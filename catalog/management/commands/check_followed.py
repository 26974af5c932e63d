from django.core.management.base import BaseCommand, CommandError

from catalog import ingest
from catalog.models import FollowedSource


class Command(BaseCommand):
    help = "Ingest new videos of followed channels and playlists (all due ones, or the given ids)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="SOURCE_ID")

    def handle(self, *args, ids, **options):
        if ids:
            sources = list(FollowedSource.objects.filter(pk__in=ids).select_related("channel"))
            if len(sources) != len(set(ids)):
                raise CommandError("unknown followed source id")
        else:
            sources = list(FollowedSource.objects.due().select_related("channel"))
        failed = 0
        for source in sources:
            summary = ingest.check_source(source)
            failed += len(summary.failed)
            self.stdout.write(f"{source}: {source.last_outcome}")
            if source.last_error:
                self.stdout.write(self.style.WARNING(source.last_error))
        if failed:
            raise CommandError(f"{failed} new videos could not be ingested")
