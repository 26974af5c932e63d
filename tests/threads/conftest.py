"""A story with a broadcast, its re-upload, an excerpt and a mirror, and a thread around them.

Suggested relations are made the way matching makes them (ClipRelation.objects.suggest)
and confirmed the way an editor does (decide).
"""

import pytest
from django.contrib.auth import get_user_model

from catalog.models import ClipRelation, StoryThread, ThreadClip
from tests.factories import make_clip

Kind, Status = ClipRelation.Kind, ClipRelation.Status


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "", "pw-editor-123")


@pytest.fixture
def story(db, editor):
    broadcast = make_clip(
        "Summit opens in Elmau",
        channel="WELT",
        published=(2022, 6, 26, 9, 30),
        precision="time",
        duration=120,
        thumbnail_url="https://i.ytimg.com/vi/aaaaaaaaaaa/hqdefault.jpg",
        platform="youtube",
        external_id="aaaaaaaaaaa",
        url="https://www.youtube.com/watch?v=aaaaaaaaaaa",
    )
    reupload = make_clip("Summit opens (re-upload)", channel="Copy Cat", published=(2022, 6, 27))
    excerpt = make_clip(
        "Elmau: the arrival",
        channel="Clips Daily",
        published=(2022, 6, 1),
        precision="month",
        duration=48,
    )
    mirror = make_clip(
        "Summit opens in Elmau",
        channel="Mirror Site",
        published=(2022, 1, 1),
        precision="year",
        platform="web",
        external_id="https://mirror.example/v/1",
    )
    pending = make_clip("Unrelated talk show", channel="Other", published=(2022, 6, 28))
    relations = {
        "reupload": ClipRelation.objects.suggest(reupload, broadcast, Kind.REUPLOAD, score=0.97)[0],
        "excerpt": ClipRelation.objects.suggest(
            excerpt,
            broadcast,
            Kind.EXCERPT,
            score=0.91,
            ranges=(0, 48, 42, 90),
            evidence={"frames": 0.91, "audio": 0.62},
        )[0],
        "mirror": ClipRelation.objects.suggest(mirror, broadcast, Kind.MIRROR, score=0.99)[0],
        "pending": ClipRelation.objects.suggest(pending, broadcast, Kind.REUPLOAD, score=0.41)[0],
    }
    for name in ("reupload", "excerpt", "mirror"):
        relations[name].decide(Status.CONFIRMED, editor)
    thread = StoryThread.objects.create(
        name="G7 summit in Elmau 2022", slug="g7-elmau-2022", description="The summit, day by day."
    )
    for clip, note in ((broadcast, "The opening."), (reupload, ""), (excerpt, ""), (mirror, "")):
        ThreadClip.objects.create(thread=thread, clip=clip, note=note)
    return {
        "broadcast": broadcast,
        "reupload": reupload,
        "excerpt": excerpt,
        "mirror": mirror,
        "pending": pending,
        "relations": relations,
        "thread": thread,
    }
