"""Importing .info.json files: one upload, or folders of thousands from the command line.

A bulk import streams: folders are walked lazily, files are read and parsed in
small batches, and each chunk of parsed files is stored in one transaction
(`store_chunk`); what is held does not grow with the number of files but for
the sorted names of the folder being walked. Reading and parsing a file costs
about as much as storing it, so with hundreds of files to go they are parsed in
other processes while this one stores the chunks before them, in order. Only
parsing runs there: every write stays in this process.
"""

import gc
import logging
import multiprocessing
import os
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import chain, islice
from pathlib import Path

from django.db import DatabaseError

from catalog.search import checks_deferred
from newsclips.processes import start_helper

from .chunks import store_cached, store_chunk
from .infojson import read_infojson
from .results import IngestError, Summary, guarded
from .safejson import MAX_INFOJSON_BYTES
from .store import store

MAX_INFOJSON_FILE = MAX_INFOJSON_BYTES  # a file larger is not even read
# Files read and parsed before their clips are written in one transaction: bounds the
# memory a bulk import holds (parsed records) and how long it holds the write lock.
CHUNK_SIZE = 100
# Files a reading process parses at a time, and batches read ahead per reading process:
# enough to keep this process busy, few enough that memory stays a few chunks.
READ_BATCH = 25
PARALLEL_FROM = 400  # files; fewer are read here (bench/results/ingest.md: the pool costs more)
BATCHES_AHEAD = 8
READER_NICENESS = 5

logger = logging.getLogger(__name__)


def import_infojson(data, *, name):
    """Import the contents (bytes or str) of one .info.json file."""
    return guarded(name, _import_infojson, data, name)


def infojson_paths(paths_or_folders):
    """Files as given; folders walked for *.json (which includes *.info.json).

    Lazily: a folder's names are sorted (so that the same folder always imports
    the same way, the later of two files of one video winning), but no Path is
    kept for a file before its turn comes.
    """
    for path in map(Path, paths_or_folders):
        if path.is_dir():
            yield from _json_files(path)
        else:
            yield path


def _json_files(folder):
    # The folder's own entry types (d_type): no stat() per file. Only the names are
    # held while the folder is walked (70 bytes a file), to sort them.
    names, folders = [], set()
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):  # a link to a parent would loop
                folders.add(entry.name)
                names.append(entry.name)
            elif entry.name.endswith(".json") and entry.is_file():
                names.append(entry.name)
    names.sort()
    for name in names:
        if name in folders:
            yield from _json_files(folder / name)
        else:
            yield folder / name


def ingest_infojson_files(
    paths_or_folders,
    *,
    progress=None,
    chunk_size=CHUNK_SIZE,
    keep_results=True,
    processes=None,
):
    """Import .info.json files and folders of them; each file fails alone.

    Each result is reported (and `progress(done, total, result)` called) once its
    chunk is committed; results keep a ClipRef, not the Clip. With
    `keep_results=False` the summary keeps the counts and the failures only, not
    a result for each of a million files.
    `processes` bounds the reading processes (default: one per CPU; 1 reads here).
    """
    total = sum(1 for _path in infojson_paths(paths_or_folders)) if progress else None
    # Readers take files in small batches, so that they share each chunk between them.
    batches = _batches(infojson_paths(paths_or_folders), min(READ_BATCH, chunk_size))
    summary = Summary(keep_all=keep_results)
    # A channel that grows by thousands of clips is checked for boilerplate once, at the end.
    with checks_deferred(), _collector_spared():
        parsed = chain.from_iterable(_parsed_batches(batches, processes))
        for chunk in _batches(parsed, chunk_size):
            for result in _store_parsed(chunk):
                result = summary.add(result.compact())
                if progress is not None:
                    progress(summary.total, total, result)
    return summary


