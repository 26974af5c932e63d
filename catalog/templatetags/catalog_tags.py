"""Rendering untrusted text: everything escaped, only http(s) URLs and hashtags linked."""

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe

from catalog.models import Channel, StoryThread, Tag
from catalog.seo import clip_meta as build_clip_meta
from catalog.textlinks import HASHTAG_RE, http_url, iter_urls

register = template.Library()


def _linkify_line(line):
    """Escape a line, turning its http(s) URLs and #hashtags into links."""
    tokens = [(start, end, "url", url) for start, end, url in iter_urls(line)]
    for match in HASHTAG_RE.finditer(line):
        inside_url = any(start <= match.start() < end for start, end, *_ in tokens)
        if not inside_url and Tag.normalise(match.group(1)):
            tokens.append((match.start(), match.end(), "tag", match.group(1)))
    pieces, position = [], 0
    for start, end, kind, value in sorted(tokens):
        pieces.append(conditional_escape(line[position:start]))
        if kind == "url":
            pieces.append(
                format_html('<a href="{}" rel="nofollow noopener" class="ext">{}</a>', value, value)
            )
        else:
            url = reverse("catalog:tag_detail", kwargs={"slug": Tag.normalise(value)})
            pieces.append(format_html('<a href="{}" class="hashtag">#{}</a>', url, value))
        position = end
    pieces.append(conditional_escape(line[position:]))
    return "".join(pieces)


@register.filter
def linkify(text):
    """A description as paragraphs with line breaks, links and hashtags; all else is text."""
    paragraphs = [p for p in str(text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]
    html = "".join(
        "<p>" + "<br>".join(_linkify_line(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )
    # Every piece above was escaped or built with format_html.
    return mark_safe(html)  # noqa: S308


# Only http(s) URLs become links: stored URLs come from the web.
register.filter("http_url", http_url)


@register.simple_tag(takes_context=True)
def list_links(context):
    """Feed and download URLs of the list being shown, carrying its filters.

    Reads the page's `tag`, `channel` or `thread` (or `list_kind` "claims") and the query
    string (minus the page cursor); reverses URLs only, so a list page gains no database query.
    """
    request = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("cursor", None)  # a feed or download is the whole list, not one page
    query = f"?{params.urlencode()}" if params else ""
    prefix, kwargs = "", {}
    if isinstance(context.get("tag"), Tag):
        prefix, kwargs = "tag_", {"slug": context["tag"].slug}
    elif isinstance(context.get("channel"), Channel):
        prefix, kwargs = "channel_", {"slug": context["channel"].slug}
    elif isinstance(context.get("thread"), StoryThread):
        prefix, kwargs = "thread_", {"slug": context["thread"].slug}
    names = {"atom": "feed_atom", "rss": "feed_rss", "csv": "export_csv", "jsonl": "export_jsonl"}
    if context.get("list_kind") == "claims":  # the claims page: its own feeds
        names = {"atom": "claim_feed_atom", "rss": "claim_feed_rss"}
    return {
        key: reverse(f"catalog:{prefix}{name}", kwargs=kwargs) + query
        for key, name in names.items()
    }


@register.simple_tag(takes_context=True)
def clip_meta(context, clip):
    """The clip page's canonical URL, Open Graph, Twitter and JSON-LD data (catalog.seo)."""
    return build_clip_meta(clip, context["request"], context.get("related", ()))


@register.filter
def highlighted(pieces):
    """(text, hit) pieces (catalog.search.snippets) as HTML: each escaped, hits in <mark>.

    A filter rather than an included template: a result page shows some fifty of
    them, and an include with its loop costs more than the rest of a card."""
    return mark_safe(  # noqa: S308 -- every piece escaped here
        "".join(f"<mark>{escape(text)}</mark>" if hit else escape(text) for text, hit in pieces)
    )
