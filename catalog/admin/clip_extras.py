"""The clip admin's share of web ingestion: locks, history inlines, the refresh action.

An editor's correction must survive the next refresh, so saving a clip in the
admin locks every lockable field the editor changed (and the tags, if the tag
inline changed), unless the editor set the locks themselves in the same save.
"""

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from catalog import ingest
from catalog.models import AvailabilityCheck, Clip, ClipRevision, ClipTag

# A form field that, when changed, locks a lockable field of another name.
_LOCKS_VIA = {"published_precision": "published_at"}


class ClipForm(forms.ModelForm):
    locked_fields = forms.MultipleChoiceField(
        label=_("Locked fields"),
        choices=list(Clip.LOCKABLE_FIELDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Clip._meta.get_field("locked_fields").help_text,
    )

    class Meta:
        model = Clip
        fields = ["locked_fields"]  # ClipAdmin adds the others from its fieldsets


def lock_edited_fields(clip, form):
    """Add the lockable fields the editor changed to clip.locked_fields (before saving)."""
    if "locked_fields" in form.changed_data:
        return  # the editor chose the locks: respect them
    edited = {_LOCKS_VIA.get(name, name) for name in form.changed_data}
    clip.locked_fields = sorted(
        set(clip.locked_fields or ()) | (edited & set(Clip.LOCKABLE_FIELDS))
    )


def lock_edited_tags(clip, form, formsets):
    if "locked_fields" in form.changed_data or "tags" in (clip.locked_fields or ()):
        return
    if any(fs.model is ClipTag and fs.has_changed() for fs in formsets):
        clip.locked_fields = sorted({*clip.locked_fields, "tags"})
        clip.save(update_fields=["locked_fields"])


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ClipRevisionInline(ReadOnlyInline):
    model = ClipRevision
    fields = ["changed_at", "field", "old", "new"]
    readonly_fields = fields
    classes = ["collapse"]
    verbose_name_plural = _("changes at the source")


class AvailabilityCheckInline(ReadOnlyInline):
    model = AvailabilityCheck
    fields = ["checked_at", "status", "reason"]
    readonly_fields = fields
    classes = ["collapse"]
    verbose_name_plural = _("availability history")


@admin.action(description=_("Refresh metadata from the source"))
def refresh_metadata(model_admin, request, queryset):
    job = ingest.start_refresh_job(
        clip_ids=list(queryset.values_list("pk", flat=True)), user=request.user
    )
    return redirect(job.get_absolute_url())
