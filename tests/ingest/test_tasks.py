"""Background jobs run by the real worker command (django-tasks-db's db_worker --batch).

These tests commit (transaction=True): the worker opens its own transactions and
checks connections the way it does in production.
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from catalog import ingest
from catalog.models import Clip, IngestJob, IngestJobItem

pytestmark = pytest.mark.django_db(transaction=True)

PHONEBLOKS = "Phonebloks-oDAw7vW7H0c.info.json"
PETSHOP = "Pet Shop Boys - Did you see me coming-2Hy4bT0ESfc.info.json"


def work():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())


def outcomes(job):
    return [(i.name, i.outcome, i.reason) for i in job.items.order_by("position")]


def test_infojson_job_runs_in_the_worker_with_per_item_results(samples):
    files = [(name, (samples / "infojson" / name).read_bytes()) for name in (PHONEBLOKS, PETSHOP)]
    job = ingest.start_infojson_job([*files, ("broken.info.json", b'{"id": ')])
    assert DBTaskResult.objects.get().status == "READY"

    work()

    job.refresh_from_db()
    assert job.status == "done"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    rows = outcomes(job)
    assert rows[0][:2] == (PHONEBLOKS, "created")
    assert rows[1][:2] == (PETSHOP, "created")
    assert rows[2][:2] == ("broken.info.json", "failed") and rows[2][2]
    assert job.counts() == {"pending": 0, "created": 2, "updated": 0, "unchanged": 0, "failed": 1}
    assert not job.items.exclude(payload="").exists()  # contents dropped once imported


def test_killed_worker_job_resumes_without_duplicates(samples):
    files = [(name, (samples / "infojson" / name).read_bytes()) for name in (PHONEBLOKS, PETSHOP)]
    job = ingest.start_infojson_job(files)
    work()
    first = job.items.get(position=0)
    # As if the worker died after storing the second file but before recording it.
    IngestJob.objects.filter(pk=job.pk).update(
        status="running", finished_at=None, heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    IngestJobItem.objects.filter(job=job, position=1).update(
        outcome="", payload=files[1][1].decode(), done_at=None
    )

    assert ingest.resume_stale_jobs() == [job]
    work()

    job.refresh_from_db()
    assert job.status == "done"
    assert Clip.objects.count() == 2
    assert [o for _, o, _ in outcomes(job)] == ["created", "unchanged"]
    assert job.items.get(position=0).done_at == first.done_at  # done items are skipped


def test_url_job_expands_and_records_each_url(newsroom):
    urls = [newsroom.publish("a", "Clip A"), newsroom.publish("b", "Clip B")]
    dead = newsroom.url("/clips/gone.html")
    job = ingest.start_url_job([*urls, dead], limit=5)

    work()

    job.refresh_from_db()
    assert job.status == "done"
    rows = outcomes(job)
    assert [(name, outcome) for name, outcome, _ in rows] == [
        (urls[0], "created"),
        (urls[1], "created"),
        (dead, "failed"),
    ]
    assert "404" in rows[2][2]


def test_check_due_as_a_service_logs_what_it_queued(newsroom, monkeypatch, caplog):
    ingest.ingest_url(newsroom.publish("alt", "Alt"))
    Clip.objects.update(refreshed_at=None)

    class Stop(Exception):
        pass

    def stop(_seconds):  # one round of the --every loop is enough
        raise Stop

    monkeypatch.setattr("catalog.management.commands.check_due.time.sleep", stop)
    out = io.StringIO()
    with caplog.at_level("INFO", logger="catalog.ingest.jobs"), pytest.raises(Stop):
        call_command("check_due", every=300, stdout=out)
    job = IngestJob.objects.get()
    assert out.getvalue() == ""  # a service's lines go to the log stream, not stdout
    queued = [r.getMessage() for r in caplog.records if r.name == "catalog.ingest.jobs"]
    assert queued == [f"queued {job}"]


def test_check_due_queues_refresh_work_once(newsroom):
    ingest.ingest_url(newsroom.publish("alt", "Alt"))
    Clip.objects.update(refreshed_at=None)

    call_command("check_due", stdout=io.StringIO())
    call_command("check_due", stdout=io.StringIO())  # an open job is not queued twice

    job = IngestJob.objects.get()
    assert job.kind == "refresh"
    work()
    job.refresh_from_db()
    assert job.status == "done"
    assert [o for _, o, _ in outcomes(job)] == ["unchanged"]
    assert Clip.objects.get().refreshed_at is not None
