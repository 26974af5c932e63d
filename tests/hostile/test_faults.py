"""Faults: the worker killed half-way through a batch, two editors importing the same URL at once.

Both run the real commands in their own processes against a scratch database
(tests/hostile/scratch.py) and a local news site, on SQLite and PostgreSQL.
"""

import os
import signal
import threading

JOB_STATE = """
import json
from catalog.models import Clip, IngestJob
job = IngestJob.objects.get(pk={pk})
items = [
    [i.name.rsplit("/", 1)[-1], i.outcome, i.reason, i.clip_id, i.done_at is not None]
    for i in job.items.order_by("position")
]
clips = list(Clip.objects.filter(platform="generic").order_by("external_id").values_list(
    "external_id", "title", "channel__name", "url"))
tags = sorted(Clip.objects.filter(platform="generic").values_list("external_id", "tags__slug"))
print(json.dumps({{"status": job.status, "counts": job.counts(), "items": items,
                   "clips": clips, "tags": tags}}, default=str))
"""

BACKDATE = """
from datetime import timedelta
from django.utils import timezone
IngestJob.objects.filter(pk={pk}).update(heartbeat_at=timezone.now() - timedelta(minutes=20))
"""


def test_a_killed_worker_resumes_and_imports_every_item_exactly_once(scratch, newsroom):
    ids = [f"kill{n}" for n in range(6)]
    urls = [newsroom.publish(i, f"Meldung {i}", f"Bericht #{i}", delay=0.2) for i in ids]
    pk = scratch.python(
        "import json; from catalog import ingest; "
        f"print(json.dumps(ingest.start_url_job({urls!r}).pk))"
    )
    worker = scratch.start("db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.1")
    try:
        newsroom.wait_for("/clips/kill3.html", timeout=60)  # the fourth page is being read
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    assert worker.returncode == -signal.SIGKILL

    # Read the state, then let fifteen minutes pass: the job's heartbeat gets old.
    killed = scratch.python(JOB_STATE.format(pk=pk) + BACKDATE.format(pk=pk))
    assert killed["status"] == "running"
    assert [outcome for _name, outcome, *_ in killed["items"]] == ["created"] * 3 + [""] * 3
    assert killed["counts"]["pending"] == 3
    assert [row[0] for row in killed["clips"]] == ids[:3]  # no half-written fourth clip

    assert f"queued URLs via yt-dlp #{pk}" in scratch.manage("check_due").stdout
    scratch.manage("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    done = scratch.python(JOB_STATE.format(pk=pk))
    assert done["status"] == "done"
    assert done["counts"] == {"pending": 0, "created": 6, "updated": 0, "unchanged": 0, "failed": 0}
    assert [(name, outcome) for name, outcome, *_ in done["items"]] == [
        (f"{i}.html", "created") for i in ids
    ]
    assert all(clip_id and finished for *_, clip_id, finished in done["items"])
    assert [(i, title) for i, title, *_ in done["clips"]] == [(i, f"Meldung {i}") for i in ids]
    assert done["tags"] == [[i, i] for i in ids]
    # Items done before the kill were not fetched again.
    assert newsroom.requests.count("/clips/kill0.html") == 1


def test_two_editors_import_the_same_url_at_the_same_moment(scratch, newsroom):
    url = newsroom.publish(
        "same",
        "Gleichzeitig importiert",
        "Zwei Redakteure, ein Clip. #Doppelt https://ex.org/x",
        parties=2,  # the page is answered once both have asked for it
    )
    results = [None, None]

    def editor(n):
        results[n] = scratch.manage("ingest", "--no-progress", "-v", "2", url, check=False)

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    outputs = sorted(result.stdout for result in results)
    assert [result.returncode for result in results] == [0, 0], outputs
    assert "IntegrityError" not in "".join(r.stdout + r.stderr for r in results)
    summaries = sorted(out.strip().splitlines()[-1] for out in outputs)
    assert summaries[0].startswith("0 created") and summaries[1].startswith("1 created"), summaries
    assert newsroom.requests == ["/clips/same.html"] * 2  # both really fetched it
    host = newsroom.base.removeprefix("http://")
    state = scratch.python(
        "import json; from catalog.models import Channel, Clip, ClipTag, Tag; print(json.dumps(["
        "list(Clip.objects.values_list('external_id', 'title')), "
        f"Channel.objects.filter(name={host!r}).count(), "
        "list(Tag.objects.values_list('slug', flat=True)), ClipTag.objects.count()]))"
    )
    clips, channels, tags, clip_tags = state
    assert [tuple(c) for c in clips if c[0] == "same"] == [("same", "Gleichzeitig importiert")]
    assert channels == 1
    assert "doppelt" in tags and clip_tags >= 1
