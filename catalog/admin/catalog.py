from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from catalog.models import Channel, ChannelLink, Clip, ClipRelation, ClipTag, RelatedLink, Tag

from . import (
    captures,
    claims,
    clip_extras,
    fingerprints,
    imports,
    matching,
    moments,
    relations,
    web_imports,
)


class ChannelLinkInline(admin.TabularInline):
    model = ChannelLink
    extra = 0
    fields = ["position", "label", "url"]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "platform", "handle", "clip_count", "follower_count", "updated_at"]
    list_filter = ["platform"]
    ordering = ["name"]
    search_fields = ["name", "handle", "platform_id"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["clip_count", "created_at", "updated_at"]
    inlines = [ChannelLinkInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "clip_count", "created_at"]
    ordering = ["slug"]
    search_fields = ["slug", "name"]
    readonly_fields = ["clip_count", "created_at"]

    def save_model(self, request, obj, form, change):
        obj.slug = Tag.normalise(obj.slug or obj.name)
        super().save_model(request, obj, form, change)


class ClipTagInline(admin.TabularInline):
    model = ClipTag
    extra = 1
    autocomplete_fields = ["tag"]
    fields = ["tag", "origin"]
    verbose_name = _("tag")
    verbose_name_plural = _("tags")


class RelatedLinkInline(admin.TabularInline):
    model = RelatedLink
    fk_name = "clip"
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["position", "title", "url", "target"]


@admin.register(Clip)
class ClipAdmin(admin.ModelAdmin):
    form = clip_extras.ClipForm
    actions = [
        clip_extras.refresh_metadata,
        captures.capture_now,
        fingerprints.compute_fingerprints,
    ]
    list_display = [
        "title",
        "channel",
        "published",
        "duration_display",
        "language",
        "availability",
        "source",
    ]
    list_filter = ["source", "availability", "platform", "language", "published_precision"]
    list_select_related = ["channel"]
    search_fields = ["title", "external_id", "url", "channel__name"]
    search_help_text = _("Title, platform id, URL or channel name.")
    date_hierarchy = "published_at"
    autocomplete_fields = ["channel"]
    readonly_fields = [
        "source",
        "source_url",
        "fetched_at",
        "refreshed_at",
        "raw",
        "created_at",
        "updated_at",
    ]
    inlines = [
        ClipTagInline,
        RelatedLinkInline,
        moments.MomentInline,
        relations.ClipRelationInline,
        claims.ClaimInline,
        claims.MediaReviewInline,
        clip_extras.ClipRevisionInline,
        clip_extras.AvailabilityCheckInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "channel", "description", "url", "thumbnail_url"]}),
        (
            _("Identity"),
            {"fields": ["platform", "external_id"]},
        ),
        (
            _("Date, length, language"),
            {"fields": ["published_at", "published_precision", "duration", "language"]},
        ),
        (
            _("Status and counts"),
            {"fields": ["availability", "view_count", "like_count"]},
        ),
        (
            _("Locked against imports and refreshes"),
            {"fields": ["locked_fields"]},
        ),
        (
            _("Provenance"),
            {
                "classes": ["collapse"],
                "fields": [
                    "source",
                    "source_url",
                    "fetched_at",
                    "refreshed_at",
                    "created_at",
                    "updated_at",
                    "raw",
                ],
            },
        ),
    ]

    @admin.display(description=_("published"), ordering="published_at")
    def published(self, obj):
        return obj.published_display

    @admin.display(description=_("duration"), ordering="duration")
    def duration_display(self, obj):
        return obj.duration_display

    def get_urls(self):
        return [
            path(
                "import-pagetext/",
                self.admin_site.admin_view(imports.import_pagetext_view(self)),
                name="catalog_clip_import_pagetext",
            ),
            path(
                "add-from-urls/",
                self.admin_site.admin_view(web_imports.add_from_urls_view(self)),
                name="catalog_clip_add_from_urls",
            ),
            path(
                "<int:object_id>/capture/",
                self.admin_site.admin_view(captures.capture_clip_view(self)),
                name="catalog_clip_capture",
            ),
            path(
                "<int:object_id>/import-factcheck/",
                self.admin_site.admin_view(claims.import_factcheck_view(self)),
                name="catalog_clip_import_factcheck",
            ),
            path(
                "have-we-seen-this/",
                self.admin_site.admin_view(matching.have_we_seen_view(self)),
                name="catalog_clip_have_we_seen",
            ),
            path(
                "upload-infojson/",
                self.admin_site.admin_view(web_imports.upload_infojson_view(self)),
                name="catalog_clip_upload_infojson",
            ),
            *super().get_urls(),
        ]

    def has_capture_permission(self, request):
        return request.user.has_perm("catalog.add_capture")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.source = Clip.Source.EDITOR
        else:
            clip_extras.lock_edited_fields(obj, form)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is ClipRelation:
            relations.save_relation_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            clip_extras.lock_edited_tags(form.instance, form, formsets)


@admin.register(RelatedLink)
class RelatedLinkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "clip", "position", "target"]
    list_select_related = ["clip", "target"]
    search_fields = ["title", "url", "clip__title"]
    autocomplete_fields = ["clip", "target"]
    list_filter = [("target", admin.EmptyFieldListFilter)]
