from django.core.management.base import BaseCommand

from catalog.models import Channel
from catalog.search import detect_boilerplate


class Command(BaseCommand):
    help = (
        "Detect each channel's boilerplate (lines repeated under many of its clips), which "
        "search leaves out and the clip page folds away. Imports keep it up to date; run "
        "this after loading clips in bulk, or with channel ids to redo those channels."
    )

    def add_arguments(self, parser):
        parser.add_argument("channel_ids", nargs="*", type=int, metavar="CHANNEL_ID")

    def handle(self, *args, channel_ids, **options):
        with_lines = detect_boilerplate(channel_ids or None)
        total = len(channel_ids) if channel_ids else Channel.objects.count()
        self.stdout.write(f"{with_lines} of {total} channels have boilerplate")
