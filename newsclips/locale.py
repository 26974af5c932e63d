"""The interface language without language prefixes in URLs."""

from django.middleware import locale
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware, with the language cookie named in Vary.

    The same URL serves English or German depending on Accept-Language *and* the
    cookie that the language switch sets; Django only adds Accept-Language to Vary
    when no URL prefix decides, so a shared cache could hand one reader's German
    page to another who chose English.
    """

    def process_response(self, request, response):
        response = super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        return response
