"""fingerprint_file and hash_image on real media made by ffmpeg."""

import numpy as np
import pytest

from catalog.fingerprint import (
    MIN_QUALITY,
    PDQ_BYTES,
    FingerprintError,
    MediaPrint,
    fingerprint_file,
    hash_image,
)

from .media import (
    OTHER_TONE,
    ffmpeg,
    make_audio,
    make_clip,
    make_image,
    make_silent_video,
    reencode,
)

SAME_PICTURE = 31  # PDQ's usual threshold: at most this many of 256 bits differ


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
    return make_clip(tmp_path_factory.mktemp("media") / "clip.mp4", seconds=8)


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
    assert clip_print.qualities().min() >= MIN_QUALITY
    # Frames a second apart of a moving picture are different pictures.
    frames = clip_print.frames()
    assert distances(frames[:-1], frames[1:]).min() > SAME_PICTURE
    assert clip_print.audio_step == pytest.approx(0.1238, abs=1e-4)
    # Chromaprint needs about 2.7 s of context before its first value.
    assert len(clip_print.audio_values()) >= (8 - 3) / clip_print.audio_step
    assert set(clip_print.tool_versions) >= {"pdqhash", "av", "libavcodec", "fpcalc", "frames"}


def test_the_same_file_gives_the_same_print(clip, clip_print):
    assert fingerprint_file(clip) == clip_print


def test_a_reencode_at_another_resolution_and_bitrate_gives_close_prints(
    clip, clip_print, tmp_path
):
    copy = fingerprint_file(reencode(clip, tmp_path / "copy.mp4", size="200x150", crf=38))
    assert copy.frame_count == clip_print.frame_count
    assert distances(copy.frames(), clip_print.frames()).max() <= SAME_PICTURE
    assert audio_bit_agreement(copy.audio_values(), clip_print.audio_values()) > 0.8


def test_unrelated_media_gives_distant_prints(clip_print, tmp_path):
    other = fingerprint_file(
        make_clip(tmp_path / "other.mp4", picture="testsrc=size=320x240:rate=10", tone=OTHER_TONE)
    )
    assert distances(other.frames(), clip_print.frames()).min() > SAME_PICTURE
    assert audio_bit_agreement(other.audio_values(), clip_print.audio_values()) < 0.7


def test_an_excerpt_lines_up_with_its_source_at_its_offset(clip, clip_print, tmp_path):
    excerpt = fingerprint_file(reencode(clip, tmp_path / "part.mp4", start=3, seconds=4))
    assert excerpt.frame_count == 4
    source = clip_print.frames()
    mean_distance = [distances(excerpt.frames(), source[offset:]).mean() for offset in range(0, 5)]
    assert int(np.argmin(mean_distance)) == 3
    assert min(mean_distance) <= SAME_PICTURE


def test_black_frames_are_flagged_by_their_low_quality(tmp_path):
    black = fingerprint_file(make_silent_video(tmp_path / "black.mp4", picture="color=black"))
    assert black.frame_count == 4
    assert black.qualities().max() < MIN_QUALITY


def test_audio_only_media_has_an_audio_print_and_no_frames(tmp_path):
    audio = fingerprint_file(make_audio(tmp_path / "radio.m4a"))
    assert audio.frame_count == 0
    assert audio.frame_hashes == b""
    assert audio.frame_quality == b""
    assert len(audio.audio_values()) > 40
    assert audio.duration == pytest.approx(8, abs=0.2)


def test_audio_of_a_clip_matches_the_same_sound_without_the_picture(clip, clip_print, tmp_path):
    sound = tmp_path / "sound.m4a"
    ffmpeg("-i", clip, "-vn", "-c:a", "aac", "-b:a", "96k", sound)
    assert (
        audio_bit_agreement(fingerprint_file(sound).audio_values(), clip_print.audio_values()) > 0.8
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
    frames = fingerprint_file(slides).frames()
    assert len(frames) == 5
    assert (frames[0] == frames[1]).all() and (frames[1] == frames[2]).all()
    assert (frames[3] == frames[4]).all() and not (frames[2] == frames[3]).all()


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
    video_frame = clip_print.frames()[3:4]
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
