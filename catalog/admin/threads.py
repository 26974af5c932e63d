"""Story threads for editors: a thread with its clips (each with a note and an optional place)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from catalog.models import StoryThread, ThreadClip


class ThreadClipInline(admin.TabularInline):
    model = ThreadClip
    extra = 1
    autocomplete_fields = ["clip"]
    fields = ["clip", "note", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("clip")


@admin.register(StoryThread)
class StoryThreadAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "published", "clips_in_thread", "updated_at"]
    list_filter = ["published"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    fields = ["name", "slug", "description", "published", "created_at", "updated_at"]
    inlines = [ThreadClipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(clip_total=Count("thread_clips"))

    @admin.display(description=_("clips"), ordering="clip_total")
    def clips_in_thread(self, obj):
        return obj.clip_total

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.published else None
