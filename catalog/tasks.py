"""Where tasks queued by earlier versions find their function.

The database task backend stores a task by its dotted path, and the ingest job
task was `catalog.tasks.run_ingest_job` before it moved beside the jobs it runs
(catalog.ingest.jobs). Rows queued under the old path still import it from here.
"""

from catalog.ingest.jobs import run_ingest_job
from catalog.matching.tasks import index_and_suggest_task

# The chain after a capture: catalog.fingerprint's fingerprint_clip_task stores the
# fingerprints; its fingerprint_changed signal queues index_and_suggest_task.
__all__ = ["index_and_suggest_task", "run_ingest_job"]
