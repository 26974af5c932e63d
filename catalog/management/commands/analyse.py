from django.core.management.base import BaseCommand, CommandError

from catalog.analysis.pipeline import analyse_clips


class Command(BaseCommand):
    help = (
        "Analyse clips' captured media now and wait: keyframes at shot changes and the text "
        "shown on screen (Tesseract), for the latest complete capture of each CLIP_ID, or "
        "without CLIP_IDs of every clip whose capture is not analysed yet. A complete "
        "analysis is left alone (--again starts over); an interrupted one resumes. Exits "
        "non-zero naming each failure; the other clips go on."
    )

    def add_arguments(self, parser):
        parser.add_argument("clip_ids", nargs="*", type=int, metavar="CLIP_ID")
        parser.add_argument(
            "--again", action="store_true", help="Start over: read keyframes and text anew."
        )

    def handle(self, *args, clip_ids, again, **options):
        outcomes = analyse_clips(clip_ids or None, again=again)
        failures = [outcome for outcome in outcomes if outcome.status == "failed"]
        for outcome in outcomes:
            line = f"clip #{outcome.clip_id}: {outcome.status}: {outcome.detail}"
            if outcome.status == "failed":
                self.stderr.write(f"failed: {line}")
            else:
                self.stdout.write(line)
        if not outcomes:
            self.stdout.write("nothing to analyse")
        if failures:
            raise CommandError(f"{len(failures)} of {len(outcomes)} clips failed")
