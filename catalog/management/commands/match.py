from django.core.management.base import BaseCommand, CommandError

from catalog.matching.index import older_entries, reindex
from catalog.matching.report import match_line
from catalog.matching.suggest import MatchFailed, match_file, match_url


class Command(BaseCommand):
    help = (
        "Have we seen this? Fingerprint a media FILE (or the media at a URL, fetched with "
        "yt-dlp into a temporary folder under the network guard) and print the catalogued "
        "clips it matches, best first, one per line: clip id, kind (re-upload, excerpt, "
        "contains, shared footage, same thumbnail), score, and the matching time ranges in "
        "the catalogued clip and in the file as m:ss-m:ss. Exits non-zero when the media "
        "cannot be fetched or fingerprinted. With --reindex instead: bring the matching "
        "index in step with the stored fingerprints (after a restore, a worker that died "
        "between fingerprinting and indexing, or an upgrade that changed the index's keys)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE|URL", nargs="?")
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Index every clip whose fingerprints or the index's key functions changed "
            "since it was indexed.",
        )

    def handle(self, *args, source, **options):
        if options["reindex"]:
            if source:
                raise CommandError("--reindex takes no FILE or URL")
            older = older_entries()
            changed, unchanged = reindex()
            line = f"{changed} clips indexed again, {unchanged} already in step"
            if older:
                line += f" ({older} of them made by older key functions)"
            self.stdout.write(line)
            return
        if not source:
            raise CommandError("give a FILE or URL to match, or --reindex")
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
