"""Claims, their fact-checks and the clip's authenticity rating in the admin."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from catalog import ingest
from catalog.models import Claim, ClaimReview, Clip, MediaReview, Moment

from .moments import TimecodeField


class ClaimReviewInline(admin.TabularInline):
    model = ClaimReview
    extra = 0
    fields = ["organisation", "rating", "url", "published"]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["__str__", "claimant", "clip", "claimed_on"]
    list_select_related = ["clip"]
    search_fields = ["text", "claimant", "clip__title"]
    autocomplete_fields = ["clip"]
    raw_id_fields = ["moment"]  # a catalogue holds millions of moments: no select of them all
    fields = ["clip", "moment", "text", "claimant", "claimed_on", "language"]
    inlines = [ClaimReviewInline]


class ClaimInline(admin.TabularInline):
    """The clip's claims; their fact-checks are edited on each claim's own page."""

    model = Claim
    extra = 0
    fields = ["text", "claimant", "moment", "claimed_on", "language"]
    show_change_link = True
    classes = ["collapse"]
    verbose_name_plural = _("claims (fact-checks on each claim's page)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "moment":
            clip_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Moment.objects.filter(clip_id=clip_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MediaReviewInline(admin.StackedInline):
    model = MediaReview
    extra = 0
    max_num = 1
    fields = ["rating", "note"]
    classes = ["collapse"]


class FactCheckImportForm(forms.Form):
    url = forms.URLField(
        label=_("Fact-check URL"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("A published fact-check whose page carries a schema.org ClaimReview."),
    )
    at = TimecodeField(
        label=_("At"), required=False, help_text=_("Where in the clip the claim is made: 7:42.")
    )


def import_factcheck_view(model_admin):
    """The clip's "Import fact-check" page: a thin wrapper of ingest.import_factcheck."""

    def view(request, object_id):
        if not request.user.has_perm("catalog.add_claim"):
            raise PermissionDenied
        clip = get_object_or_404(Clip, pk=object_id)
        form = FactCheckImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                outcome, review = ingest.import_factcheck(
                    form.cleaned_data["url"], clip, at=form.cleaned_data["at"]
                )
            except ingest.IngestError as error:
                form.add_error("url", _("Nothing was imported: %s") % error)
            else:
                messages.success(
                    request,
                    _("Fact-check %(outcome)s: %(organisation)s rates it %(rating)s.")
                    % {
                        "outcome": outcome,
                        "organisation": review.organisation,
                        "rating": review.rating,
                    },
                )
                return redirect("admin:catalog_clip_change", clip.pk)
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": Clip._meta,
            "title": _("Import a fact-check for “%s”") % clip.title,
            "form": form,
            "media": model_admin.media + form.media,
        }
        return TemplateResponse(request, "admin/catalog/clip/ingest_form.html", context)

    return view
