"""What the clip cards of a list page show beyond the clip row: its tags.

A page's 24 clips carry some 150 tags. Prefetching them as Tag objects
(`prefetch_related("tags")`) builds a model instance, with its date converted,
for each and costs a list page several milliseconds of Python; a card needs
only the slug and the link, read here as plain values in the same one query.
The tag links are built here too, as the histogram's bars are: two template
variables per tag, escaped one by one, cost more than the rest of a card.

A card is the same on every list that shows the clip (the home page's newest
clips are on their tags' and channels' pages too), so each is rendered once per
catalogue version, language and URL prefix and then read from the cache, 24 in
one read; a search's cards, which highlight the words, are rendered each time.
"""

from collections import defaultdict
from dataclasses import dataclass
from html import escape

from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import mark_safe

from catalog.links import detail_url
from catalog.models import ClipTag
from catalog.versioning import cached_fragments
from newsclips.http_cache import RELEASE

CARD_TEMPLATE = "catalog/includes/clip_card.html"
# Keyed by the catalogue version: the time only bounds how long old versions' cards stay.
CARD_SECONDS = 600


@dataclass(frozen=True, slots=True)
class CardTag:
    slug: str
    url: str


def tag_links(tags):
    """The <li> links of a card's tags; every value escaped."""
    return mark_safe(  # noqa: S308 - slugs and URLs escaped here
        "".join(f'<li><a href="{escape(tag.url)}">#{escape(tag.slug)}</a></li>' for tag in tags)
    )


def tags_of(through, owner, ids):
    """{owner id: [CardTag, ...]} in slug order for the `ids`, from one query of plain
    values of the tag table `through` (ClipTag, Moment.tags.through) by its `owner` column;
    no query without ids."""
    tags = defaultdict(list)
    if ids:
        rows = (
            through.objects.filter(**{f"{owner}__in": ids})
            .order_by("tag__slug")
            .values_list(owner, "tag__slug")
        )
        for owner_id, slug in rows:
            tags[owner_id].append(CardTag(slug, detail_url("catalog:tag_detail", "slug", slug)))
    return tags


def with_card_tags(clips):
    """The clips as a list, each with `card_tags` (its tags in slug order) and
    `card_tag_links` (their links as HTML), from one query."""
    clips = list(clips)
    tags = tags_of(ClipTag, "clip_id", [clip.pk for clip in clips])
    for clip in clips:
        clip.card_tags = tags.get(clip.pk, [])
        clip.card_tag_links = tag_links(clip.card_tags)
    return clips


def rendered_for():
    """What HTML kept in the cache depends on besides what it shows: this release's
    templates (a shared cache must not hand out HTML of the old ones), the URL prefix
    and the language its links and words are in."""
    return RELEASE, get_script_prefix(), translation.get_language()


def with_card_html(clips, *, kept=True):
    """The clips as a list, each with `card_html`, its card (CARD_TEMPLATE).

    kept: read from and kept in the cache per version, language and URL prefix;
    only the cards not found there read their tags (with_card_tags) and render.
    Otherwise (a search's cards) every card renders with the tags already attached.
    """
    clips = list(clips)
    template = get_template(CARD_TEMPLATE)

    def render(indexes):
        missing = [clips[n] for n in indexes]
        if kept:
            with_card_tags(missing)
        return [template.render({"clip": clip}) for clip in missing]

    if kept:
        parts = [("card", clip.pk, *rendered_for()) for clip in clips]
        cards = cached_fragments(parts, render, CARD_SECONDS)
    else:
        cards = render(range(len(clips)))
    for clip, card in zip(clips, cards, strict=True):
        clip.card_html = card
    return clips
