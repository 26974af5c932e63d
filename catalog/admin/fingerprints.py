"""The editors' side of fingerprints: what was computed for a clip, what failed and why.

Fingerprints are computed, never edited: the clip page shows them as tables,
not inlines, so saving a clip posts no forms for them
(templatetags/fingerprints.py: clip_fingerprints); the "Compute fingerprints"
action queues the background task for the chosen clips, and the fingerprint
list lets an operator find the failures.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.fingerprint.mediaprint import PDQ_BYTES, audio_seconds, usable_frame_count
from catalog.fingerprint.tasks import request_fingerprint
from catalog.models import MediaFingerprint


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


@admin.register(MediaFingerprint)
class MediaFingerprintAdmin(admin.ModelAdmin):
    list_display = ["clip", "status", "reason", "duration", "frames", "computed_at"]
    list_filter = ["status"]
    list_select_related = ["clip"]
    search_fields = ["clip__title", "reason"]
    fields = [
        "clip",
        "stored_file",
        "status",
        "reason",
        "duration",
        "frames",
        "usable_frames",
        "audio_length",
        "tools",
        "computed_at",
    ]
    readonly_fields = fields
    actions = None

    @admin.display(description=_("frames"))
    def frames(self, obj):
        return obj.hash_bytes // PDQ_BYTES

    @admin.display(description=_("frames used for matching"))
    def usable_frames(self, obj):
        return usable_frame_count(obj.frame_quality)

    @admin.display(description=_("audio fingerprint"))
    def audio_length(self, obj):
        seconds = audio_seconds(obj.audio_bytes, obj.audio_step)
        return "—" if seconds is None else _("%(seconds).0f s") % {"seconds": seconds}

    @admin.display(description=_("tools"))
    def tools(self, obj):
        return ", ".join(f"{name} {version}" for name, version in sorted(obj.tool_versions.items()))

    def get_queryset(self, request):
        return super().get_queryset(request).with_sizes()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
