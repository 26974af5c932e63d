"""Moments on the clip page: each links to the player at its start and, for those who may
play the preserved copy, to just that part of the captured media (Media Fragments #t=)."""

from django import template
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse

from catalog.browse.cards import CARD_SECONDS, rendered_for, tag_links, tags_of
from catalog.capture.media_views import may_play
from catalog.models import Moment
from catalog.versioning import cached_fragment

register = template.Library()


@register.inclusion_tag("catalog/includes/clip_moments.html", takes_context=True)
def clip_moments(context, clip):
    """`clip` from Clip.objects.for_detail(): its moments are prefetched. Their tags come
    as plain values in one query, each moment's links built once (`tag_links`): as Tag
    objects through a prefetch they cost a page with 15 moments a millisecond or two."""
    moments = list(clip.moments.all())
    tags = tags_of(Moment.tags.through, "moment_id", [moment.pk for moment in moments])
    # Translated once per page: get_kind_display() hashes every choice's lazy label,
    # four translations per moment.
    kinds = {kind.value: str(kind.label) for kind in Moment.Kind}
    for moment in moments:
        moment.tag_links = tag_links(tags.get(moment.pk, ()))
        moment.kind_label = kinds.get(moment.kind, moment.kind)
    request = context.get("request")
    media_url = ""
    if moments and request and may_play(request.user):
        capture = clip.latest_capture
        media = capture.media_file() if capture else None
        if media:
            media_url = reverse("catalog:capture_file", args=[capture.pk, media.name])
    return {"clip": clip, "moments": moments, "media_url": media_url, "request": request}


TAG_PAGE_MOMENTS = 20
_LISTED = ("id", "start", "title", "kind", "language", "clip__id", "clip__title", "clip__language")


@register.simple_tag
def tagged_moments(tag):
    """The moments carrying `tag` on its page, beside its clips: the newest clips' first.

    The same on every page of the tag (its filters, its further pages) until the
    catalogue changes: read and rendered once per version and language, as the lists'
    sidebars are. A popular tag's few thousand moments sorted by their clips' dates
    were most of its page's SQL (19 of 31 ms at 1 M clips, SQLite). Kept as the cards
    are (rendered_for()).
    """

    def render():
        moments = (
            tag.moments.select_related("clip")
            .order_by(F("clip__published_at").desc(nulls_last=True), "-clip_id", "start")
            .only(*_LISTED)
        )
        shown = list(moments[: TAG_PAGE_MOMENTS + 1])
        return render_to_string(
            "catalog/includes/tagged_moments.html",
            {"moments": shown[:TAG_PAGE_MOMENTS], "more": len(shown) > TAG_PAGE_MOMENTS},
        )

    return cached_fragment(("tag-moments", tag.pk, *rendered_for()), render, CARD_SECONDS)
