from django.core.management.base import BaseCommand

from catalog.models import Channel
from catalog.search import after_bulk_load


class Command(BaseCommand):
    help = (
        "Detect each channel's boilerplate (lines repeated under many of its clips, which "
        "search leaves out and the clip page folds away) and compact the search index. "
        "Imports keep both up to date; run this after loading clips in bulk."
    )

    def handle(self, *args, **options):
        with_boilerplate = after_bulk_load()
        total = Channel.objects.count()
        self.stdout.write(f"{with_boilerplate} of {total} channels have boilerplate")
