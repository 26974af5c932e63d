import logging
import time

from django.core.management.base import BaseCommand

from catalog import ingest
from catalog.analysis.pipeline import resume_stale_analyses
from catalog.capture import fixity
from catalog.capture.rules import enqueue_due_captures
from catalog.fingerprint.tasks import enqueue_due_fingerprints

logger = logging.getLogger("catalog.ingest.jobs")


class Command(BaseCommand):
    help = (
        "Queue the periodic work for the background worker: a refresh job if clips are due "
        "for a re-check, a follow job if followed sources are due, captures that capture "
        "rules ask for, fingerprints of new thumbnails and of captured media without one, "
        "and resume jobs, captures and media analyses whose worker died; re-hash the day's "
        "share of stored capture files (fixity). Run it every few minutes (cron, systemd "
        "timer) or with --every."
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
            jobs += resume_stale_analyses()
            lines = [f"queued {job}" for job in jobs]
            fingerprints = enqueue_due_fingerprints()
            if fingerprints:
                lines.append(f"queued fingerprints of {fingerprints} clips")
            checks = fixity.run_due_checks()
            if checks:
                failed = sum(not check.ok for check in checks)
                lines.append(f"fixity: {len(checks)} stored files re-hashed, {failed} failed")
            for line in lines:
                # Run once (cron), it answers on stdout; as a service (--every, the
                # Procfile's clock) its lines join the structured log stream.
                if every > 0:
                    logger.info("%s", line)
                else:
                    self.stdout.write(line)
            if every <= 0:
                return
            time.sleep(every)
