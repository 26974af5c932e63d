"""The ingestion pipeline: every way a clip enters the catalogue.

A source is parsed into a ClipRecord (records.py) and `store` upserts it in
one transaction. The admin, the management commands and background tasks call
only the functions exported here. (Restoring a backup, catalog.backup, and the
generated benchmark catalogue, catalog.benchdata, write rows of their own.)
"""

from pathlib import Path

from .batch import ingest_page, ingest_url, ingest_urls, is_collection_url
from .factchecks import import_factcheck
from .follow import check_source
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
    ChapterRecord,
    ClipRecord,
    LinkRecord,
    RelatedRecord,
    SegmentRecord,
    TagRecord,
    TranscriptRecord,
)
from .refresh import due_clips, refresh_clip, refresh_clips, refresh_due
from .results import IngestError, ItemResult, Outcome, Summary, guarded
from .store import store
from .ytdlp import FetchError

__all__ = [
    "ChannelRecord",
    "ChapterRecord",
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
    "check_source",
    "due_clips",
    "enqueue_due",
    "guarded",
    "import_factcheck",
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
