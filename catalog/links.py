"""reverse() for the detail URLs every clip card links to, without its cost per link.

A list page links ~200 times to clip, tag and channel pages, and each reverse()
costs tens of microseconds (resolver lookup, a regex match, quoting): milliseconds
per page. detail_url() reverses a URL name once with a marker argument (per
urlconf and script prefix, so both stay honoured) and then only splices the quoted
value in, which gives the same URL as reverse().
"""

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Safe characters of a path segment, as reverse() quotes them (RFC 3986 pchar).
_SAFE = "!$&'()*+,;=" + "/~:@"
_MARKER = 987654321987654321  # passes both the int and the str converter


@lru_cache(maxsize=64)
def _around_marker(viewname, kwarg, urlconf, prefix):
    url = reverse(viewname, urlconf=urlconf, kwargs={kwarg: _MARKER})
    head, _marker, tail = url.partition(str(_MARKER))
    return head, tail


def detail_url(viewname, kwarg, value):
    """reverse(viewname, kwargs={kwarg: value}) for one int or slug-like value."""
    text = str(value)
    if not text or "/" in text or str(_MARKER) in text:
        # What the converters may refuse or the splice would get wrong: reverse() decides.
        return reverse(viewname, kwargs={kwarg: value})
    head, tail = _around_marker(
        viewname, kwarg, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    )
    return head + quote(text, safe=_SAFE) + tail
