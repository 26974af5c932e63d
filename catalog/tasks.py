"""Where tasks queued by earlier versions find their function.

The database task backend stores a task by its dotted path, and the ingest job
task was `catalog.tasks.run_ingest_job` before it moved beside the jobs it runs
(catalog.ingest.jobs). Rows queued under the old path still import it from here.
"""

from catalog.ingest.jobs import run_ingest_job

__all__ = ["run_ingest_job"]
