"""The ingestion pipeline: every way a clip enters the catalogue.

A source is parsed into a ClipRecord (records.py) and `store` upserts it in
one transaction. The admin, the management commands and background tasks call
only the functions exported here; nothing else writes clips.
"""

import logging
from pathlib import Path

from .batch import ingest_page, ingest_url, ingest_urls, is_collection_url
from .follow import check_due_sources, check_source
from .infojson_files import import_infojson, ingest_infojson_files, read_file
from .jobs import (
    enqueue_due,
    requeue_job,
    resume_stale_jobs,
    run_job,
    start_follow_job,
    start_infojson_job,
    start_refresh_job,
    start_url_job,
)
from .pagetext import parse_pagetext
from .records import (
    ChannelRecord,
    ClipRecord,
    LinkRecord,
    RelatedRecord,
    SegmentRecord,
    TagRecord,
    TranscriptRecord,
)
from .refresh import due_clips, refresh_clip, refresh_clips, refresh_due
from .results import IngestError, ItemResult, Outcome, Summary
from .store import store
from .ytdlp import FetchError

__all__ = [
    "ChannelRecord",
    "ClipRecord",
    "FetchError",
    "IngestError",
    "ItemResult",
    "LinkRecord",
    "Outcome",
    "RelatedRecord",
    "SegmentRecord",
    "Summary",
    "TagRecord",
    "TranscriptRecord",
    "check_due_sources",
    "check_source",
    "due_clips",
    "enqueue_due",
    "guarded",
    "import_infojson",
    "import_pagetext",
    "import_pagetext_files",
    "ingest_infojson_files",
    "ingest_page",
    "ingest_url",
    "ingest_urls",
    "is_collection_url",
    "parse_pagetext",
    "refresh_clip",
    "refresh_clips",
    "refresh_due",
    "requeue_job",
    "resume_stale_jobs",
    "run_job",
    "start_follow_job",
    "start_infojson_job",
    "start_refresh_job",
    "start_url_job",
    "store",
]

logger = logging.getLogger(__name__)


def guarded(name, import_one, *args, **kwargs):
    """Run one item of a batch: its failure is reported by name and reason, never raised.

    An IngestError carries a reason meant for the editor; anything else is a bug,
    logged with its traceback, and still must not stop the rest of the batch.
    """
    try:
        result = import_one(*args, **kwargs)
    except IngestError as error:
        return ItemResult(name=name, outcome=Outcome.FAILED, reason=error.reason)
    except Exception as error:
        logger.exception("import of %s failed", name)
        return ItemResult(
            name=name, outcome=Outcome.FAILED, reason=f"internal error ({type(error).__name__})"
        )
    result.name = name
    return result


def import_pagetext(text, *, name="pasted text", channel_name="", source_url=""):
    """Import the text of one video page (str or bytes)."""
    return guarded(name, _import_text, text, channel_name, source_url)


def import_pagetext_files(paths, *, channel_name="", source_url=""):
    """Import page-text files; each one that cannot be read or parsed fails alone."""
    summary = Summary()
    for path in map(Path, paths):
        summary.add(guarded(str(path), _import_file, path, channel_name, source_url))
    return summary


def _import_text(text, channel_name, source_url):
    return store(parse_pagetext(text, source_url=source_url, channel_name=channel_name))


def _import_file(path, channel_name, source_url):
    return _import_text(read_file(path), channel_name, source_url)
