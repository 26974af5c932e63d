"""Background tasks (django.tasks, run by `manage.py db_worker`).

One task runs every kind of IngestJob (URLs, .info.json uploads, due
refreshes, followed sources): the job row holds what to do and records each
item's outcome, so the editor follows progress in the admin and a re-run after
a crash resumes where the last one stopped. Arguments are ids only, so they
stay JSON-serialisable and small.
"""

from django.tasks import task

from catalog import ingest


@task
def run_ingest_job(job_id):
    """Run the IngestJob `job_id`; return its counts per outcome."""
    return ingest.run_job(job_id)
