from django.core.management.base import BaseCommand

from catalog import ingest
from catalog.demo import demo_records
from catalog.models import Clip


class Command(BaseCommand):
    help = "Load the demo catalogue through the ingestion pipeline, if the catalogue is empty."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load even if the catalogue has clips."
        )

    def handle(self, *args, force, **options):
        if Clip.objects.exists() and not force:
            self.stdout.write("The catalogue has clips already; demo data not loaded.")
            return
        # Related links to clips stored later are resolved when those clips arrive.
        summary = ingest.Summary()
        for record in demo_records():
            summary.add(ingest.guarded(record.external_id, ingest.store, record))
        self.stdout.write(self.style.SUCCESS(f"Demo catalogue: {summary}"))
