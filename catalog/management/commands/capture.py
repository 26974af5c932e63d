from django.core.management.base import BaseCommand, CommandError

from catalog.capture.jobs import due_captures, request_capture, run_capture
from catalog.capture.rules import enqueue_due_captures
from catalog.models import Capture, Clip


class Command(BaseCommand):
    help = (
        "Capture clips now (media, thumbnail, subtitles, .info.json and the page, signed and "
        "time-stamped) and wait for them: the given CLIP_IDs, or with --due the captures that "
        "are queued and those capture rules ask for. Exits non-zero naming each failure."
    )

    def add_arguments(self, parser):
        parser.add_argument("clip_ids", nargs="*", type=int, metavar="CLIP_ID")
        parser.add_argument(
            "--due", action="store_true", help="Run the queued captures and the rules' captures."
        )

    def handle(self, *args, clip_ids, due, **options):
        if not clip_ids and not due:
            raise CommandError("give CLIP_IDs or --due")
        failures, captures = [], []
        clips = Clip.objects.in_bulk(clip_ids)
        for clip_id in clip_ids:
            if clip_id not in clips:
                failures.append(f"clip #{clip_id}: no such clip")
                continue
            captures.append(request_capture(clips[clip_id], enqueue=False))
        if due:
            enqueue_due_captures()
            captures += [c for c in due_captures() if c.pk not in {x.pk for x in captures}]
        for capture in captures:
            # This process is the worker for these: one attempt each, no per-host wait.
            status = run_capture(capture.pk, retry=False, host_limit=False)
            capture = Capture.objects.select_related("clip").get(pk=capture.pk)
            name = f"clip #{capture.clip_id} ({capture.clip.title[:60]}), capture #{capture.pk}"
            if status == Capture.Status.COMPLETE:
                media = capture.media_file()
                sha = f" media sha256 {media.stored_file.sha256}" if media else ""
                self.stdout.write(f"{name}: complete,{sha}")
            elif status == Capture.Status.RUNNING:
                failures.append(f"{name}: running in another worker")
            else:
                failures.append(f"{name}: {capture.reason or status}")
        for line in failures:
            self.stderr.write(f"failed: {line}")
        if failures:
            missing = len(clip_ids) - len(clips)
            raise CommandError(f"{len(failures)} of {len(captures) + missing} captures failed")
