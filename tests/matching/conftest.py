"""Media made once per session by ffmpeg (tests/support/videos.py), and clips carrying
their fingerprints."""

import hashlib
from functools import partial
from pathlib import Path

import pytest

from catalog.fingerprint.files import fingerprint_file
from catalog.models import MediaFingerprint, StoredFile
from tests.factories import make_clip
from tests.support import videos

SIZE = "192x144"


class Media:
    """Paths of the originals and their copies, made when first asked for."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.recipes = {
            "original": partial(videos.make_video, seconds=40, seed=11, text="Tagesschau"),
            "long": partial(videos.make_video, seconds=120, seed=12, text="WELT"),
            "reencoded": lambda p: videos.reencode(self["original"], p, size="128x96"),
            "cropped": lambda p: videos.crop(self["original"], p, size=SIZE),
            "logo": lambda p: videos.add_logo(self["original"], p),
            "faster": lambda p: videos.change_speed(self["original"], p, factor=1.03),
            "slower": lambda p: videos.change_speed(self["original"], p, factor=0.97),
            "excerpt": lambda p: videos.excerpt(self["long"], p, start=42.4, seconds=30),
            "still": lambda p: videos.audio_over_still(self["original"], p),
            # Three unrelated clips, each after the same six black and silent seconds.
            "other": partial(videos.make_video, seed=13, pattern="cellauto", text="DW"),
            "another": partial(videos.make_video, seed=14, pattern="life", text="ZDF"),
            "third": partial(videos.make_video, seed=15, text="ARD"),
        }
        self.intro = {"other", "another", "third"}
        self.prints = {}

    def __getitem__(self, name):
        path = self.folder / f"{name}.mp4"
        if not path.exists():
            recipe = self.recipes[name]
            if isinstance(recipe, partial):  # an original
                options = {"seconds": 20, "black_intro": 6} if name in self.intro else {}
                recipe(path, size=SIZE, **options)
            else:
                recipe(path)
        return path

    def print_of(self, name):
        if name not in self.prints:
            self.prints[name] = fingerprint_file(self[name])
        return self.prints[name]


@pytest.fixture(scope="session")
def media(tmp_path_factory):
    return Media(tmp_path_factory.mktemp("matching-media"))


@pytest.fixture
def catalogued(media, db):
    """catalogued(name, title=...): a clip carrying the fingerprint of media `name`."""

    def make(name, title=None, **fields):
        clip = make_clip(title or name.title(), url=f"https://video.example.com/v/{name}", **fields)
        path = media[name]
        data = path.read_bytes()
        stored = StoredFile.objects.create(
            sha256=hashlib.sha256(data).hexdigest(), size=len(data), mime_type="video/mp4"
        )
        fingerprint = media.print_of(name)
        MediaFingerprint.objects.create(
            clip=clip,
            stored_file=stored,
            duration=fingerprint.duration,
            frame_step=fingerprint.frame_step,
            frame_hashes=fingerprint.frame_hashes,
            frame_quality=fingerprint.frame_quality,
            audio_step=fingerprint.audio_step,
            audio=fingerprint.audio,
            tool_versions=fingerprint.tool_versions,
        )
        return clip

    return make
