from django.core.management.base import BaseCommand, CommandError

from catalog.ingest import IngestError, import_factcheck
from catalog.models import Clip
from catalog.timecode import parse_timecode


class Command(BaseCommand):
    help = (
        "Import a published fact-check from its URL: the page's schema.org ClaimReview "
        "(JSON-LD, microdata or RDFa) becomes a claim of the clip with its rating, "
        "organisation and date. --at puts the claim at that time of the clip (7:42 or "
        "1:02:03). A page without exactly one ClaimReview is refused and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", metavar="URL")
        parser.add_argument("--clip", required=True, type=int, metavar="CLIP_ID")
        parser.add_argument("--at", metavar="TIMECODE", help="e.g. 7:42 or 1:02:03")

    def handle(self, *args, url, clip, at, **options):
        found = Clip.objects.filter(pk=clip).first()
        if found is None:
            raise CommandError(f"no clip with id {clip}")
        try:
            seconds = parse_timecode(at) if at else None
        except ValueError as error:
            raise CommandError(str(error)) from None
        try:
            outcome, review = import_factcheck(url, found, at=seconds)
        except IngestError as error:
            raise CommandError(f"{url}: {error}") from None
        self.stdout.write(
            f"{outcome}: {review.organisation or 'fact-check'} rates "
            f"“{review.claim.text[:80]}” as {review.rating}"
        )
