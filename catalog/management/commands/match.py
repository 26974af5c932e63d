from django.core.management.base import BaseCommand, CommandError

from catalog.matching import match_file, match_url
from catalog.matching.report import match_line
from catalog.matching.suggest import MatchFailed


class Command(BaseCommand):
    help = (
        "Have we seen this? Fingerprint a media FILE (or the media at a URL, fetched with "
        "yt-dlp into a temporary folder under the network guard) and print the catalogued "
        "clips it matches, best first, one per line: clip id, kind (re-upload, excerpt, "
        "contains, shared footage, same thumbnail), score, and the matching time ranges in "
        "the catalogued clip and in the file as m:ss-m:ss. Exits non-zero when the media "
        "cannot be fetched or fingerprinted."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE|URL")

    def handle(self, *args, source, **options):
        try:
            if source.startswith(("http://", "https://")):
                matches = match_url(source)
            else:
                matches = match_file(source)
        except MatchFailed as error:
            raise CommandError(f"{source}: {error}") from None
        for match in matches:
            self.stdout.write(match_line(match))
        if options["verbosity"] > 0:
            self.stderr.write(f"{len(matches)} matching clips")
