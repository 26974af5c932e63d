from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from . import annotations, exports, feeds, seo, views
from .analysis import keyframe_views
from .capture import evidence_views, media_views

app_name = "catalog"

# Crawlers come back daily at most; a proxy or CDN may answer them for an hour.
SITEMAP_CACHE = cache_control(max_age=3600, public=True)

urlpatterns = [
    path("", views.clip_list, name="clip_list"),
    path("clips/<int:pk>/", views.clip_detail, name="clip_detail"),
    path(
        "clips/<int:pk>/annotations.jsonld",
        annotations.annotations_jsonld,
        name="clip_annotations",
    ),
    path("tags/", views.tag_list, name="tag_list"),
    path("tags/<str:slug>/", views.tag_detail, name="tag_detail"),
    path("channels/", views.channel_list, name="channel_list"),
    path("channels/<str:slug>/", views.channel_detail, name="channel_detail"),
    path("threads/", views.thread_list, name="thread_list"),
    path("threads/<str:slug>/", views.thread_detail, name="thread_detail"),
    path("claims/", views.claim_list, name="claim_list"),
    # Feeds and downloads of each list; the list's query string carries its filters.
    path("feeds/clips.atom", feeds.ClipAtomFeed(), name="feed_atom"),
    path("feeds/clips.rss", feeds.ClipRssFeed(), name="feed_rss"),
    path("tags/<str:slug>/feed.atom", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("tags/<str:slug>/feed.rss", feeds.TagRssFeed(), name="tag_feed_rss"),
    path("channels/<str:slug>/feed.atom", feeds.ChannelAtomFeed(), name="channel_feed_atom"),
    path("channels/<str:slug>/feed.rss", feeds.ChannelRssFeed(), name="channel_feed_rss"),
    path("threads/<str:slug>/feed.atom", feeds.ThreadAtomFeed(), name="thread_feed_atom"),
    path("threads/<str:slug>/feed.rss", feeds.ThreadRssFeed(), name="thread_feed_rss"),
    path("claims/feed.atom", feeds.ClaimAtomFeed(), name="claim_feed_atom"),
    path("claims/feed.rss", feeds.ClaimRssFeed(), name="claim_feed_rss"),
    path("export.csv", exports.export, {"fmt": "csv"}, name="export_csv"),
    path("export.jsonl", exports.export, {"fmt": "jsonl"}, name="export_jsonl"),
    *(
        path(
            f"{section}/<str:slug>/export.{fmt}",
            exports.export,
            {"fmt": fmt, "kind": kind},
            name=f"{kind}_export_{fmt}",
        )
        for kind, section in (("tag", "tags"), ("channel", "channels"), ("thread", "threads"))
        for fmt in exports.FORMATS
    ),
    # For crawlers: a sitemap index with one paginated section per kind of page.
    path(
        "sitemap.xml",
        require_safe(SITEMAP_CACHE(sitemap_views.index)),
        {"sitemaps": seo.SITEMAPS, "sitemap_url_name": "catalog:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        require_safe(SITEMAP_CACHE(sitemap_views.sitemap)),
        {"sitemaps": seo.SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", seo.robots_txt, name="robots_txt"),
    # A capture's files for the clip page's player: staff only unless captures are public.
    path(
        "captures/<int:pk>/files/<str:name>",
        media_views.capture_file,
        name="capture_file",
    ),
    # Keyframes of a capture's media, for the same readers as its files.
    path("keyframes/<int:pk>.jpg", keyframe_views.keyframe_image, name="keyframe"),
    # The key that signs captures' manifests (docs/evidence.md), and bundles for staff.
    path("capture-signing-key.pem", evidence_views.signing_key, name="capture_signing_key"),
    path(
        "captures/<int:pk>/evidence.wacz",
        evidence_views.export_bundle,
        name="capture_evidence",
    ),
    path("favicon.ico", seo.favicon, name="favicon"),
]
