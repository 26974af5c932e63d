"""A clip's confirmed relations as its page shows them: "Also seen as" and the other kinds.

A relation reads "from_clip is <kind> of to_clip"; on each of the two clips'
pages it is told from that clip's side ("Excerpt of …" on the excerpt's page,
"Excerpted in …" on the source's), with the shared part's time range in both
clips, each linking to its page's player at that second (?t=).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from catalog.models import ClipRelation
from catalog.timecode import timecode

Kind = ClipRelation.Kind

# The same content published elsewhere: the "Also seen as" list, in this order.
COPIES = (Kind.REUPLOAD, Kind.EXCERPT, Kind.MIRROR)
ORDER = {kind: index for index, kind in enumerate(Kind.values)}

# How the relation reads from the to_clip's side ("re-uploaded as").
INVERSE_LABELS = {
    Kind.REUPLOAD: _("re-uploaded as"),
    Kind.EXCERPT: _("excerpted in"),
    Kind.MIRROR: _("mirrored as"),
    Kind.SAME_EVENT: _("same event as"),
    Kind.FOLLOW_UP: _("followed up by"),
    Kind.CORRECTION: _("corrected by"),
    Kind.TRANSLATION: _("translated as"),
    Kind.OTHER_ANGLE: _("other angle of"),
}


@dataclass(frozen=True)
class TimeRange:
    start: float
    end: float

    @classmethod
    def of(cls, start, end):
        return cls(start, end) if start is not None and end is not None else None

    @property
    def display(self):
        return f"{timecode(self.start)}–{timecode(self.end)}"

    @property
    def player_query(self):
        """What starts a clip page's player here: ?t=42 (the page plays from 0 on ?play)."""
        start = int(self.start)
        return f"?t={start}#player" if start else "?play=1#player"


@dataclass(frozen=True)
class RelatedEntry:
    relation: ClipRelation
    label: str  # read from this clip's side: "excerpt of", "excerpted in"
    other: object  # the other Clip, with its channel
    here: TimeRange | None  # the shared part in this clip
    there: TimeRange | None  # ... and in the other clip

    @property
    def kind(self):
        return self.relation.kind

    @property
    def is_copy(self):
        return self.relation.kind in COPIES

    @property
    def url_here(self):
        """This clip's player at the shared part (the page's own ?t=)."""
        return self.here.player_query if self.here else ""

    @property
    def url_there(self):
        """The other clip's page, at the shared part where it is known."""
        url = self.other.get_absolute_url()
        return url + self.there.player_query if self.there else url


def entry_for(clip, relation):
    """`relation` as `clip`'s page tells it."""
    forward = relation.from_clip_id == clip.pk
    from_range = TimeRange.of(relation.from_start, relation.from_end)
    to_range = TimeRange.of(relation.to_start, relation.to_end)
    return RelatedEntry(
        relation=relation,
        label=relation.get_kind_display() if forward else INVERSE_LABELS[relation.kind],
        other=relation.to_clip if forward else relation.from_clip,
        here=from_range if forward else to_range,
        there=to_range if forward else from_range,
    )


def related_entries(clip):
    """The clip's confirmed relations (one query), copies first, then the other kinds."""
    relations = ClipRelation.objects.confirmed().involving(clip).with_clips()
    entries = [entry_for(clip, relation) for relation in relations]
    return sorted(
        entries,
        key=lambda e: (
            ORDER[e.kind],
            e.relation.from_clip_id != clip.pk,
            e.here.start if e.here else -1,
            e.other.pk,
        ),
    )
