"""What search engines and link previews read: clip metadata, the sitemap, robots.txt.

The clip page's JSON-LD, Open Graph and Twitter tags are built here as data;
the template (catalog/includes/clip_meta.html) only prints them, escaped.
"""

import json
import math
from urllib.parse import urljoin

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from catalog.models import Channel, Clip, ClipRelation, StoryThread, Tag
from catalog.textlinks import http_url

# As django.utils.html.json_script: inside <script> the HTML parser ends the
# element at "</script" whatever the JSON says, so <, > and & become \u escapes
# (still the same JSON string once parsed); ' too, so no fragment of stored
# markup such as href='javascript:…' appears verbatim in the page.
_JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    ord("'"): "\\u0027",
}

DESCRIPTION_LENGTH = 300


def iso_duration(seconds):
    """Seconds as ISO 8601, as schema.org wants: 754 -> 'PT12M34S'."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}H" if hours else "", f"{minutes}M" if minutes else "", f"{secs}S"]
    if secs == 0 and (hours or minutes):
        parts[2] = ""
    return "PT" + "".join(parts)


def json_ld_script(data):
    """A <script type="application/ld+json"> that no string in `data` can break out of."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_SCRIPT_ESCAPES)
    # The JSON is escaped for the script context above; format_html cannot do that.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def clip_video_object(clip, page_url, related=()):
    """schema.org VideoObject of a clip; fields without a value are left out.

    `related` are the clip's confirmed relations as its page tells them
    (catalog.browse.also_seen.RelatedEntry)."""
    data = {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": clip.title,
        # Google requires a description; the title stands in for an empty one.
        "description": clip.description or clip.title,
        "url": page_url,
        "uploadDate": clip.published_iso,  # "2023" for a year: its precision, no fake day
        "duration": iso_duration(clip.duration) if clip.duration is not None else "",
        "thumbnailUrl": http_url(clip.thumbnail_url),
        "embedUrl": clip.embed_url,
        "inLanguage": clip.language,
        "keywords": ", ".join(tag.slug for tag in clip.tags.all()),
    }
    if clip.channel:
        channel = {"@type": "Organization", "name": clip.channel.name}
        if http_url(clip.channel.url):
            channel["url"] = http_url(clip.channel.url)
        data["author"] = data["publisher"] = channel
    if http_url(clip.url):
        data["sameAs"] = http_url(clip.url)
    data.update(relation_properties(clip, page_url, related))
    return {key: value for key, value in data.items() if value}


# What schema.org can say of a relation, from the side of the clip it describes:
# the copy "isBasedOn" its source, a translation is "translationOfWork", and the
# source of an excerpt "hasPart" the excerpted stretch (a Clip with offsets,
# pointing into this very video as key moments do); a corrected clip names its
# "correction". Other kinds have no fitting property and are left out.
BASED_ON = (ClipRelation.Kind.REUPLOAD, ClipRelation.Kind.EXCERPT, ClipRelation.Kind.MIRROR)


def relation_properties(clip, page_url, related):
    based_on, translated_from, parts, corrections = [], [], [], []
    for entry in related:
        kind, forward = entry.relation.kind, entry.relation.from_clip_id == clip.pk
        other = {
            "@type": "VideoObject",
            "name": entry.other.title,
            "url": urljoin(page_url, entry.url_there),
        }
        if forward and kind in BASED_ON:
            based_on.append(other)
        elif forward and kind == ClipRelation.Kind.TRANSLATION:
            translated_from.append(other)
        elif not forward and kind == ClipRelation.Kind.EXCERPT and entry.here:
            parts.append(
                {
                    "@type": "Clip",
                    "name": entry.other.title,
                    "startOffset": int(entry.here.start),
                    "endOffset": math.ceil(entry.here.end),
                    "url": page_url + entry.url_here.removesuffix("#player"),
                }
            )
        elif not forward and kind == ClipRelation.Kind.CORRECTION:
            corrections.append(other["url"])
    return {
        "isBasedOn": based_on,
        "translationOfWork": translated_from,
        "hasPart": [*moment_parts(clip, page_url), *parts],
        "correction": corrections,
    }


def moment_parts(clip, page_url):
    """The clip's moments as schema.org Clips ("key moments"): name, offsets, a URL at the time."""
    return [
        {
            "@type": "Clip",
            "name": moment.title,
            "startOffset": moment.start_seconds,
            "endOffset": math.ceil(moment.end),  # whole seconds, not cutting the moment short
            "url": f"{page_url}?t={moment.start_seconds}",
        }
        for moment in clip.moments.all()
    ]


def clip_meta(clip, request, related=()):
    """Everything the clip page's <head> says about the clip, for clip_meta.html."""
    canonical = request.build_absolute_uri(clip.get_absolute_url())
    description = Truncator(" ".join((clip.description or clip.title).split())).chars(
        DESCRIPTION_LENGTH
    )
    image = http_url(clip.thumbnail_url)
    return {
        "canonical": canonical,
        "title": clip.title,
        "description": description,
        "image": image,
        "video": clip.embed_url,  # YouTube's privacy-enhanced player, else ""
        "twitter_card": "summary_large_image" if image else "summary",
        "json_ld": json_ld_script(clip_video_object(clip, canonical, related)),
    }


class ClipSitemap(Sitemap):
    changefreq = "weekly"
    # Django's default is the protocol's maximum, 50,000 URLs, which takes seconds
    # to render per page; a tenth of it keeps every page about a second at most.
    limit = 10_000

    def items(self):
        return Clip.objects.order_by("pk").only("pk", "updated_at")

    def lastmod(self, clip):
        return clip.updated_at

    def get_latest_lastmod(self):
        # The index's <lastmod>: Django's default calls lastmod() on every item,
        # which at a million clips is a million rows; the database knows the answer.
        return Clip.objects.aggregate(latest=Max("updated_at"))["latest"]


class TagSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        # Only tags with clips: an empty tag page is not worth a crawler's visit.
        return Tag.objects.with_clip_counts().order_by("slug")


class ChannelSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Channel.objects.filter(clip_count__gt=0).order_by("slug")


class ThreadSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return StoryThread.objects.public().order_by("slug")

    def lastmod(self, thread):
        return thread.updated_at

    def get_latest_lastmod(self):
        return StoryThread.objects.public().aggregate(latest=Max("updated_at"))["latest"]


class ListSitemap(Sitemap):
    """The lists that are pages of their own: the newest clips and the claims."""

    changefreq = "daily"

    def items(self):
        return ["catalog:clip_list", "catalog:claim_list"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "lists": ListSitemap,
    "clips": ClipSitemap,
    "tags": TagSitemap,
    "channels": ChannelSitemap,
    "threads": ThreadSitemap,
}


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    # Exports are whole catalogues per request and the API is throttled: neither
    # is for crawlers. "*" in a path is understood by the major crawlers; the
    # plain prefix lines cover the rest.
    export_prefix = reverse("catalog:export_csv").rsplit(".", 1)[0]  # "/export"
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {export_prefix}",
        f"Disallow: /*{export_prefix}.",
        f"Disallow: {reverse('api:api-root')}",
        "Allow: /",
        f"Sitemap: {request.build_absolute_uri(reverse('catalog:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    # Browsers ask for /favicon.ico where a page names no icon (feeds, raw files).
    return redirect(static("img/favicon.svg"), permanent=True)
