"""fingerprint_file and hash_image on real media made by ffmpeg."""

import numpy as np
import pytest

from catalog.fingerprint.files import fingerprint_file
from catalog.fingerprint.mediaprint import MIN_QUALITY, PDQ_BYTES, FingerprintError, MediaPrint
from catalog.fingerprint.pdq import hash_image
from tests.support.videos import (
    OTHER_TONE,
    excerpt,
    ffmpeg,
    make_audio,
    make_card_video,
    make_image,
    make_silent_video,
    reencode,
)

SAME_PICTURE = 31  # PDQ's usual threshold: at most this many of 256 bits differ


def frames(media_print):
    """The frame hashes as an (N, 32) uint8 array, one row per `frame_step`."""
    return np.frombuffer(media_print.frame_hashes, dtype=np.uint8).reshape(-1, PDQ_BYTES)


def qualities(media_print):
    return np.frombuffer(media_print.frame_quality, dtype=np.uint8)


def audio_values(media_print):
    """Chromaprint's raw values as a uint32 array, one per `audio_step`."""
    return np.frombuffer(media_print.audio, dtype="<u4")


def distances(a, b):
    """Hamming distance of each frame of `a` to the frame of `b` at the same index."""
    n = min(len(a), len(b))
    return np.unpackbits(a[:n] ^ b[:n], axis=1).sum(axis=1)


def audio_bit_agreement(a, b):
    n = min(len(a), len(b))
    differing = np.unpackbits((a[:n] ^ b[:n]).view(np.uint8)).sum()
    return 1 - differing / (n * 32)


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return make_card_video(tmp_path_factory.mktemp("media") / "clip.mp4", seconds=8)


@pytest.fixture(scope="module")
def clip_print(clip):
    return fingerprint_file(clip)


def test_a_clip_has_a_frame_hash_per_second_and_an_audio_print(clip_print):
    assert isinstance(clip_print, MediaPrint)
    assert clip_print.duration == pytest.approx(8, abs=0.1)
    assert clip_print.frame_step == 1.0
    assert clip_print.frame_count == 8
    assert len(clip_print.frame_hashes) == 8 * PDQ_BYTES
    assert len(clip_print.frame_quality) == 8
    assert qualities(clip_print).min() >= MIN_QUALITY
    # Frames a second apart of a moving picture are different pictures.
    hashes = frames(clip_print)
    assert distances(hashes[:-1], hashes[1:]).min() > SAME_PICTURE
    assert clip_print.audio_step == pytest.approx(0.1238, abs=1e-4)
    # Chromaprint needs about 2.7 s of context before its first value.
    assert len(audio_values(clip_print)) >= (8 - 3) / clip_print.audio_step
    assert set(clip_print.tool_versions) >= {"pdqhash", "av", "libavcodec", "fpcalc", "frames"}


def test_the_same_file_gives_the_same_print(clip, clip_print):
    assert fingerprint_file(clip) == clip_print


def test_a_reencode_at_another_resolution_and_bitrate_gives_close_prints(
    clip, clip_print, tmp_path
):
    copy = fingerprint_file(reencode(clip, tmp_path / "copy.mp4", size="200x150", bitrate="80k"))
    assert copy.frame_count == clip_print.frame_count
    assert distances(frames(copy), frames(clip_print)).max() <= SAME_PICTURE
    assert audio_bit_agreement(audio_values(copy), audio_values(clip_print)) > 0.8


def test_unrelated_media_gives_distant_prints(clip_print, tmp_path):
    other = fingerprint_file(
        make_card_video(
            tmp_path / "other.mp4", picture="testsrc=size=320x240:rate=10", tone=OTHER_TONE
        )
    )
    assert distances(frames(other), frames(clip_print)).min() > SAME_PICTURE
    assert audio_bit_agreement(audio_values(other), audio_values(clip_print)) < 0.7


def test_an_excerpt_lines_up_with_its_source_at_its_offset(clip, clip_print, tmp_path):
    part = fingerprint_file(excerpt(clip, tmp_path / "part.mp4", start=3, seconds=4))
    assert part.frame_count == 4
    source = frames(clip_print)
    mean_distance = [distances(frames(part), source[offset:]).mean() for offset in range(0, 5)]
    assert int(np.argmin(mean_distance)) == 3
    assert min(mean_distance) <= SAME_PICTURE


