import logging
import time

from django.core.management.base import BaseCommand

from catalog import ingest
from catalog.capture.rules import enqueue_due_captures

logger = logging.getLogger("catalog.ingest.jobs")


class Command(BaseCommand):
    help = (
        "Queue the periodic work for the background worker: a refresh job if clips are due "
        "for a re-check, a follow job if followed sources are due, captures that capture "
        "rules ask for, and resume jobs and captures whose worker died. Run it every few "
        "minutes (cron, systemd timer) or with --every."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running and queue due work every SECONDS (e.g. 300).",
        )

    def handle(self, *args, every, **options):
        while True:
            jobs = ingest.enqueue_due() + ingest.resume_stale_jobs() + enqueue_due_captures()
            for job in jobs:
                # Run once (cron), it answers on stdout; as a service (--every, the
                # Procfile's clock) its lines join the structured log stream.
                if every > 0:
                    logger.info("queued %s", job)
                else:
                    self.stdout.write(f"queued {job}")
            if every <= 0:
                return
            time.sleep(every)
