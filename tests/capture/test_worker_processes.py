"""Captures in real worker processes: one killed mid-download, two running at once."""

import hashlib
import os
import signal
import subprocess
import sys
import time

from tests.deployed import ROOT, manage, production_env

from .media import page_html

CREATE_CLIP = (
    "from catalog.ingest import ClipRecord, store; "
    "print(store(ClipRecord(platform='web', external_id='killed', title='Killed', "
    "source='editor', url='{url}')).clip.pk)"
)
STATUS = (
    "from catalog.models import Capture; c = Capture.objects.get(); print(c.status, c.attempts)"
)


def test_a_killed_capture_resumes_from_its_part_file(tmp_path, media_site):
    env = production_env(
        tmp_path,
        NEWSCLIPS_ALLOW_PRIVATE_URLS="1",
        NEWSCLIPS_CAPTURE_STALE_SECONDS="2",
        DJANGO_LOG_FORMAT="text",
    )
    assert manage("migrate", "--verbosity=0", env=env).returncode == 0
    # Larger than yt-dlp's 1 MiB read, so that a first block reaches the disk.
    media = os.urandom(3 * 1024 * 1024)
    media_site.files["/media/big.mp4"] = media
    media_site.files["/big/"] = page_html(media_site.base, "/media/big.mp4")
    made = manage("shell", "-c", CREATE_CLIP.format(url=media_site.url("/big/")), env=env)
    clip_id = made.stdout.split()[-1]
    assert clip_id.isdigit(), made.stderr

    half = len(media) // 2
    media_site.behaviour["/media/big.mp4"] = "stall"  # half the bytes, then it hangs
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "capture", clip_id],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    part = tmp_path / "data" / "capture-work" / "capture-1" / "media.mp4.part"
    try:
        deadline = time.monotonic() + 240  # Django and yt-dlp start slowly on a busy machine
        while not (part.exists() and part.stat().st_size > 0):
            assert time.monotonic() < deadline, "the download never started"
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-2000:]
            time.sleep(0.1)
        time.sleep(0.5)  # the stalled response has sent all it will
    finally:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        log.close()
    kept = part.stat().st_size  # what reached the disk; the rest died with the process
    asked_before = len(media_site.requests)
    assert 0 < kept <= half
    media_site.behaviour.pop("/media/big.mp4")
    media_site.release.set()

    assert manage("shell", "-c", STATUS, env=env).stdout.split()[-2:] == ["running", "1"]
    assert not [p for p in (tmp_path / "data" / "captures").rglob("*") if p.is_file()]
    time.sleep(2.5)  # the dead worker's heartbeat goes stale

    resumed = manage("capture", "--due", env=env)
    assert resumed.returncode == 0, resumed.stderr
    sha = hashlib.sha256(media).hexdigest()
    assert f"complete, media sha256 {sha}" in resumed.stdout
    after = media_site.requests[asked_before:]
    ranges = [r for path, r in after if path == "/media/big.mp4" and r != "HEAD"]
    # The generic extractor's look at the media URL (it reads the first bytes), then the
    # download resumes where the killed one stopped: nothing is downloaded again.
    assert ranges == [None, f"bytes={kept}-"]
    stored = tmp_path / "data" / "captures" / "sha256" / sha[:2] / sha[2:4] / sha
    out = subprocess.run(["sha256sum", str(stored)], capture_output=True, text=True, check=True)
    assert out.stdout.split()[0] == sha
    assert manage("shell", "-c", STATUS, env=env).stdout.split()[-2:] == ["complete", "2"]


TWO_CAPTURES = (
    "from catalog.models import Capture, Clip; clip = Clip.objects.get(); "
    "[Capture.objects.create(clip=clip, source_url=clip.url, host='127.0.0.1') for _ in '12']"
)
RESULT = (
    "from catalog.models import Capture as C; "
    "[print(c.pk, c.status, sorted((f.name, f.stored_file.sha256) for f in c.files.all())) "
    "for c in C.objects.order_by('pk')]"
)


def test_two_workers_capturing_one_clip_end_with_two_whole_captures(tmp_path, media_site):
    env = production_env(tmp_path, NEWSCLIPS_ALLOW_PRIVATE_URLS="1", DJANGO_LOG_FORMAT="text")
    assert manage("migrate", "--verbosity=0", env=env).returncode == 0
    made = manage("shell", "-c", CREATE_CLIP.format(url=media_site.url("/v/")), env=env)
    assert made.returncode == 0, made.stderr
    assert manage("shell", "-c", TWO_CAPTURES, env=env).returncode == 0
    media_site.behaviour["/media/clip.mp4"] = "slow"  # both downloads overlap
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "capture", "--due"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=600) for worker in workers]
    finished = {
        line.split(":")[0]
        for out, _err in outputs
        for line in out.splitlines()
        if "complete" in line
    }
    assert len(finished) == 2, outputs  # both captures complete
    result = manage("shell", "-c", RESULT, env=env).stdout.splitlines()[-2:]
    first, second = (line.split(" ", 2) for line in result)
    assert first[1] == second[1] == "complete"
    # The same files, each whole: identical bytes are one stored file.
    media = [first[2], second[2]]
    sha = hashlib.sha256(media_site.files["/media/clip.mp4"]).hexdigest()
    assert all(f"('media.mp4', '{sha}')" in line for line in media)
    stored = list((tmp_path / "data" / "captures").rglob("*"))
    assert not [p for p in stored if p.name.endswith(".tmp")]
