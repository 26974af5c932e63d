"""Admin pages that feed sources into the ingestion pipeline.

They are thin: a form, one call into catalog.ingest, and a page that shows the
editor what happened to each item.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from catalog import ingest
from catalog.models import Channel, Clip


class PageTextForm(forms.Form):
    text = forms.CharField(
        label=_("Page text"),
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        strip=False,
        max_length=ingest.pagetext.MAX_LENGTH,
        help_text=_("Select all on the video page, copy, and paste it here."),
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.all(),
        required=False,
        help_text=_("Choose the channel that published the video…"),
    )
    new_channel = forms.CharField(
        label=_("…or type its name"),
        max_length=300,
        required=False,
        help_text=_("An existing channel of that name is reused."),
    )
    source_url = forms.URLField(
        label=_("Source URL"),
        required=False,
        assume_scheme="https",
        max_length=2000,
        help_text=_(
            "Where the text was copied from (optional). A YouTube URL identifies the clip."
        ),
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["channel"]
        field.widget = AutocompleteSelect(Clip._meta.get_field("channel"), admin_site)
        field.widget.choices = field.choices

    def clean(self):
        data = super().clean()
        if data.get("channel") and data.get("new_channel", "").strip():
            raise forms.ValidationError(_("Choose a channel or type a name, not both."))
        return data

    @property
    def channel_name(self):
        channel = self.cleaned_data.get("channel")
        return channel.name if channel else self.cleaned_data.get("new_channel", "").strip()


def import_pagetext_view(model_admin):
    def view(request):
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        result = None
        form = PageTextForm(request.POST or None, admin_site=model_admin.admin_site)
        if request.method == "POST" and form.is_valid():
            result = ingest.import_pagetext(
                form.cleaned_data["text"],
                channel_name=form.channel_name,
                source_url=form.cleaned_data["source_url"],
            )
            if result.outcome is ingest.Outcome.FAILED:
                messages.error(request, _("Nothing was imported: %s") % result.reason)
            else:
                messages.success(request, _("Clip %s.") % result.outcome)
                form = PageTextForm(admin_site=model_admin.admin_site)
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": Clip._meta,
            "title": _("Import page text"),
            "form": form,
            "media": model_admin.media + form.media,
            "result": result,
        }
        return TemplateResponse(request, "admin/catalog/clip/ingest_form.html", context)

    return view
