from django.core.management.base import BaseCommand, CommandError

from catalog.capture import verify
from catalog.management.clip_arguments import add_clip_arguments, chosen_clip_ids


class Command(BaseCommand):
    help = (
        "Verify the complete captures of clips: re-hash every stored file, check the "
        "manifest's signature and every RFC 3161 timestamp. Names each clip, capture, file "
        "and proof that fails and exits non-zero if any does. Each verification is written "
        "to the clip's custody log."
    )

    def add_arguments(self, parser):
        add_clip_arguments(parser, every_help="Every clip's captures.")

    def handle(self, *args, ids, every_clip, **options):
        ids = chosen_clip_ids(ids, every_clip, verb="verify") or []
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
