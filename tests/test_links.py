"""catalog.links.detail_url gives exactly reverse()'s URL, also under a script prefix."""

import pytest
from django.urls import reverse, set_script_prefix

from catalog.links import detail_url

VALUES = [
    ("catalog:clip_detail", "pk", 1),
    ("catalog:clip_detail", "pk", 1234567),
    ("catalog:tag_detail", "slug", "ukraine"),
    ("catalog:tag_detail", "slug", "außenpolitik"),
    ("catalog:tag_detail", "slug", "münchen-2024"),
    ("catalog:tag_detail", "slug", "a b%c?d#e&f"),
    ("catalog:channel_detail", "slug", "welt-nachrichten"),
    ("catalog:channel_detail", "slug", "日本"),
]


@pytest.mark.parametrize(("name", "kwarg", "value"), VALUES)
@pytest.mark.parametrize("prefix", ["/", "/newsclips/"])
def test_detail_url_is_reverse(name, kwarg, value, prefix):
    set_script_prefix(prefix)
    try:
        assert detail_url(name, kwarg, value) == reverse(name, kwargs={kwarg: value})
        assert detail_url(name, kwarg, value).startswith(prefix)
    finally:
        set_script_prefix("/")


def test_values_reverse_refuses_are_left_to_reverse():
    from django.urls import NoReverseMatch

    for value in ("", "a/b"):
        with pytest.raises(NoReverseMatch):
            detail_url("catalog:tag_detail", "slug", value)
