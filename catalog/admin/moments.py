"""Moments on the clip's admin page: an inline whose times are typed as a clock shows them."""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog.models import Moment
from catalog.timecode import parse_timecode, timecode


class TimecodeField(forms.Field):
    """Seconds, typed and shown as "7:42" or "1:02:03" (a plain "95" is seconds too)."""

    widget = forms.TextInput(attrs={"size": 9, "inputmode": "numeric", "placeholder": "7:42"})
    default_error_messages = {
        "invalid": _("Type a time such as 7:42 or 1:02:03 (hours:minutes:seconds)."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int | float):
            return value
        try:
            return parse_timecode(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, int | float):
            whole = timecode(value)
            fraction = value - int(value)
            # Fractions of a second from the platform are kept, not rounded away on save.
            return f"{whole}{f'{fraction:.3f}'[1:].rstrip('0')}" if fraction else whole
        return value

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except forms.ValidationError:
            return True


class MomentForm(forms.ModelForm):
    start = TimecodeField(label=_("start"), help_text=_("e.g. 7:42 or 1:02:03"))
    end = TimecodeField(label=_("end"), help_text=_("e.g. 7:50"))

    class Meta:
        model = Moment
        fields = ["kind", "start", "end", "title", "description", "tags", "language"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def __init__(self, *args, clip=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The clip as the page's main form left it: a duration edited in the same save counts.
        self.clip = clip

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        duration = self.clip.duration if self.clip is not None else None
        for name, value in (("start", start), ("end", end)):
            if value is not None and duration is not None and value > duration:
                self.add_error(
                    name,
                    _("%(time)s is past the clip's end (%(duration)s).")
                    % {"time": timecode(value), "duration": timecode(duration)},
                )
        if start is not None and end is not None and end <= start and "end" not in self.errors:
            self.add_error(
                "end",
                _("The end must come after the start (%(start)s).") % {"start": timecode(start)},
            )
        return cleaned


class MomentFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "clip": self.instance}


class MomentInline(admin.TabularInline):
    model = Moment
    form = MomentForm
    formset = MomentFormSet
    extra = 0
    autocomplete_fields = ["tags"]
    fields = ["kind", "start", "end", "title", "description", "tags", "language", "preview"]
    readonly_fields = ["preview"]
    classes = ["collapse"]

    @admin.display(description=_("preview"))
    def preview(self, moment):
        """Plays the clip from the moment's start on its public page (or its preserved copy)."""
        if not moment.pk:
            return ""
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">▶ {}</a>',
            moment.get_absolute_url(),
            moment.timestamp,
        )
