"""Claims, their fact-checks and the clip's authenticity rating in the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.models import Claim, ClaimReview, MediaReview, Moment


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
