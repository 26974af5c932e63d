"""HTTP caching of the public pages: Cache-Control, an ETag, and 304 without rendering.

A public page (the `catalog` and `api` URL namespaces: lists, tag, channel and
clip pages, search, feeds, exports, the API's GETs) asked for without a session
cookie is the same for every reader who sends the same URL and Accept-Language
(newsclips.locale), so it goes out as

    Cache-Control: public, max-age=NEWSCLIPS_PAGE_MAX_AGE
    ETag: W/"<release>-<catalogue version>-<language>"

The catalogue version changes with every write to anything a page shows
(catalog.versioning), so the ETag is known before the view runs: a conditional
GET whose If-None-Match still holds is answered 304 from one single-row read,
without building the page. A change is seen by every reader within max-age.
Such a conditional GET is answered first of all, before the session, language,
CSRF and other middleware run (not_modified()): a revalidation costs little more
than /healthz. So is a page kept for this version (catalog.versioning.cached_page
marks the views whose pages are kept): its bytes and the headers the inner
middleware gave it, kept as they left it, then the same finish as a built page's.
A public page goes out gzipped to readers whose browsers take gzip (all of them:
a list page's 50 KB go out as 8), by Django's GZipMiddleware applied here, to
public pages only (not to media with their byte ranges, nor editors' pages);
a page is kept twice at most, gzipped and plain, so it is compressed once
per version, not per request.

Such a response varies on Accept-Encoding, on Accept-Language only when the URL
has no language prefix, and never on Cookie: Django's session middleware names Cookie as soon as
anything looks at request.user (the footer does), but without a session cookie
the answer cannot depend on one. A request with a session cookie (an editor) gets
`private` and no-cache headers instead, as do responses that set a cookie or
carry a CSP nonce; the admin keeps its own never-cache headers.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
)

from catalog.versioning import PAGE_MAX_BYTES, current_version, keep_page, kept_page, version_scope
from newsclips.errors import DATABASE_ERRORS, database_unavailable
from newsclips.locale import language_from_header, split_language_prefix

PUBLIC_NAMESPACES = {"catalog", "api"}
# Throttled views must run for every request, 304 or not: their ETag is checked
# on the finished response instead.
CHECKED_AFTER = {"api"}
SAFE_METHODS = {"GET", "HEAD"}
# The request headers that can turn a 200 into a 304 or 412 (RFC 9110 13.2.2).
PRECONDITIONS = {"HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"}
CONDITIONALS = PRECONDITIONS | {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"}


def release_id(root=Path(settings.BASE_DIR)):
    """A digest of the code, templates, translations and static files: a deploy of
    other code is a new ETag even where the catalogue did not change."""
    digest = hashlib.sha256()
    for part in ("catalog", "newsclips", "templates", "locale", "static"):
        for path in sorted((root / part).rglob("*")):
            if path.suffix in {".py", ".html", ".mo", ".css", ".js", ".svg"} and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


RELEASE = release_id()


def page_etag(version, language):
    """The validator of a public page: the release, the catalogue version, the language."""
    return f'W/"{RELEASE}-{version}-{language}"'


def public_cache_control():
    """Cache-Control of a public page (patch_cache_control()'s, without parsing any).

    Its max-age leaves out the seconds a process may still answer from the version it
    read before a change (NEWSCLIPS_VERSION_SECONDS): no copy outlives
    NEWSCLIPS_PAGE_MAX_AGE after the change."""
    max_age = max(settings.NEWSCLIPS_PAGE_MAX_AGE - settings.NEWSCLIPS_VERSION_SECONDS, 0)
    return f"public, max-age={max_age}"


def public_namespace(path):
    """The URL namespace of a public page whose ETag is known before its view runs
    (PUBLIC_NAMESPACES but not CHECKED_AFTER), else None."""
    return namespace_in(get_urlconf() or settings.ROOT_URLCONF, path)


# Every revalidation and kept page asks; resolving walks the URL patterns each time
# (a fifth of a 304's work). The answer depends on the URLconf and path alone.
@lru_cache(maxsize=4096)
def namespace_in(urlconf, path):
    """public_namespace() of `path` in `urlconf`."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    namespace = match.namespaces[0] if match.namespaces else None
    if namespace in PUBLIC_NAMESPACES and namespace not in CHECKED_AFTER:
        return namespace
    return None


def early_etag(request):
    """(ETag, the language code in the URL or None, the language) of a public page, decided from the
    URL, Accept-Language and the catalogue version alone, as LocaleMiddleware and
    process_view() would decide them; None for anything the full path must answer
    (a session, another method, another URL, a database that does not answer)."""
    if request.personal or request.method not in SAFE_METHODS:
        return None
    code, path = split_language_prefix(request.path_info)
    if public_namespace(path) is None:
        return None
    request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it on the full path
    try:
        version = current_version()
    except DATABASE_ERRORS:
        return None
    language = code or language_from_header(request)
    return page_etag(version, language), code, language


def page_key(request):
    """What a kept page is kept under besides its ETag: the URL, and whether the
    reader takes gzip (GZipMiddleware's test), as the bytes differ."""
    gzip = re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    return f"{'gzip' if gzip else 'identity'} {request.get_full_path()}"


def not_modified(request, etag, code, language):
    """The 304 for a conditional GET whose ETag (early_etag()) still holds, else None:
    the same headers as the full path's 304."""
    meta = request.META
    if meta.get("HTTP_IF_NONE_MATCH") == etag and not PRECONDITIONS.intersection(meta):
        # What browsers and proxies send: the one ETag they were given, unchanged, and
        # no If-Match. get_conditional_response() answers that 304 too, after parsing
        # every conditional header: the rest of what a revalidation costs.
        response = HttpResponseNotModified()
    else:
        response = get_conditional_response(request, etag=etag)
        if response is None or response.status_code != 304:
            return None
    response["ETag"] = etag
    response["Cache-Control"] = public_cache_control()
    # As the page's own Vary: GZipMiddleware names Accept-Encoding on every page.
    response["Vary"] = "Accept-Encoding" if code else "Accept-Language, Accept-Encoding"
    response["Content-Language"] = language
    return response


def shares_a_nonce(response):
    """Whether the page used its CSP nonce: such a page must not be shared or kept, as
    every reader gets a fresh nonce."""
    return "nonce-" in response.get("Content-Security-Policy", "")


def keepable(response):
    """Whether a public page's response may be kept (catalog.versioning.keep_page): a
    complete 200 that sets no cookie, used no CSP nonce and is not too large."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not shares_a_nonce(response)
        and len(response.content) <= PAGE_MAX_BYTES
    )


def _without_cookie(vary):
    return ", ".join(part.strip() for part in vary.split(",") if part.strip().lower() != "cookie")


class HttpCacheMiddleware:
    """Cache headers and early 304s for public pages (see the module docstring).

    Sits before SessionMiddleware so that it sees the response after the session
    middleware has added its Vary: Cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.gzip = GZipMiddleware(get_response)

    def __call__(self, request):
        request.personal = settings.SESSION_COOKIE_NAME in request.COOKIES
        # The catalogue version read once for the request; a reader's may be the one
        # this process read a moment ago (NEWSCLIPS_VERSION_SECONDS).
        with version_scope(remembered=not request.personal):
            return self.respond(request)

    def respond(self, request):
        early = early_etag(request)
        if early is not None:
            etag, code, language = early
            if "HTTP_IF_NONE_MATCH" in request.META:
                response = not_modified(request, etag, code, language)
                if response is not None:
                    return response
            # Off (NEWSCLIPS_PAGE_CACHE): every request builds its page, as cached_page says.
            kept = settings.NEWSCLIPS_PAGE_CACHE and kept_page(etag, page_key(request))
            if kept:
                content, headers = kept
                return self.finish(request, HttpResponse(content, headers=headers), etag)
        response = self.get_response(request)
        etag = getattr(request, "public_etag", None)
        if etag and response.status_code == 200 and "Accept-Ranges" not in response:
            # Public pages, feeds and exports only (not media, whose byte ranges
            # count the file's own bytes, nor editors' pages), and before keeping:
            # a kept page is compressed once.
            response = self.gzip.process_response(request, response)
        if etag and getattr(request, "keep_page", False) and keepable(response):
            # Kept as the inner middleware left it (its Vary, Content-Language, CSP and
            # frame headers), answered by the early path above until the next version.
            keep_page(etag, page_key(request), response.content, dict(response.items()))
        return self.finish(request, response, etag)

    def finish(self, request, response, etag):
        """Cache-Control, ETag and Vary of a public page; never-cache for the rest."""
        nonce = shares_a_nonce(response)
        if etag and response.status_code in (200, 304) and not response.cookies and not nonce:
            if not response.has_header("ETag"):
                response["ETag"] = etag
            if response.status_code == 200 and not CONDITIONALS.isdisjoint(request.META):
                response = get_conditional_response(request, etag=etag, response=response)
            if "Cache-Control" not in response:  # else the view chose (sitemaps, robots.txt)
                response["Cache-Control"] = public_cache_control()
            if response.has_header("Vary"):
                response["Vary"] = _without_cookie(response["Vary"])
                if not response["Vary"]:
                    del response["Vary"]
        elif (request.personal or response.cookies or nonce) and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        namespace = match.namespaces[0] if match and match.namespaces else None
        if request.method not in SAFE_METHODS or request.personal:
            return None
        if namespace not in PUBLIC_NAMESPACES:
            return None
        try:
            version = current_version()
        except DATABASE_ERRORS as error:
            return database_unavailable(request, error)
        request.public_etag = page_etag(version, request.LANGUAGE_CODE)
        if namespace in CHECKED_AFTER:
            return None
        return get_conditional_response(request, etag=request.public_etag)
