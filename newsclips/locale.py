"""The interface language: chosen by the URL, else by the browser's Accept-Language.

    /tags/ukraine/       the language the browser asks for (Vary: Accept-Language)
    /de/tags/ukraine/    German, whatever the browser says (varies on nothing)
    /en/tags/ukraine/    English

The page itself decides nothing from cookies, so a shared cache or CDN can keep
every variant: the URL and Accept-Language are all a response depends on. A
language prefix works like a path the site is mounted under (a script prefix):
the URLconf stays as it is, and every URL reversed while the page renders
({% url %}, get_absolute_url) carries the prefix, so a reader who picked a
language keeps it from link to link, in bookmarks and shared links.
"""

from django.conf import settings
from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header


def language_from_header(request):
    """The first language of Accept-Language the site speaks, else LANGUAGE_CODE."""
    # META, not request.headers: that builds a dict of every header, and this runs
    # on every revalidation (newsclips.http_cache), where it cost more than the rest.
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def split_language_prefix(path):
    """("de", "/tags/x/") for "/de/tags/x/"; (None, path) without a prefix."""
    code, sep, rest = path[1:].partition("/")
    if code in dict(settings.LANGUAGES):
        return code, sep + rest or "/"
    return None, path


class LocaleMiddleware:
    """Activates the request's language (see the module docstring).

    Sets request.LANGUAGE_CODE, request.language_from_url (the prefix, or None),
    request.unprefixed_path (the path without it) and request.site_prefix (the
    script prefix before it), which the switch needs to link to the other languages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        prefix = get_script_prefix()
        code, path_info = split_language_prefix(request.path_info)
        request.language_from_url = code
        request.unprefixed_path = path_info
        request.site_prefix = prefix
        if code:
            request.path_info = path_info
            set_script_prefix(f"{prefix}{code}/")
        translation.activate(code or language_from_header(request))
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            # The prefix belongs to this request only (the test client, a thread
            # that serves the next request without a WSGI handler resetting it).
            set_script_prefix(prefix)
        if not code:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def language_links(request):
    """Context processor: `language_links`, this page in every language of the site.

    Plain links (the reader's choice is the URL they follow), so the switch needs
    no form, no CSRF token and no script.
    """
    path = getattr(request, "unprefixed_path", request.path_info)
    prefix = getattr(request, "site_prefix", "/")
    query = request.META.get("QUERY_STRING", "")
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        url = f"{prefix}{code}{path}" + (f"?{query}" if query else "")
        links.append(
            {"code": code, "name": info["name_local"], "url": url, "current": code == current}
        )
    return {"language_links": links}
