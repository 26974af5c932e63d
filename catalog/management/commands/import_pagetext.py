from django.core.management.base import BaseCommand, CommandError

from catalog import ingest


class Command(BaseCommand):
    help = "Import the text of video pages (as copied from a video mirror site) from files."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--channel", default="", metavar="NAME", help="The channel's name.")
        parser.add_argument(
            "--source-url", default="", metavar="URL", help="Where the text was copied from."
        )

    def handle(self, *args, files, channel, source_url, **options):
        summary = ingest.import_pagetext_files(files, channel_name=channel, source_url=source_url)
        for result in summary.results:
            style = (
                self.style.ERROR if result.outcome is ingest.Outcome.FAILED else self.style.SUCCESS
            )
            self.stdout.write(style(str(result)))
        self.stdout.write(str(summary))
        if summary.failed:
            raise CommandError(f"{len(summary.failed)} of {len(summary.results)} files failed")
