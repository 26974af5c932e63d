"""The admin's "Have we seen this?" page: upload a file or give a URL, see the matches.

Thin: a form, one call into catalog.matching, the matches with their clips. The
matching (numpy, PyAV) is imported by the view when a staff member asks: a web
process loads it on the first such request, not when it starts (most never serve
this page).
"""

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from catalog.capture.storage import max_file_bytes
from catalog.matching.report import KIND_LABELS, span
from catalog.models import Clip


class SeenForm(forms.Form):
    file = forms.FileField(
        label=_("Media file"), required=False, help_text=_("A video or audio file.")
    )
    url = forms.URLField(
        label=_("or its address"),
        required=False,
        assume_scheme="https",
        max_length=2000,
        help_text=_("A page with the video; it is fetched like a capture and not kept."),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Upload a file or give an address (one of them)."))
        upload = data.get("file")
        if upload and upload.size > max_file_bytes():
            raise forms.ValidationError(_("The file is larger than the capture limit."))
        return data


def _match_upload(upload, match_file):
    if hasattr(upload, "temporary_file_path"):
        return match_file(upload.temporary_file_path())
    with tempfile.TemporaryDirectory(prefix="newsclips-seen-") as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return match_file(path)


def have_we_seen_view(model_admin):
    def view(request):
        # The media stack, loaded by the first request for this page (see above).
        from catalog.matching.suggest import MatchFailed, match_file, match_url

        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = SeenForm(request.POST, request.FILES) if posted else SeenForm()
        rows = None
        if posted and form.is_valid():
            try:
                if form.cleaned_data["file"]:
                    matches = _match_upload(form.cleaned_data["file"], match_file)
                else:
                    matches = match_url(form.cleaned_data["url"])
            except MatchFailed as error:
                messages.error(request, _("That could not be matched: %s") % error)
            else:
                clips = Clip.objects.select_related("channel").in_bulk(
                    [match.clip_id for match in matches]
                )
                rows = [
                    {
                        "match": match,
                        "clip": clips.get(match.clip_id),
                        "kind": KIND_LABELS.get(match.kind, match.kind),
                        "clip_range": match.ranges and span(*match.ranges[:2]),
                        "file_range": match.ranges and span(*match.ranges[2:]),
                    }
                    for match in matches
                ]
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": Clip._meta,
            "title": _("Have we seen this?"),
            "form": form,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/catalog/clip/have_we_seen.html", context)

    return view
