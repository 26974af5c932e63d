"""Atom and RSS feeds of every clip list: all clips, a tag, a channel, any search;
and of the claims page (ClaimAtomFeed), through the claims' filters.

A feed takes the list page's query string (?q=…&tag=…) through the same
ClipFilter as the page, so "subscribe" follows exactly what the reader sees.

Dates keep their precision. <published> / <pubDate> are exact instants, so only a
clip known to the day or the moment has one, and <updated> is when the clip
entered the catalogue. The entry's text says "Published 2023 (only the year is
known)" where that is all, and every dated entry carries the date for programs
as <newsclips:published precision="year">2023</newsclips:published>: not
dc:date or dcterms:issued, which feed readers parse into 1 January 2023.
"""

import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from catalog.exports import filter_list, list_scope
from catalog.filters import ClaimFilter
from catalog.models import Claim, Clip

FEED_NAMESPACE = "urn:x-newsclips:feed"

FEED_SIZE = 50

# XML 1.0 forbids these; text from the web may carry them and the feed writer
# would refuse the whole feed.
_XML_INVALID_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    return _XML_INVALID_RE.sub("", str(value or ""))


@dataclass
class FeedScope:
    title: str
    link: str
    feed_url: str
    entries: object  # the clips or claims the feed lists


class DatedItems:
    """A feed writer whose entries carry the publication date at its precision."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:newsclips": FEED_NAMESPACE}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("published_iso"):
            handler.addQuickElement(
                "newsclips:published",
                item["published_iso"],
                {"precision": item["published_precision"]},
            )


class DatedAtom1Feed(DatedItems, Atom1Feed):
    pass


class DatedRss201rev2Feed(DatedItems, Rss201rev2Feed):
    pass


# What an entry's text says of a date that is not a day.
_KNOWN_ONLY = {
    Clip.Precision.YEAR: gettext_lazy("Published %(date)s (only the year is known)."),
    Clip.Precision.MONTH: gettext_lazy("Published %(date)s (only the month is known)."),
}


class ScopedFeed(Feed):
    """A feed of a list: get_object() returns its FeedScope (title, links, entries)."""

    def __call__(self, request, *args, **kwargs):
        return require_safe(super().__call__)(request, *args, **kwargs)

    def title(self, scope):
        return scope.title

    def link(self, scope):
        return scope.link

    def feed_url(self, scope):
        return scope.feed_url

    def items(self, scope):
        return scope.entries


class ClipAtomFeed(ScopedFeed):
    """All clips; the tag and channel feeds below only change the scope."""

    feed_type = DatedAtom1Feed
    kind = None

    def get_object(self, request, slug=None):
        obj, queryset = list_scope(self.kind, slug)
        clips = filter_list(request.GET, queryset).newest().for_list()[:FEED_SIZE]
        params = request.GET.copy()
        params.pop("page", None)
        query = f"?{params.urlencode()}" if params else ""
        page = obj.get_absolute_url() if obj else reverse("catalog:clip_list")
        return FeedScope(
            self.scope_title(obj, request), page + query, request.get_full_path(), clips
        )

    def scope_title(self, obj, request):
        if self.kind == "tag":
            title = f"#{obj.slug}"
        elif self.kind in ("channel", "thread"):
            title = obj.name
        else:
            title = _("Newest clips")
        if request.GET.get("q"):
            title = _("%(list)s: search “%(q)s”") % {"list": title, "q": request.GET["q"]}
        return xml_text(f"{title} · newsclips")

    def subtitle(self, scope):
        return _("News video clips in the newsclips catalogue.")

    description = subtitle  # RSS calls it description

    def item_title(self, clip):
        # Atom titles are plain text (no type="html"): the XML writer's escaping suffices.
        return xml_text(clip.title)

    def item_description(self, clip):
        # Atom <summary type="html"> and RSS <description> hold HTML, so the plain
        # text is HTML-escaped here (then XML-escaped by the writer): a reader shows
        # "<script>" as text instead of interpreting it.
        parts = []
        if clip.published_precision in _KNOWN_ONLY and clip.published_at:
            known = _KNOWN_ONLY[clip.published_precision] % {"date": clip.published_display}
            parts.append(f"<p>{escape(known)}</p>")
        if clip.description.strip():
            parts.append(linebreaks(escape(xml_text(clip.description))))
        return "\n\n".join(parts) or None  # no empty <summary>

    def item_extra_kwargs(self, clip):
        return {
            "published_iso": clip.published_iso,
            "published_precision": clip.published_precision or Clip.Precision.DAY,
        }

    def item_pubdate(self, clip):
        # Only a real day or moment: a year- or month-precision date stored as its
        # first instant would claim a publication on 1 January that never happened.
        if clip.published_precision in (Clip.Precision.DAY, Clip.Precision.TIME):
            return clip.published_at
        return None

    def item_updateddate(self, clip):
        # Atom requires <updated>; when the clip entered the catalogue is true and
        # stable (updated_at would re-surface an entry after every metadata refresh).
        return clip.created_at

    def item_author_name(self, clip):
        return xml_text(clip.channel.name) if clip.channel else None

    def item_categories(self, clip):
        return [tag.slug for tag in clip.tags.all()]


class ClipRssFeed(ClipAtomFeed):
    feed_type = DatedRss201rev2Feed

    def item_title(self, clip):
        # RSS readers treat <title> as HTML; escape once more so markup stays text.
        return escape(xml_text(clip.title))


class TagAtomFeed(ClipAtomFeed):
    kind = "tag"


class TagRssFeed(ClipRssFeed):
    kind = "tag"


class ChannelAtomFeed(ClipAtomFeed):
    kind = "channel"


class ChannelRssFeed(ClipRssFeed):
    kind = "channel"


class ThreadAtomFeed(ClipAtomFeed):
    kind = "thread"


class ThreadRssFeed(ClipRssFeed):
    kind = "thread"


class ClaimAtomFeed(ScopedFeed):
    """The claims page as a feed: newest claims first, with their fact-checks; the page's
    query string (?q=…&rating=…) through the same ClaimFilter."""

    feed_type = Atom1Feed

    def get_object(self, request):
        queryset = filter_list(request.GET, Claim.objects.all(), ClaimFilter)
        claims = queryset.newest().for_list()[:FEED_SIZE]
        params = request.GET.copy()
        params.pop("page", None)
        query = f"?{params.urlencode()}" if params else ""
        title = _("Claims and fact-checks")
        if request.GET.get("q"):
            title = _("%(list)s: search “%(q)s”") % {"list": title, "q": request.GET["q"]}
        page = reverse("catalog:claim_list") + query
        return FeedScope(xml_text(f"{title} · newsclips"), page, request.get_full_path(), claims)

    def subtitle(self, scope):
        return _("Claims made in news video clips, and how fact-checkers rated them.")

    description = subtitle

    def item_title(self, claim):
        return xml_text(claim.text)

    def item_description(self, claim):
        # HTML, escaped here from plain text (see ClipAtomFeed.item_description).
        ratings = "".join(
            f"<li>{escape(xml_text(review.rating))}: {escape(xml_text(review.organisation))}</li>"
            for review in claim.reviews.all()
        )
        said = _("In “%(clip)s”") % {"clip": xml_text(claim.clip.title)}
        if claim.moment is not None:
            said += f" ({claim.moment.timestamp})"
        if claim.claimant:
            said = f"{xml_text(claim.claimant)} · {said}"
        return f"<p>{escape(said)}</p>" + (f"<ul>{ratings}</ul>" if ratings else "")

    def item_updateddate(self, claim):
        return claim.created_at

    def item_pubdate(self, claim):
        return claim.created_at

    def item_author_name(self, claim):
        return xml_text(claim.claimant) or None

    def item_categories(self, claim):
        return sorted({xml_text(review.rating) for review in claim.reviews.all()})


class ClaimRssFeed(ClaimAtomFeed):
    feed_type = Rss201rev2Feed

    def item_title(self, claim):
        return escape(xml_text(claim.text))
