"""Admin pages for ingestion from the web: URLs, .info.json uploads, jobs, followed sources.

One video URL or one small file is imported while the editor waits; anything
bigger becomes an IngestJob that the worker runs, and the editor is sent to the
job's page, which shows its progress and each item's outcome.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog import ingest
from catalog.models import Clip, FollowedSource, IngestJob, IngestJobItem

MAX_URLS = 500
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
INLINE_UPLOAD_BYTES = 1024 * 1024  # one file up to this size is imported at once


class UrlsForm(forms.Form):
    urls = forms.CharField(
        label=_("URLs"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 100}),
        help_text=_("One per line: videos, playlists or channels (YouTube and other sites)."),
    )
    limit = forms.IntegerField(
        label=_("Limit"),
        required=False,
        min_value=1,
        max_value=MAX_URLS,
        initial=25,
        help_text=_("At most this many videos of each playlist or channel, newest first."),
    )
    refresh = forms.BooleanField(
        label=_("Fetch again"),
        required=False,
        help_text=_("Also re-fetch videos already in the catalogue (default: leave them)."),
    )

    def clean_urls(self):
        urls, bad = [], []
        for line in self.cleaned_data["urls"].splitlines():
            line = line.strip()
            if not line:
                continue
            if not line.startswith(("http://", "https://")):
                bad.append(line[:80])
            elif line not in urls:
                urls.append(line)
        if bad:
            raise forms.ValidationError(
                _("Not an http(s) URL: %(lines)s"), params={"lines": ", ".join(bad[:5])}
            )
        if not urls:
            raise forms.ValidationError(_("Enter at least one URL."))
        if len(urls) > MAX_URLS:
            raise forms.ValidationError(
                _("At most %(max)d URLs at once."), params={"max": MAX_URLS}
            )
        return urls


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, as Django's documentation shows."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".json,application/json"}))
        # An empty file fails alone, by name, in the import; it must not refuse the whole batch.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class InfoJsonUploadForm(forms.Form):
    files = MultipleFileField(
        label=_(".info.json files"),
        help_text=_("Written by yt-dlp --write-info-json; several at once, at most 20 MB each."),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        too_big = [
            f"{f.name} ({f.size / 1024 / 1024:.1f} MB)" for f in files if f.size > MAX_UPLOAD_BYTES
        ]
        if too_big:
            raise forms.ValidationError(
                _("Larger than 20 MB: %(files)s"), params={"files": ", ".join(too_big)}
            )
        return files


def _form_page(request, model_admin, form, title, result=None):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Clip._meta,
        "title": title,
        "form": form,
        "media": model_admin.media + form.media,
        "result": result,
    }
    return TemplateResponse(request, "admin/catalog/clip/ingest_form.html", context)


def add_from_urls_view(model_admin):
    def view(request):
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        form = UrlsForm(request.POST or None)
        result = None
        if request.method == "POST" and form.is_valid():
            urls, data = form.cleaned_data["urls"], form.cleaned_data
            if len(urls) == 1 and not ingest.is_collection_url(urls[0]):
                result = ingest.ingest_url(urls[0], refresh=data["refresh"])
                _message(request, result)
            else:
                job = ingest.start_url_job(
                    urls, limit=data["limit"], refresh=data["refresh"], user=request.user
                )
                return redirect(job.get_absolute_url())
        return _form_page(request, model_admin, form, _("Add from URLs"), result)

    return view


def upload_infojson_view(model_admin):
    def view(request):
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        form = InfoJsonUploadForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            files = form.cleaned_data["files"]
            if len(files) == 1 and files[0].size <= INLINE_UPLOAD_BYTES:
                result = ingest.import_infojson(files[0].read(), name=files[0].name)
                _message(request, result)
            else:
                job = ingest.start_infojson_job(
                    [(f.name, f.read()) for f in files], user=request.user
                )
                return redirect(job.get_absolute_url())
        return _form_page(request, model_admin, form, _("Upload .info.json"), result)

    return view


def _message(request, result):
    if result.outcome is ingest.Outcome.FAILED:
        messages.error(request, _("%(name)s: nothing was imported: %(reason)s") % vars(result))
    else:
        messages.success(request, _("Clip %s.") % result.outcome)


class IngestJobItemInline(admin.TabularInline):
    model = IngestJobItem
    extra = 0
    can_delete = False
    fields = ["position", "name", "outcome", "reason", "clip_link", "done_at"]
    readonly_fields = fields
    ordering = ["position"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("clip"))
    def clip_link(self, item):
        if item.clip_id is None:
            return "—"
        url = reverse("admin:catalog_clip_change", args=[item.clip_id])
        return format_html('<a href="{}">{}</a>', url, item.clip)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("clip")


@admin.register(IngestJob)
class IngestJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    fields = [
        "kind",
        "status",
        "progress",
        "options",
        "error",
        "created_by",
        "created_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "task_id",
    ]
    readonly_fields = fields
    inlines = [IngestJobItemInline]
    actions = ["resume"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("progress"))
    def progress(self, job):
        counts = job.counts()
        return ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n) or "—"

    @admin.action(description=_("Run the selected jobs again (done items are skipped)"))
    def resume(self, request, queryset):
        jobs = [ingest.requeue_job(job) for job in queryset]
        self.message_user(
            request, ngettext("%d job queued.", "%d jobs queued.", len(jobs)) % len(jobs)
        )


@admin.register(FollowedSource)
class FollowedSourceAdmin(admin.ModelAdmin):
    list_display = ["url", "channel", "enabled", "interval", "last_checked_at", "last_outcome"]
    list_filter = ["enabled"]
    list_editable = ["enabled"]
    search_fields = ["url", "channel__name"]
    autocomplete_fields = ["channel"]
    readonly_fields = ["last_checked_at", "last_outcome", "last_error", "created_at"]
    actions = ["check_now"]

    @admin.action(description=_("Check the selected sources now"))
    def check_now(self, request, queryset):
        job = ingest.start_follow_job(
            source_ids=list(queryset.values_list("pk", flat=True)), user=request.user
        )
        return redirect(job.get_absolute_url())
