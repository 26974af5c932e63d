"""Relations between clips for editors: the review queue of suggestions, and relations of their own.

Matching suggests relations (ClipRelation.objects.suggest); an editor decides on
them in the review queue, where the two clips stand side by side with their
thumbnails and the aligned time ranges, one by one or many at once. Every
decision goes through ClipRelation.decide, so who decided and when is kept, and
a later suggestion never overrides it. Editors add relations of their own on the
clip's page (an inline) or here; theirs are confirmed unless they say otherwise.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from catalog.models import ClipRelation
from catalog.timecode import timecode

from .moments import TimecodeField

Status = ClipRelation.Status
REVIEW_PAGE_SIZE = 20


class RelationForm(forms.ModelForm):
    """Times typed as a clock ("0:42"); an editor's new relation is confirmed by default."""

    from_start = TimecodeField(label=_("from start"), required=False)
    from_end = TimecodeField(label=_("from end"), required=False)
    to_start = TimecodeField(label=_("to start"), required=False)
    to_end = TimecodeField(label=_("to end"), required=False)

    class Meta:
        model = ClipRelation
        fields = [
            "from_clip",
            "kind",
            "to_clip",
            "from_start",
            "from_end",
            "to_start",
            "to_end",
            "status",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("status", Status.CONFIRMED)

    def clean(self):
        data = super().clean()
        for side in ("from", "to"):
            start, end = data.get(f"{side}_start"), data.get(f"{side}_end")
            if (start is None) != (end is None):
                self.add_error(f"{side}_end", _("Give both the start and the end, or neither."))
            elif start is not None and end <= start:
                self.add_error(f"{side}_end", _("The end must come after the start."))
        return data


def record_editor(relation, user, changed):
    """An editor's relation: origin 'editor' when new; a changed status is their decision."""
    if relation.pk is None:
        relation.origin = ClipRelation.Origin.EDITOR
    if (relation.pk is None or "status" in changed) and relation.status != Status.SUGGESTED:
        relation.reviewed_by, relation.reviewed_at = user, timezone.now()


class ClipRelationInline(admin.TabularInline):
    """On the clip's page: "this clip is <kind> <other clip>"."""

    model = ClipRelation
    form = RelationForm
    fk_name = "from_clip"
    extra = 0
    autocomplete_fields = ["to_clip"]
    fields = ["kind", "to_clip", "from_start", "from_end", "to_start", "to_end", "status", "note"]
    verbose_name = _("relation: this clip is … of another")
    verbose_name_plural = _("relations: this clip is … of another")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("to_clip")


def save_relation_formset(request, formset):
    """The clip page's relation inline: the editor's relations recorded as theirs."""
    for inline_form in formset.forms:
        deleted = getattr(inline_form, "cleaned_data", {}).get("DELETE")
        if inline_form.has_changed() and not deleted:
            record_editor(inline_form.instance, request.user, inline_form.changed_data)
    formset.save()


@admin.action(description=_("Confirm the selected relations"), permissions=["change"])
def confirm_relations(model_admin, request, queryset):
    model_admin.message_user(request, decide_all(queryset, Status.CONFIRMED, request.user))


@admin.action(description=_("Reject the selected relations"), permissions=["change"])
def reject_relations(model_admin, request, queryset):
    model_admin.message_user(request, decide_all(queryset, Status.REJECTED, request.user))


def decide_all(relations, status, user, note=""):
    """Decide each relation (ClipRelation.decide); the message that says how many."""
    decided = 0
    for relation in relations:
        relation.decide(status, user, note)
        decided += 1
    if status == Status.CONFIRMED:
        return ngettext(
            "Confirmed %(count)d relation.", "Confirmed %(count)d relations.", decided
        ) % {"count": decided}
    return ngettext("Rejected %(count)d relation.", "Rejected %(count)d relations.", decided) % {
        "count": decided
    }


@dataclass
class RangeBar:
    """Where a time range lies in a clip, for a 100-unit-wide SVG bar."""

    x: float
    width: float
    label: str


def range_bar(start, end, duration):
    if start is None or end is None:
        return None
    label = f"{timecode(start)}–{timecode(end)}"
    if not duration:
        return RangeBar(0, 0, label)
    x = max(0.0, min(100.0, 100 * start / duration))
    width = max(1.0, min(100.0 - x, 100 * (end - start) / duration))
    return RangeBar(round(x, 2), round(width, 2), label)


@dataclass
class ReviewItem:
    relation: ClipRelation
    from_bar: RangeBar | None
    to_bar: RangeBar | None

    @property
    def evidence(self):
        """The evidence's plain values ("frames: 0.91"), for a glance; nested ones left out."""
        return [
            (key, value)
            for key, value in sorted((self.relation.evidence or {}).items())
            if isinstance(value, str | int | float)
        ]


def review_view(model_admin):
    @require_http_methods(["GET", "POST"])
    def view(request):
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        queue = ClipRelation.objects.review_queue()
        if request.method == "POST":
            return decide_from_queue(request, queue)
        page = Paginator(queue, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
        items = [
            ReviewItem(
                relation,
                range_bar(relation.from_start, relation.from_end, relation.from_clip.duration),
                range_bar(relation.to_start, relation.to_end, relation.to_clip.duration),
            )
            for relation in page.object_list
        ]
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": ClipRelation._meta,
            "title": _("Review suggested relations"),
            "page_obj": page,
            "items": items,
            "statuses": Status,
        }
        return TemplateResponse(request, "admin/catalog/cliprelation/review.html", context)

    return view


def decide_from_queue(request, queue):
    """One decision ("decide" = "<id>:<status>") or one for all the ticked ("bulk" = status)."""
    note = request.POST.get("note", "").strip()[:2000]
    if request.POST.get("decide"):
        pk, _sep, status = request.POST["decide"].partition(":")
        ids = [pk]
    else:
        status, ids = request.POST.get("bulk", ""), request.POST.getlist("selected")
    ids = [int(pk) for pk in ids if pk.isdigit()]
    if status not in (Status.CONFIRMED, Status.REJECTED) or not ids:
        messages.warning(request, _("Tick the relations to decide on first."))
    else:
        # Only pending suggestions: a relation decided meanwhile (another editor) stays.
        messages.success(request, decide_all(queue.filter(pk__in=ids), status, request.user, note))
    page = request.POST.get("page", "")
    url = reverse("admin:catalog_cliprelation_review")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@admin.register(ClipRelation)
class ClipRelationAdmin(admin.ModelAdmin):
    form = RelationForm
    actions = [confirm_relations, reject_relations]
    list_display = ["__str__", "kind", "status", "origin", "score", "reviewed_by", "created_at"]
    list_filter = ["status", "kind", "origin"]
    list_select_related = ["from_clip", "to_clip", "reviewed_by"]
    search_fields = ["from_clip__title", "to_clip__title", "note"]
    search_help_text = _("The title of either clip, or the note.")
    autocomplete_fields = ["from_clip", "to_clip"]
    readonly_fields = ["origin", "score", "evidence", "reviewed_by", "reviewed_at", "created_at"]

    def get_urls(self):
        return [
            path(
                "review/",
                self.admin_site.admin_view(review_view(self)),
                name="catalog_cliprelation_review",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        pending = ClipRelation.objects.suggested().count()
        return super().changelist_view(request, {**(extra_context or {}), "pending": pending})

    def save_model(self, request, obj, form, change):
        record_editor(obj, request.user, form.changed_data)
        super().save_model(request, obj, form, change)
