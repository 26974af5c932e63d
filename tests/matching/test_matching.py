"""Matching on real media made by ffmpeg: copies are found, with their kind and ranges;
unrelated clips and clips sharing only a black intro are not."""

import pytest

from catalog.matching.index import index_clip
from catalog.matching.lookup import CONTAINS, EXCERPT, REUPLOAD, match_clip, match_print
from catalog.matching.suggest import match_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(catalogued):
    """The original and two unrelated clips in the index."""
    clips = {name: catalogued(name) for name in ("original", "other", "another")}
    for clip in clips.values():
        index_clip(clip.pk)
    return clips


@pytest.mark.parametrize("copy", ["reencoded", "cropped", "logo", "faster", "slower"])
def test_copies_are_found_as_reuploads(library, media, copy):
    matches = match_file(media[copy])
    assert [m.clip_id for m in matches] == [library["original"].pk]
    match = matches[0]
    assert match.kind == REUPLOAD
    assert match.score >= 0.8
    clip_start, clip_end, file_start, file_end = match.ranges
    assert clip_start < 2 and clip_end > 36
    assert file_start < 2 and file_end > 35


def test_audio_over_a_still_image_is_found_by_its_sound(library, media):
    [match] = match_file(media["still"])
    assert (match.clip_id, match.kind) == (library["original"].pk, REUPLOAD)
    assert "frames" not in match.evidence  # the still picture matches nothing
    assert match.evidence["audio"]["score"] >= 0.8


def test_excerpt_is_found_with_its_offset(catalogued, media):
    long = catalogued("long")
    index_clip(long.pk)
    [match] = match_file(media["excerpt"])
    assert (match.clip_id, match.kind) == (long.pk, EXCERPT)
    clip_start, clip_end, file_start, file_end = match.ranges
    assert abs(clip_start - 42.4) <= 1
    assert abs(clip_end - 72.4) <= 2
    assert file_start <= 1 and file_end >= 28


def test_the_whole_contains_a_catalogued_excerpt(catalogued, media):
    part = catalogued("excerpt")
    index_clip(part.pk)
    [match] = match_print(media.print_of("long"))
    assert (match.clip_id, match.kind) == (part.pk, CONTAINS)
    clip_start, _clip_end, file_start, _file_end = match.ranges
    assert clip_start <= 1 and abs(file_start - 42.4) <= 1


def test_unrelated_clips_sharing_a_black_intro_do_not_match(library, media):
    # "third" starts with the same six black, silent seconds as "other" and "another".
    assert match_file(media["third"]) == []
    assert match_clip(library["other"]) == []
    assert match_clip(library["another"]) == []


def test_a_clip_matches_its_copy_in_the_catalogue(library, catalogued):
    copy = catalogued("reencoded")
    index_clip(copy.pk)
    [match] = match_clip(copy)
    assert (match.clip_id, match.kind) == (library["original"].pk, REUPLOAD)
    [back] = match_clip(library["original"])
    assert back.clip_id == copy.pk
