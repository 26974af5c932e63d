"""Stop keys: a key held by more clips than the cap (a channel's jingle) is skipped by
lookups, noted when it crosses the cap, counted again by refresh_stop_keys."""

import hashlib

import numpy as np
import pytest

from catalog.fingerprint.mediaprint import MediaPrint
from catalog.matching import index
from catalog.matching.index import candidates, index_clip, keys_of, refresh_stop_keys
from catalog.matching.lookup import match_print
from catalog.models import MediaFingerprint, StopKey, StoredFile
from tests.factories import make_clip

pytestmark = pytest.mark.django_db

AUDIO_STEP = 0.124
RNG = np.random.default_rng(7)
JINGLE = RNG.integers(0, 2**32, size=24, dtype=np.uint32)  # three seconds


def audio_print(values):
    values = np.asarray(values, dtype="<u4")
    return MediaPrint(
        duration=len(values) * AUDIO_STEP,
        frame_step=1.0,
        frame_hashes=b"",
        frame_quality=b"",
        audio_step=AUDIO_STEP,
        audio=values.tobytes(),
    )


def catalogue(n, cap, monkeypatch):
    """n clips, each the jingle and then 30 seconds of its own sound, indexed in turn."""
    monkeypatch.setattr(index, "KEY_CAP", cap)
    clips = []
    for i in range(n):
        own = RNG.integers(0, 2**32, size=240, dtype=np.uint32)
        media = audio_print(np.concatenate([JINGLE, own]))
        clip = make_clip(f"Bulletin {i}", url=f"https://video.example.com/v/{i}")
        stored = StoredFile.objects.create(
            sha256=hashlib.sha256(media.audio).hexdigest(), size=len(media.audio)
        )
        MediaFingerprint.objects.create(
            clip=clip,
            stored_file=stored,
            duration=media.duration,
            audio_step=AUDIO_STEP,
            audio=media.audio,
        )
        index_clip(clip.pk)
        clips.append((clip, media))
    return clips


def jingle_keys():
    return keys_of(audio_print(JINGLE))


def test_a_key_below_the_cap_is_looked_up(monkeypatch):
    clips = catalogue(3, 3, monkeypatch)
    assert not StopKey.objects.exists()
    assert set(candidates(jingle_keys())) == {clip.pk for clip, _media in clips}


def test_a_key_held_by_more_clips_than_the_cap_is_skipped(monkeypatch):
    clips = catalogue(5, 3, monkeypatch)
    # Noted when the fourth clip arrived, not counted again after that.
    assert set(StopKey.objects.values_list("key", "clips")) == {(k, 4) for k in jingle_keys()}
    assert candidates(jingle_keys()) == {}
    # A clip is still found by its own sound, the jingle no longer brings the others.
    clip, media = clips[1]
    assert set(candidates(keys_of(media))) == {clip.pk}
    [match] = match_print(media)
    assert (match.clip_id, match.kind) == (clip.pk, "re-upload")


def test_refresh_counts_again_after_clips_left(monkeypatch):
    clips = catalogue(5, 3, monkeypatch)
    for clip, _media in clips[:3]:
        clip.delete()
    assert refresh_stop_keys() == 0
    assert set(candidates(jingle_keys())) == {clip.pk for clip, _media in clips[3:]}
    monkeypatch.setattr(index, "KEY_CAP", 1)
    assert refresh_stop_keys() == len(jingle_keys())
    assert set(StopKey.objects.values_list("clips", flat=True)) == {2}
