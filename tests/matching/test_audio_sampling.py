"""Audio keys sampled by content: one Chromaprint value in AUDIO_SAMPLE is a key, chosen by
the value alone, so copies keep the values they share; an index built before (every
value a key) still answers and `match --reindex` shrinks it. Queries look up every
second distinct frame."""

import io

import numpy as np
import pytest
from django.core.management import call_command

from catalog.matching.index import index_clip, keys_of, signature_of, stored_print
from catalog.matching.keys import (
    AUDIO,
    AUDIO_SAMPLE,
    FRAME,
    KEYS_VERSION,
    audio_keys,
    sampled_audio,
)
from catalog.matching.lookup import QUERY_FRAME_STRIDE, REUPLOAD, match_print
from catalog.models import IndexedClip, MatchKey

RNG = np.random.default_rng(12)


def audio_of(media_print):
    return np.frombuffer(bytes(media_print.audio), dtype="<u4")


def frame_keys(keys):
    return {key for key in keys if key >> 38 == FRAME}


def audio_rows(clip):
    return MatchKey.objects.filter(clip=clip, key__gte=AUDIO << 38).count()


def test_a_value_is_in_or_out_whatever_comes_with_it():
    values = RNG.integers(0, 2**32, size=5000, dtype=np.uint32)
    kept = sampled_audio(values)
    assert kept.any() and not kept.all()
    order = RNG.permutation(len(values))
    assert (sampled_audio(values[order]) == kept[order]).all()
    assert [bool(sampled_audio([v])[0]) for v in values[:200]] == kept[:200].tolist()
    # As stored (uint32) or as read back into int64: the same choice.
    assert (sampled_audio(values.astype(np.int64)) == kept).all()


@pytest.mark.parametrize(
    "values",
    [
        RNG.integers(0, 2**32, size=20_000, dtype=np.uint32),
        # Chromaprint's low bits are one classifier's: values differing only there.
        np.arange(20_000, dtype=np.uint32),
        np.arange(0, 20_000 * 64, 64, dtype=np.uint32),
    ],
    ids=["random", "consecutive", "low bits zero"],
)
def test_about_one_value_in_the_sample_is_kept(values):
    share = sampled_audio(values).mean()
    assert 0.8 / AUDIO_SAMPLE < share < 1.25 / AUDIO_SAMPLE
    assert sampled_audio(values, 1).all()


@pytest.mark.parametrize("name", ["original", "long"])
def test_a_clips_audio_keys_shrink_by_about_the_sample(media, name):
    values = audio_of(media.print_of(name))
    every, sampled = audio_keys(values, 1), audio_keys(values)
    assert sampled < every
    assert AUDIO_SAMPLE * 0.6 < len(every) / len(sampled) < AUDIO_SAMPLE * 1.6


@pytest.mark.parametrize("copy", ["reencoded", "still", "slower"])
def test_a_copy_keeps_the_sampled_values_it_shares(media, copy):
    original, other = audio_of(media.print_of("original")), audio_of(media.print_of(copy))
    shared = audio_keys(original, 1) & audio_keys(other, 1)
    kept_shared = audio_keys(original) & audio_keys(other)
    # Exactly the shared values that are sampled: none lost on one side only.
    assert kept_shared == {key for key in shared if sampled_audio([key & 0xFFFFFFFF])[0]}
    assert len(kept_shared) >= 4


@pytest.mark.django_db
def test_an_index_built_before_sampling_answers_and_reindex_shrinks_it(catalogued, media):
    original = catalogued("original")
    index_clip(original.pk)
    sampled = audio_rows(original)
    # As the previous key functions left it: every audio value a key, an older signature.
    MatchKey.objects.bulk_create(
        MatchKey(key=key, clip=original)
        for key in audio_keys(audio_of(stored_print(original.pk)), 1)
        - set(MatchKey.objects.filter(clip=original).values_list("key", flat=True))
    )
    entry = IndexedClip.objects.get(clip=original)
    entry.signature = entry.signature.removeprefix(f"k{KEYS_VERSION};")
    entry.save()
    assert audio_rows(original) > 5 * sampled
    [match] = match_print(media.print_of("still"))  # the query's keys: a subset
    assert (match.clip_id, match.kind) == (original.pk, REUPLOAD)

    out = io.StringIO()
    call_command("match", reindex=True, stdout=out)
    assert out.getvalue().strip() == (
        "1 clips indexed again, 0 already in step (1 of them made by older key functions)"
    )
    assert audio_rows(original) == sampled
    entry.refresh_from_db()
    assert entry.signature == signature_of(stored_print(original.pk), None)
    assert entry.signature.startswith(f"k{KEYS_VERSION};")
    [match] = match_print(media.print_of("still"))
    assert match.clip_id == original.pk


def test_a_query_looks_up_every_second_frame_and_every_sampled_value(media):
    # The index keeps every distinct frame; a query's half of them still meets its copy.
    stored = keys_of(media.print_of("original"))
    query = keys_of(media.print_of("reencoded"), frame_stride=QUERY_FRAME_STRIDE)
    every = keys_of(media.print_of("reencoded"))
    assert QUERY_FRAME_STRIDE == 2 and query < every
    assert 1.6 < len(frame_keys(every)) / len(frame_keys(query)) < 2.5
    assert query - frame_keys(query) == every - frame_keys(every)  # the sound's keys all
    assert len(frame_keys(query) & stored) >= 100
