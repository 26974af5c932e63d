from django.core.management.base import BaseCommand, CommandError

from catalog.capture import verify
from catalog.models import Clip


class Command(BaseCommand):
    help = (
        "Verify the complete captures of clips: re-hash every stored file, check the "
        "manifest's signature and every RFC 3161 timestamp. Names each clip, capture, file "
        "and proof that fails and exits non-zero if any does. Each verification is written "
        "to the clip's custody log."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="CLIP_ID")
        parser.add_argument(
            "--all", action="store_true", dest="every_clip", help="Every clip's captures."
        )

    def handle(self, *args, ids, every_clip, **options):
        if bool(ids) == every_clip:
            raise CommandError("name the clips to verify (CLIP_ID ...) or --all, not both")
        if ids:
            found = set(Clip.objects.filter(pk__in=ids).values_list("pk", flat=True))
            missing = sorted(set(ids) - found)
            if missing:
                raise CommandError(f"no clip with id {', '.join(map(str, missing))}")
        results = list(verify.verify_clips(ids or None))
        failed = [result for result in results if not result.ok]
        for result in results:
            if result.ok:
                if options["verbosity"] > 1:
                    self.stdout.write(str(result))
            else:
                self.stdout.write(self.style.ERROR(str(result)))
        captures = {result.capture_id for result in results}
        verified_clips = {result.clip_id for result in results}
        for clip_id in ids:
            if clip_id not in verified_clips:
                self.stdout.write(f"clip {clip_id}: no complete capture to verify")
        self.stdout.write(
            f"{len(captures)} captures of {len(verified_clips)} clips: {len(results)} checks, "
            f"{len(failed)} failed"
        )
        if failed:
            bad = sorted({result.clip_id for result in failed})
            raise CommandError(
                f"verification failed for clip {', '.join(map(str, bad))} "
                f"({len(failed)} of {len(results)} checks)"
            )
