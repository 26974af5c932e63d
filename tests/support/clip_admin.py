"""The clip's admin change form as a browser would send it back, for tests that edit a clip."""

from django.urls import reverse


def clip_form_data(client, clip, **fields):
    """(url, data): the change form's own values, no channel, date or locks, and every
    inline empty (its management form with no rows); `fields` are set on top."""
    url = reverse("admin:catalog_clip_change", args=[clip.pk])
    context = client.get(url).context
    form = context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data.update({"channel": "", "published_at_0": "", "published_at_1": "", "locked_fields": []})
    for inline in context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(fields)
    return url, data