def test_black_frames_are_flagged_by_their_low_quality(tmp_path):
    black = fingerprint_file(make_silent_video(tmp_path / "black.mp4", picture="color=black"))
    assert black.frame_count == 4
    assert qualities(black).max() < MIN_QUALITY


def test_audio_only_media_has_an_audio_print_and_no_frames(tmp_path):
    audio = fingerprint_file(make_audio(tmp_path / "radio.m4a"))
    assert audio.frame_count == 0
    assert audio.frame_hashes == b""
    assert audio.frame_quality == b""
    assert len(audio_values(audio)) > 40
    assert audio.duration == pytest.approx(8, abs=0.2)


def test_audio_of_a_clip_matches_the_same_sound_without_the_picture(clip, clip_print, tmp_path):
    sound = tmp_path / "sound.m4a"
    ffmpeg("-i", clip, "-vn", "-c:a", "aac", "-b:a", "96k", sound)
    assert (
        audio_bit_agreement(audio_values(fingerprint_file(sound)), audio_values(clip_print)) > 0.8
    )


def test_video_without_sound_has_frames_and_no_audio_print(tmp_path):
    silent = fingerprint_file(make_silent_video(tmp_path / "silent.mp4"))
    assert silent.frame_count == 4
    assert silent.audio == b""
    assert silent.audio_step is None


def test_a_still_picture_shown_for_seconds_repeats_its_hash(tmp_path):
    # One frame every 2.5 s (a slide show): the hash of the second on screen is repeated.
    slides = tmp_path / "slides.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=0.4:duration=5",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", slides,
    )  # fmt: skip
    hashes = frames(fingerprint_file(slides))
    assert len(hashes) == 5
    assert (hashes[0] == hashes[1]).all() and (hashes[1] == hashes[2]).all()
    assert (hashes[3] == hashes[4]).all() and not (hashes[2] == hashes[3]).all()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"<html><body>Not found</body></html>" * 20, "not a media file"),
    ],
)
def test_files_that_are_not_media_are_refused_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "clip.mp4"
    path.write_bytes(content)
    with pytest.raises(FingerprintError, match=reason):
        fingerprint_file(path)


def test_a_missing_file_is_refused_with_a_reason(tmp_path):
    with pytest.raises(FingerprintError, match="cannot read the file"):
        fingerprint_file(tmp_path / "gone.mp4")


def test_a_truncated_download_is_refused(clip, tmp_path):
    # The first 2 kB of an MP4 whose index (moov) sits at the end: nothing decodable.
    truncated = tmp_path / "part.mp4"
    truncated.write_bytes(clip.read_bytes()[:2048])
    with pytest.raises(FingerprintError):
        fingerprint_file(truncated)


def test_hash_image_matches_the_frame_it_shows(clip_print, tmp_path):
    # The frame at 3 s as a PNG and as a small JPEG: the same picture to PDQ.
    png = make_image(tmp_path / "frame.png", at=3)
    jpeg = tmp_path / "frame.jpg"
    ffmpeg("-i", png, "-vf", "scale=160:120", "-q:v", "20", jpeg)
    png_hash, png_quality = hash_image(png.read_bytes())
    jpeg_hash, _ = hash_image(jpeg.read_bytes())
    assert len(png_hash) == PDQ_BYTES and png_quality >= MIN_QUALITY
    as_frames = np.frombuffer(png_hash + jpeg_hash, dtype=np.uint8).reshape(2, PDQ_BYTES)
    video_frame = frames(clip_print)[3:4]
    assert distances(as_frames[:1], video_frame).max() <= SAME_PICTURE
    assert distances(as_frames[1:], video_frame).max() <= SAME_PICTURE


def test_hash_image_of_a_blank_picture_has_low_quality(tmp_path):
    _, quality = hash_image(
        make_image(tmp_path / "grey.png", source="color=gray:size=64x64").read_bytes()
    )
    assert quality < MIN_QUALITY


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"<!doctype html><title>404</title>", "not an image")],
)
def test_hash_image_refuses_what_is_not_an_image(data, reason):
    with pytest.raises(FingerprintError, match=reason):
        hash_image(data)


def test_hash_image_refuses_a_huge_image_without_decoding_it(tmp_path):
    huge = make_image(tmp_path / "huge.png", source="color=white:size=8000x6000")
    with pytest.raises(FingerprintError, match="too large"):
        hash_image(huge.read_bytes())
