"""The editors' side of captures: "Capture now", the capture pages, deleting with a reason.

A clip's captures and custody log show on its change page as tables, not as
inlines (templatetags/captures.py: clip_captures), so saving a clip posts no
forms for them.

Captures are records, not documents to edit: every field is read-only. A
capture is deleted only through a form that asks for the reason, and the
deletion is written to the clip's custody log; files no other capture uses
go with it.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.capture.custody import log_event
from catalog.capture.jobs import request_capture
from catalog.capture.storage import delete_unused
from catalog.models import (
    Capture,
    CaptureFile,
    CaptureRule,
    CaptureTimestamp,
    Clip,
    CustodyEvent,
    Keyframe,
    MediaAnalysis,
)

from .clip_extras import ReadOnlyInline


@admin.action(description=_("Capture now (media, page and proof)"), permissions=["capture"])
def capture_now(model_admin, request, queryset):
    captures = [request_capture(clip, user=request.user) for clip in queryset]
    model_admin.message_user(
        request,
        ngettext(
            "%(count)d capture queued; the worker runs it.",
            "%(count)d captures queued; the worker runs them.",
            len(captures),
        )
        % {"count": len(captures)},
        messages.SUCCESS,
    )


def capture_clip_view(model_admin):
    """POST only: queue a capture of one clip, back to its change page."""

    def view(request, object_id):
        if request.method != "POST":
            return redirect("admin:catalog_clip_change", object_id)
        if not model_admin.has_capture_permission(request):
            raise PermissionDenied
        clip = get_object_or_404(Clip, pk=object_id)
        capture_now(model_admin, request, Clip.objects.filter(pk=clip.pk))
        return redirect("admin:catalog_clip_change", clip.pk)

    return view


class CaptureFileInline(ReadOnlyInline):
    model = CaptureFile
    fields = ["role", "name", "size", "mime_type", "sha256", "url"]
    readonly_fields = fields
    verbose_name_plural = _("files")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("stored_file")

    @admin.display(description=_("bytes"))
    def size(self, obj):
        return obj.stored_file.size

    @admin.display(description=_("MIME type"))
    def mime_type(self, obj):
        return obj.stored_file.mime_type

    @admin.display(description=_("SHA-256"))
    def sha256(self, obj):
        return obj.stored_file.sha256


class CustodyEventInline(ReadOnlyInline):
    model = CustodyEvent
    fields = ["at", "action", "actor", "detail"]
    readonly_fields = fields
    verbose_name_plural = _("custody log")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class CaptureTimestampInline(ReadOnlyInline):
    model = CaptureTimestamp
    fields = ["tsa_url", "created_at"]
    readonly_fields = fields
    verbose_name_plural = _("RFC 3161 timestamps")


class MediaAnalysisInline(ReadOnlyInline):
    """What the analysis of the media found (catalog.analysis), and what it could not read."""

    model = MediaAnalysis
    fields = [
        "status",
        "reason",
        "duration",
        "keyframe_count",
        "frames_read",
        "frames_skipped",
        "ffmpeg_version",
        "tesseract_version",
        "finished_at",
    ]
    readonly_fields = fields
    verbose_name_plural = _("media analysis")

    @admin.display(description=_("keyframes"))
    def keyframe_count(self, obj):
        return obj.keyframes.count()


class DeleteCaptureForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Why this capture is deleted; it is kept in the clip's custody log."),
    )


@admin.register(Capture)
class CaptureAdmin(admin.ModelAdmin):
    list_display = ["__str__", "clip", "status", "priority", "created_at", "finished_at", "reason"]
    list_filter = ["status", "priority"]
    list_select_related = ["clip"]
    search_fields = ["clip__title", "source_url"]
    ordering = ["-created_at", "-id"]
    actions = None  # no bulk delete: each deletion needs its reason
    inlines = [
        CaptureFileInline,
        MediaAnalysisInline,
        CaptureTimestampInline,
        CustodyEventInline,
    ]
    readonly_fields = [
        "clip",
        "status",
        "reason",
        "priority",
        "source_url",
        "media_urls",
        "ytdlp_version",
        "format_id",
        "http_status",
        "http_headers",
        "cert_sha256",
        "cert_chain_pem",
        "key_fingerprint",
        "requested_by",
        "worker_host",
        "attempts",
        "created_at",
        "started_at",
        "finished_at",
        "links",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("evidence"))
    def links(self, obj):
        if obj.status != Capture.Status.COMPLETE:
            return "—"
        url = reverse("catalog:capture_evidence", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("evidence bundle"))

    def delete_view(self, request, object_id, extra_context=None):
        # The admin's delete page, with the reason it needs.
        return self.delete_with_reason(request, object_id)

    def delete_with_reason(self, request, object_id):
        capture = get_object_or_404(Capture.objects.select_related("clip"), pk=object_id)
        if not self.has_delete_permission(request, capture):
            raise PermissionDenied
        form = DeleteCaptureForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            delete_capture(capture, actor=request.user, reason=form.cleaned_data["reason"])
            self.message_user(request, _("The capture was deleted and the deletion logged."))
            return redirect("admin:catalog_clip_change", capture.clip_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Delete capture #%(id)s") % {"id": capture.pk},
            "capture": capture,
            "form": form,
        }
        return TemplateResponse(request, "admin/catalog/capture/delete_with_reason.html", context)


def delete_capture(capture, *, actor, reason):
    """Delete `capture` and log why; stored files no other capture uses are deleted too
    (its keyframes' as well)."""
    stored = [file.stored_file for file in capture.files.select_related("stored_file")]
    stored += [frame.stored_file for frame in Keyframe.objects.filter(analysis__capture=capture)]
    files = ", ".join(f"{file.name} {file.stored_file.sha256}" for file in capture.files.all())
    with transaction.atomic():
        log_event(
            capture.clip,
            "delete",
            actor=actor,
            detail=f"capture #{capture.pk} deleted: {reason} (files: {files})",
        )
        capture.delete()
    delete_unused(stored)


@admin.register(CaptureRule)
class CaptureRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "enabled", "created_at"]
    list_filter = ["enabled"]
    list_select_related = ["followed_source", "channel", "tag"]
    autocomplete_fields = ["followed_source", "channel", "tag"]
    fields = ["followed_source", "channel", "tag", "enabled"]
