"""The editors' side of fingerprints: what was computed for a clip, what failed and why.

Fingerprints are computed, never edited: the clip page shows them read-only
(inlines), the "Compute fingerprints" action queues the background task for
the chosen clips, and the fingerprint list lets an operator find the failures.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.fingerprint import MIN_QUALITY
from catalog.fingerprint.jobs import request_fingerprint
from catalog.models import MediaFingerprint, ThumbnailHash

from .clip_extras import ReadOnlyInline


@admin.action(description=_("Compute fingerprints (media and thumbnail)"))
def compute_fingerprints(model_admin, request, queryset):
    ids = list(queryset.values_list("pk", flat=True))
    for clip_id in ids:
        request_fingerprint(clip_id)
    model_admin.message_user(
        request,
        ngettext(
            "Fingerprints of %(count)d clip queued; the worker computes them.",
            "Fingerprints of %(count)d clips queued; the worker computes them.",
            len(ids),
        )
        % {"count": len(ids)},
        messages.SUCCESS,
    )


FACTS = ["status", "reason", "duration", "frames", "usable_frames", "audio_seconds"]


class FingerprintFacts:
    """Read-only columns for a MediaFingerprint: counts instead of bytes."""

    @admin.display(description=_("frames"))
    def frames(self, obj):
        return obj.frame_count

    @admin.display(description=_("frames used for matching"))
    def usable_frames(self, obj):
        return sum(1 for quality in bytes(obj.frame_quality) if quality >= MIN_QUALITY)

    @admin.display(description=_("audio fingerprint"))
    def audio_seconds(self, obj):
        values = len(bytes(obj.audio)) // 4
        if not values or not obj.audio_step:
            return "—"
        return _("%(seconds).0f s") % {"seconds": values * obj.audio_step}

    @admin.display(description=_("tools"))
    def tools(self, obj):
        return ", ".join(f"{name} {version}" for name, version in sorted(obj.tool_versions.items()))


class MediaFingerprintInline(FingerprintFacts, ReadOnlyInline):
    model = MediaFingerprint
    fields = ["computed_at", *FACTS]
    readonly_fields = fields
    classes = ["collapse"]
    verbose_name_plural = _("media fingerprints")


class ThumbnailHashInline(ReadOnlyInline):
    model = ThumbnailHash
    fields = ["computed_at", "status", "reason", "quality", "pdq_hex"]
    readonly_fields = fields
    classes = ["collapse"]
    verbose_name_plural = _("thumbnail hash")

    @admin.display(description=_("PDQ hash"))
    def pdq_hex(self, obj):
        return bytes(obj.pdq).hex() or "—"


@admin.register(MediaFingerprint)
class MediaFingerprintAdmin(FingerprintFacts, admin.ModelAdmin):
    list_display = ["clip", "status", "reason", "duration", "frames", "computed_at"]
    list_filter = ["status"]
    list_select_related = ["clip"]
    search_fields = ["clip__title", "reason"]
    fields = ["clip", "stored_file", *FACTS, "tools", "computed_at"]
    readonly_fields = fields
    actions = None

    def get_queryset(self, request):
        # The list shows no hashes: leave the bytes in the database.
        return super().get_queryset(request).defer("frame_hashes", "audio")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