@contextmanager
def _collector_spared():
    """Keep the objects that exist before the import out of the garbage collector's walks.

    An import allocates millions of short-lived objects, and every so often the
    collector walks all objects, the long-lived ones of Django included; in a
    forked reader each walk also copies the pages it touches. Frozen, they are
    walked no more until the import ends (a tenth of its time with readers,
    see bench/results/ingest.md).
    """
    if gc.get_freeze_count():  # frozen by someone else (a pre-forking server): theirs to undo
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _batches(items, size):
    while batch := list(islice(items, size)):
        yield batch


class _Parsed:
    """A file read and parsed, waiting for its chunk to be stored."""

    def __init__(self, record):
        self.record = record
        self.name = ""


def _read_batch(paths):
    """Each file read and parsed into a _Parsed, or the ItemResult of its failure."""
    return [guarded(str(path), _read_infojson_file, path) for path in paths]


def _store_parsed(parsed):
    items = [(p.name, p.record) for p in parsed if isinstance(p, _Parsed)]

    def store_one(name, record, cache):
        return guarded(name, store_cached, record, cache=cache)

    try:
        stored = iter(store_chunk(items, store_one=store_one) if items else ())
    except DatabaseError:
        # The chunk could not be committed as a whole: store each clip on its own.
        stored = iter([guarded(name, store, record) for name, record in items])
    return [next(stored) if isinstance(p, _Parsed) else p for p in parsed]


def _parsed_batches(batches, processes):
    """The batches of files read and parsed, in order: here, or ahead in worker processes.

    With at least PARALLEL_FROM files to go, a pool of processes reads a few
    batches ahead while the caller stores what was read before; fewer files are
    read here, as starting the pool would cost more than it saves.
    """
    processes = processes or os.process_cpu_count() or 1
    first, files = [], 0
    for batch in batches if processes > 1 else ():
        first.append(batch)
        files += len(batch)
        if files >= PARALLEL_FROM:
            yield from _read_ahead(chain(first, batches), processes)
            return
    yield from map(_read_batch, chain(first, batches))


def _read_ahead(batches, processes):
    readers = _Readers(processes)
    pending = deque()
    try:
        for batch in batches:
            pending.append((batch, readers.submit(batch)))
            if len(pending) > BATCHES_AHEAD * processes:
                yield readers.result(*pending.popleft())
        while pending:
            yield readers.result(*pending.popleft())
    finally:
        readers.pool.shutdown(cancel_futures=True)


class _Readers:
    """The pool of reading processes; once one dies, the rest is read in this process."""

    def __init__(self, processes):
        self.broken = False
        self.pool = ProcessPoolExecutor(
            processes,
            mp_context=_process_context(),
            # Storing is the one step that cannot be shared out: readers yield the CPU to it.
            initializer=start_helper,
            initargs=(READER_NICENESS,),
        )

    def submit(self, batch):
        if self.broken:
            return None
        try:
            return self.pool.submit(_read_batch, batch)
        except BrokenProcessPool:
            self._broke()
            return None

    def result(self, batch, future):
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                self._broke()
        return _read_batch(batch)

    def _broke(self):
        # Killed, out of memory, or could not start: what it had not read is read here.
        if not self.broken:
            logger.warning("a process reading .info.json files died; reading on in this one")
        self.broken = True


def _process_context():
    # fork starts a reader in milliseconds with Django set up; with other threads
    # running (a connection pool's), forking could copy a lock held mid-operation.
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver")


def _import_infojson(data, name):
    return store(read_infojson(data, name=name), name=name)


def _read_infojson_file(path):
    data = read_file(path, max_bytes=MAX_INFOJSON_FILE)
    return _Parsed(read_infojson(data, name=str(path)))


def read_file(path, *, max_bytes=None):
    """The bytes of a file an editor named, or an IngestError saying why not."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise IngestError(f"is {_megabytes(size)}; the limit is {_megabytes(max_bytes)}")
        return path.read_bytes()
    except FileNotFoundError:
        raise IngestError("no such file") from None
    except IsADirectoryError:
        raise IngestError("is a folder, not a file") from None
    except OSError as error:
        raise IngestError(f"cannot be read ({error.strerror})") from None


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"
