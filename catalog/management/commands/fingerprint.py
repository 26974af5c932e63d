from django.core.management.base import BaseCommand, CommandError

from catalog.fingerprint.jobs import fingerprint_clips
from catalog.management.clip_arguments import add_clip_arguments, chosen_clip_ids
from catalog.models import Clip


class Command(BaseCommand):
    help = (
        "Compute the fingerprints of clips: PDQ frame hashes and the Chromaprint audio print "
        "of each clip's captured media, and the PDQ hash of its thumbnail (fetched through "
        "the network guard). What is already computed from the same bytes with the same tool "
        "versions is left alone. A clip that fails is named with the reason, the rest go on; "
        "the exit status is non-zero if any failed."
    )

    def add_arguments(self, parser):
        add_clip_arguments(parser)
        parser.add_argument(
            "--force", action="store_true", help="Compute again even what is up to date."
        )
        parser.add_argument(
            "--no-thumbnails", action="store_false", dest="thumbnails", help="Media only."
        )

    def handle(self, *args, ids, every_clip, force, thumbnails, **options):
        ids = chosen_clip_ids(ids, every_clip, verb="fingerprint")
        clips = Clip.objects.all() if ids is None else Clip.objects.filter(pk__in=ids)
        counts, failed = {}, set()
        for result in fingerprint_clips(clips, force=force, thumbnails=thumbnails):
            outcome = str(result.outcome or "skipped")
            counts[outcome] = counts.get(outcome, 0) + 1
            if result.failed:
                failed.add(result.clip_id)
                self.stdout.write(self.style.ERROR(str(result)))
            elif result.outcome in ("created", "updated") or options["verbosity"] > 1:
                self.stdout.write(str(result))
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items()))
        self.stdout.write(f"fingerprints: {summary or 'no clips'}")
        if failed:
            raise CommandError(
                f"fingerprinting failed for clip {', '.join(map(str, sorted(failed)))}"
            )
