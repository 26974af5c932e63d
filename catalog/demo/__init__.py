"""The project's own demo catalogue (fictional channels and clips), loaded by `make run`."""

import json
from datetime import datetime
from pathlib import Path

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from catalog.ingest import ChannelRecord, ClipRecord, LinkRecord, RelatedRecord, TagRecord
from catalog.models import Clip, ClipTag
from catalog.textlinks import find_links

CATALOGUE = Path(__file__).with_name("catalogue.json")


def demo_records(path=CATALOGUE):
    """The demo catalogue as ClipRecords, ready for catalog.ingest.store."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    channels = [
        ChannelRecord(
            name=channel["name"],
            platform="demo",
            platform_id=channel["handle"],
            handle=channel["handle"],
            url=channel["url"],
        )
        for channel in data["channels"]
    ]
    for clip in data["clips"]:
        if clip["precision"] == "year":
            published = timezone.make_aware(datetime(int(clip["published"]), 1, 1))
        else:
            published = parse_datetime(clip["published"])
        yield ClipRecord(
            platform="demo",
            external_id=clip["id"],
            title=clip["title"],
            source=Clip.Source.EDITOR,
            description=clip["description"],
            channel=channels[clip["channel"]],
            published_at=published,
            published_precision=clip["precision"],
            duration=clip["duration"],
            view_count=clip["views"],
            language=clip["language"],
            availability=Clip.Availability.AVAILABLE,
            tags=[TagRecord(name, ClipTag.Origin.KEYWORD) for name in clip["tags"]],
            links=[LinkRecord(url, label) for url, label in find_links(clip["description"])],
            related=[RelatedRecord(**related) for related in clip["related"]],
        )
