"""Public, read-only pages. Thin: a queryset verb, the shared FilterSet, a template.

Each is built once per catalogue version for the anonymous readers of a URL
(catalog.versioning.cached_page); its expensive parts, the facets, once per
version for every page of a list.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.http import require_safe

from catalog.browse.also_seen import related_entries
from catalog.browse.cards import with_card_html, with_card_tags
from catalog.browse.facets import facet_counts
from catalog.browse.histogram import histogram
from catalog.browse.pagination import paginate
from catalog.browse.timeline import channel_starts, timeline
from catalog.filters import ClaimFilter, ClipFilter
from catalog.models import Channel, Claim, Clip, ClipParts, ClipRelation, StoryThread, Tag
from catalog.search import attach_snippets
from catalog.versioning import cached_fragment, cached_page
from newsclips.http_cache import RELEASE

# Facets are keyed on the catalogue version, so a change is never hidden; the
# time only bounds how long entries of old versions take up room.
FACETS_SECONDS = 600


def _active_filters(request, filterset):
    """Each active filter value with the URL that removes just that value."""
    active = []
    for name, field in filterset.form.fields.items():
        if name == "sort":  # an order, not a filter: the select shows it
            continue
        for value in request.GET.getlist(name):
            if not value.strip():
                continue
            remaining = request.GET.copy()
            remaining.setlist(name, [v for v in remaining.getlist(name) if v != value])
            remaining.pop("page", None)
            remaining.pop("cursor", None)
            query = remaining.urlencode()
            active.append(
                {"label": field.label, "value": value, "url": f"?{query}" if query else "?"}
            )
    return active


def _facet_params(params):
    """The query as the facets see it (and link on from): all but the page position."""
    return sorted(
        (name, value)
        for name, values in params.lists()
        if name not in {"cursor", "page"}
        for value in values
    )


def _clip_list(request, template, queryset, context=None):
    """A clip list: a keyset page, and facets and histogram of the whole filtered set."""
    context = context or {}
    filterset = ClipFilter(request.GET, queryset=queryset)
    valid = filterset.is_valid()
    clips = filterset.qs if valid else Clip.objects.none()
    # The cards' channels joined, their tags read as plain values (with_card_tags)
    # for the cards not already kept (with_card_html).
    if valid and filterset.sort_order == "relevance":
        # Best match first: offset pages over the ranked window (RELEVANCE_WINDOW).
        ranked = filterset.ordered().select_related("channel")
        page = Paginator(ranked, settings.NEWSCLIPS_PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        page = paginate(clips.select_related("channel"), request.GET.get("cursor"))
    words = valid and filterset.form.cleaned_data["q"]
    if words:  # cards highlighting the words, their snippets from the tags too
        page.object_list = attach_snippets(with_card_tags(page.object_list), words)
    page.object_list = with_card_html(page.object_list, kept=not words)
    # No facet offers what the page or a filter fixes already.
    hide = {name for name in ("channel", "language") if request.GET.get(name) or name in context}
    fixed_tags = [context["tag"].slug] if "tag" in context else []
    # The same for every reader of this list until the catalogue changes: counted
    # once per version and shared by the app servers (catalog.versioning).
    list_key = (request.path_info, _facet_params(request.GET), translation.get_language())
    # The sidebar is HTML of this release's templates (a shared cache outlives a deploy).
    sidebar_key = ("sidebar", RELEASE, *list_key)
    facets = cached_fragment(
        ("facets", *list_key),
        lambda: facet_counts(clips, request.GET, hide=hide, exclude_tags=fixed_tags),
        FACETS_SECONDS,
    )
    # The filter form and the facets' links, rendered once per version for every page
    # of the list: Django's widget templates (a template per <option>) cost more than
    # the rest of the sidebar. They depend on nothing but the list's query.
    sidebar = cached_fragment(
        sidebar_key,
        lambda: render_to_string(
            "catalog/includes/list_sidebar.html",
            {"filter": filterset, "facets": facets, **context},
        ),
        FACETS_SECONDS,
    )
    # The histogram of the same counts: its bars are some thousand values formatted.
    histogram_html = cached_fragment(
        ("histogram", RELEASE, *list_key),
        lambda: render_to_string(
            "catalog/includes/histogram.html",
            {"histogram": histogram(facets.dates, estimated=not facets.exact)},
        ),
        FACETS_SECONDS,
    )
    return render(
        request,
        template,
        {
            "filter": filterset,
            "sort_order": filterset.sort_order if valid else "newest",
            "page_obj": page,
            "clips": page.object_list,
            "facets": facets,
            "sidebar": sidebar,
            "histogram_html": histogram_html,
            "active_filters": _active_filters(request, filterset),
            **context,
        },
    )


@require_safe
@cached_page
def clip_list(request):
    return _clip_list(request, "catalog/clip_list.html", Clip.objects.all())


@require_safe
@cached_page
def clip_detail(request, pk):
    # Which parts the clip has (one statement): the page asks for no part it has not got.
    parts = ClipParts.of(pk)
    clip = get_object_or_404(Clip.objects.for_detail(parts), pk=pk)
    clip.parts = parts
    # The player loads only when the reader asks (?play or a transcript's ?t=):
    # no request to the video platform on page load.
    start = request.GET.get("t", "")
    start = min(int(start), clip.duration or 86400) if start.isdigit() else 0
    playing = "play" in request.GET or bool(start)
    related = related_entries(clip) if parts.relations else []
    return render(
        request,
        "catalog/clip_detail.html",
        {
            "clip": clip,
            "player_src": clip.player_src(start) if playing else "",
            "related": related,
            "also_seen": [entry for entry in related if entry.is_copy],
            "linked": [entry for entry in related if not entry.is_copy],
            "threads": (
                StoryThread.objects.public().containing(clip).order_by("name")
                if parts.threads
                else []
            ),
        },
    )


@require_safe
@cached_page
def tag_list(request):
    tags = Tag.objects.by_use()
    query = request.GET.get("q", "").strip()
    if query:
        tags = tags.filter(Q(slug__contains=Tag.normalise(query)) | Q(name__icontains=query))
    page = Paginator(tags, 200).get_page(request.GET.get("page"))
    return render(request, "catalog/tag_list.html", {"page_obj": page, "query": query})


@require_safe
@cached_page
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    return _clip_list(
        request,
        "catalog/tag_detail.html",
        Clip.objects.tagged(tag),
        {"tag": tag},
    )


@require_safe
@cached_page
def channel_list(request):
    channels = Channel.objects.order_by("-clip_count", "name")
    page = Paginator(channels, 100).get_page(request.GET.get("page"))
    return render(request, "catalog/channel_list.html", {"page_obj": page})


@require_safe
@cached_page
def channel_detail(request, slug):
    channel = get_object_or_404(Channel.objects.prefetch_related("links"), slug=slug)
    return _clip_list(
        request,
        "catalog/channel_detail.html",
        Clip.objects.in_channel(channel),
        {"channel": channel},
    )


@require_safe
@cached_page
def thread_list(request):
    threads = StoryThread.objects.public().with_counts().order_by("-updated_at", "-id")
    page = Paginator(threads, 50).get_page(request.GET.get("page"))
    return render(request, "catalog/thread_list.html", {"page_obj": page})


@require_safe
@cached_page
def thread_detail(request, slug):
    """The thread's clips on a timeline, its channels in the order they carried the story,
    and the confirmed relations between its clips."""
    thread = get_object_or_404(StoryThread.objects.public(), slug=slug)
    entries = list(thread.thread_clips.select_related("clip__channel"))
    with_card_tags([entry.clip for entry in entries])
    in_thread = Clip.objects.in_thread(thread).values("pk")
    relations = (
        ClipRelation.objects.confirmed()
        .filter(from_clip__in=in_thread, to_clip__in=in_thread)
        .with_clips()
        .order_by("kind", "from_clip_id", "to_clip_id")
    )
    return render(
        request,
        "catalog/thread_detail.html",
        {
            "thread": thread,
            "groups": timeline(entries),
            "channels": channel_starts(entries),
            "relations": relations,
            "clip_total": len(entries),
        },
    )


@require_safe
@cached_page
def claim_list(request):
    """Claims made in clips with their fact-checks, newest first; searched and filtered
    by ClaimFilter as their feeds and the API are."""
    filterset = ClaimFilter(request.GET, queryset=Claim.objects.all())
    claims = filterset.qs.newest().for_list() if filterset.is_valid() else Claim.objects.none()
    page = Paginator(claims, settings.NEWSCLIPS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/claim_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "claims": page.object_list,
            "active_filters": _active_filters(request, filterset),
            "list_kind": "claims",
        },
    )
