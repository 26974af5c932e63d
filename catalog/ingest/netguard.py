"""Keep URL ingestion on the public web (SSRF guard).

An editor's URL makes the server fetch pages, and the pages make yt-dlp fetch
more (players, manifests, subtitles, redirects). None of these requests may
reach the server itself or the network behind it, so the check runs at three
points: the URL of every request, every redirect before it is followed, and
every address a socket actually connects to (which also defeats DNS answers
that change between the check and the connection).

The hook is a yt-dlp RequestHandler: `GuardedYoutubeDL` builds its request
director with this handler only, so no request can fall through to another.
The same handler bounds what a response may cost: at most
NEWSCLIPS_MAX_RESPONSE_BYTES read (and as many after decompression) and
NEWSCLIPS_MAX_RESPONSE_SECONDS spent reading it; yt-dlp's socket timeout alone
would let an endless page, or one that drips a byte at a time, run forever.
"""

import functools
import http.client
import io
import ipaddress
import socket
import time
import urllib.parse
import urllib.request
import zlib

import yt_dlp
from django.conf import settings
from yt_dlp.networking import Request
from yt_dlp.networking._helper import create_connection
from yt_dlp.networking._urllib import (
    HTTPHandler,
    ProxyHandler,
    RedirectHandler,
    UrllibRH,
    _create_http_connection,
)
from yt_dlp.networking.exceptions import TransportError

ALLOWED_SCHEMES = ("http", "https")
MAX_RESPONSE_BYTES = 20 * 1024 * 1024  # YouTube's watch page is ~1 MB, its player script ~3 MB
MAX_RESPONSE_SECONDS = 60
_READ_SIZE = 64 * 1024


class AddressRefused(OSError):
    """A URL or address that ingestion must not fetch; `reason` is meant for the editor."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class RefusedRequest(TransportError):
    """The yt-dlp side of AddressRefused, so that extractors report it as a network failure."""


class ResponseLimit(TransportError):
    """A response longer, or slower to arrive, than the limits; `reason` is meant for the editor.

    `kind` is the FetchError kind: too large is a property of the page, too slow
    may be the network's fault today.
    """

    def __init__(self, reason, *, kind="unsupported"):
        super().__init__(reason)
        self.reason, self.kind = reason, kind


def check_url(url, *, allow_private=False):
    """Raise AddressRefused unless `url` is http(s) to a host whose every address is public.

    With `allow_private` (a development or intranet install) only the scheme is checked.
    A host that does not resolve raises socket.gaierror, a network error.
    """
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except (ValueError, AttributeError):
        raise AddressRefused("not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"{scheme}:" if scheme else "a URL without a scheme"
        raise AddressRefused(f"only http and https URLs can be imported, not {shown}")
    host = parts.hostname
    if not host:
        raise AddressRefused("the URL has no host")
    if allow_private:
        return
    port = port or (443 if scheme == "https" else 80)
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        check_address(sockaddr[0], host=host)


def check_address(address, *, host=""):
    """Raise AddressRefused if the IP address is not on the public internet."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        raise AddressRefused(f"{address} is not an IP address") from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    kind = _non_public_kind(ip)
    if kind:
        named = f"{host} ({address})" if host and host != address else str(address)
        raise AddressRefused(
            f"refused: {named} is a {kind} address; only public web addresses can be imported"
        )


def _non_public_kind(ip):
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-public", not ip.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


class GuardedUrllibRH(UrllibRH):
    """yt-dlp's urllib handler restricted to http(s) and to public addresses."""

    _SUPPORTED_URL_SCHEMES = ALLOWED_SCHEMES

    def __init__(
        self,
        *,
        allow_private=False,
        max_response_bytes=MAX_RESPONSE_BYTES,
        max_response_seconds=MAX_RESPONSE_SECONDS,
        **kwargs,
    ):
        kwargs.pop("enable_file_urls", None)
        super().__init__(**kwargs)
        self.allow_private = allow_private
        self.max_response_bytes = max_response_bytes
        self.max_response_seconds = max_response_seconds

    def _prepare_headers(self, request, headers):
        # Only encodings whose decompression can be bounded (no brotli).
        super()._prepare_headers(request, headers)
        headers["Accept-Encoding"] = "gzip, deflate"

    def _send(self, request):
        try:
            check_url(request.url, allow_private=self.allow_private)
            return super()._send(request)
        except AddressRefused as error:  # the URL itself, or a redirect
            raise RefusedRequest(error.reason, cause=error) from error
        except TransportError as error:  # a socket refused to connect
            refused = getattr(error.cause, "reason", None)
            if isinstance(refused, AddressRefused):
                raise RefusedRequest(refused.reason, cause=refused) from error
            raise
        except OSError as error:  # the host does not resolve
            raise TransportError(cause=error) from error

    def _create_instance(self, proxies, cookiejar, legacy_ssl_support=None):
        opener = urllib.request.OpenerDirector()
        proxy_hosts = {urllib.parse.urlsplit(url).hostname for url in (proxies or {}).values()}
        handlers = [
            ProxyHandler(proxies),
            _GuardedHTTPHandler(
                guard=functools.partial(self._check_connection, proxy_hosts=proxy_hosts),
                debuglevel=int(bool(self.verbose)),
                context=self._make_sslcontext(legacy_ssl_support=legacy_ssl_support),
                source_address=self.source_address,
                max_bytes=self.max_response_bytes,
                max_seconds=self.max_response_seconds,
            ),
            urllib.request.HTTPCookieProcessor(cookiejar),
            urllib.request.UnknownHandler(),
            urllib.request.HTTPDefaultErrorHandler(),
            urllib.request.HTTPErrorProcessor(),
            _GuardedRedirectHandler(allow_private=self.allow_private),
        ]
        for handler in handlers:
            opener.add_handler(handler)
        opener.addheaders = []
        return opener

    def _check_connection(self, host, address, *, proxy_hosts):
        # A configured proxy may well live on the private network; the target was checked.
        if not self.allow_private and host not in proxy_hosts:
            check_address(address, host=host)


class _GuardedHTTPHandler(HTTPHandler):
    """Checks the address each socket is about to connect to, and bounds each response."""

    def __init__(self, *, guard, max_bytes, max_seconds, **kwargs):
        super().__init__(**kwargs)
        self._guard = guard
        self._max_bytes = max_bytes
        self._max_seconds = max_seconds

    def http_response(self, req, resp):
        url = req.full_url
        length = resp.headers.get("Content-Length", "")
        if length.strip().isdigit() and int(length) > self._max_bytes:
            resp.close()
            raise ResponseLimit(_too_large(url, self._max_bytes))
        body = _BoundedBody(resp, url, self._max_bytes, self._max_seconds)
        bounded = urllib.request.addinfourl(body, resp.headers, resp.url, resp.code)
        bounded.msg, bounded.reason = resp.msg, resp.reason
        # yt-dlp decompresses (with the methods below) what it reads through `bounded`.
        return super().http_response(req, bounded)

    https_response = http_response

    def gz(self, data):
        return self._inflate(data, zlib.MAX_WBITS | 16)

    def deflate(self, data):
        try:
            return self._inflate(data, -zlib.MAX_WBITS)
        except zlib.error:
            return self._inflate(data, zlib.MAX_WBITS)

    def brotli(self, data):
        # Not asked for (see _prepare_headers), so a server that sends it anyway is refused.
        raise ResponseLimit("the response is brotli-compressed, which was not asked for")

    def _inflate(self, data, wbits):
        if not data:
            return data
        inflated = zlib.decompressobj(wbits).decompress(data, self._max_bytes + 1)
        if len(inflated) > self._max_bytes:  # a small download that unpacks to gigabytes
            raise ResponseLimit(f"response too large: more than {self._max_bytes:,} bytes unpacked")
        return inflated

    def http_open(self, req):
        return self.do_open(self._connection_factory(http.client.HTTPConnection, req), req)

    def https_open(self, req):
        factory = self._connection_factory(http.client.HTTPSConnection, req)
        return self.do_open(factory, req, context=self._context)

    def _connection_factory(self, base, req):
        conn_class = self._make_conn_class(base, req)
        guard = self._guard

        def connect(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
            def checked_socket(ip_addr, timeout, source_address):
                guard(address[0], ip_addr[4][0])
                return _plain_socket(ip_addr, timeout, source_address)

            return create_connection(
                address, timeout, source_address, _create_socket_func=checked_socket
            )

        def factory(*args, **kwargs):
            connection = _create_http_connection(conn_class, self._source_address, *args, **kwargs)
            connection._create_connection = connect
            return connection

        return factory


def _too_large(url, limit):
    return f"response too large: {url[:200]} sent more than {limit:,} bytes"


def _too_slow(url, seconds):
    return f"response too slow: {url[:200]} was still sending after {seconds} s"


class _BoundedBody(io.RawIOBase):
    """A response body that refuses to be read past `limit` bytes or for over `seconds`.

    It reads the socket a chunk at a time (read1 returns what one socket read
    brings), so the deadline is checked at least once per socket timeout even
    when the server sends a byte at a time. read(n) still returns n bytes
    unless the body ends first, as http.client's does: callers rely on that.
    """

    def __init__(self, response, url, limit, seconds):
        super().__init__()
        self._response, self._url = response, url
        self._limit, self._count = limit, 0
        self._seconds, self._deadline = seconds, time.monotonic() + seconds

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self._read_chunk(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size=-1):
        chunks, remaining = [], -1 if size is None or size < 0 else size
        while remaining:
            chunk = self._read_chunk(_READ_SIZE if remaining < 0 else remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining = remaining - len(chunk) if remaining > 0 else remaining
        return b"".join(chunks)

    def readall(self):
        return self.read()

    def _read_chunk(self, size):
        if time.monotonic() > self._deadline:
            raise ResponseLimit(_too_slow(self._url, self._seconds), kind="network")
        data = self._response.read1(min(size, self._limit + 1 - self._count, _READ_SIZE))
        self._count += len(data)
        if self._count > self._limit:
            raise ResponseLimit(_too_large(self._url, self._limit))
        return data

    def close(self):
        self._response.close()
        super().close()


def _plain_socket(ip_addr, timeout, source_address):
    family, socktype, proto, _name, sockaddr = ip_addr
    sock = socket.socket(family, socktype, proto)
    try:
        if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
            sock.settimeout(timeout)
        if source_address:
            sock.bind(source_address)
        sock.connect(sockaddr)
    except OSError:
        sock.close()
        raise
    return sock


class _GuardedRedirectHandler(RedirectHandler):
    """Refuses a redirect to another scheme or to a non-public host before following it."""

    def __init__(self, *, allow_private):
        super().__init__()
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(urllib.parse.urljoin(req.full_url, newurl), allow_private=self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class GuardedYoutubeDL(yt_dlp.YoutubeDL):
    """A YoutubeDL whose every HTTP request goes through GuardedUrllibRH."""

    def __init__(self, params=None, *, allow_private=False, **kwargs):
        self.allow_private = allow_private
        self.max_response_bytes = _setting("NEWSCLIPS_MAX_RESPONSE_BYTES", MAX_RESPONSE_BYTES)
        self.max_response_seconds = _setting("NEWSCLIPS_MAX_RESPONSE_SECONDS", MAX_RESPONSE_SECONDS)
        super().__init__(params, **kwargs)

    def build_request_director(self, handlers, preferences=None):
        guarded = functools.partial(
            GuardedUrllibRH,
            allow_private=self.allow_private,
            max_response_bytes=self.max_response_bytes,
            max_response_seconds=self.max_response_seconds,
        )
        director = super().build_request_director([guarded], preferences)
        if list(director.handlers) != [GuardedUrllibRH.RH_KEY]:  # pragma: no cover
            raise RuntimeError("the guarded request handler is not the only one")
        return director


def fetch_bounded(url, *, max_bytes, timeout):
    """(at most `max_bytes` + 1 bytes of `url`, the URL it ended at after redirects), fetched
    through the guard: a caller tells a body over its limit by the length. Raises yt-dlp's
    RequestError (the guard's refusals included)."""
    params = {"quiet": True, "no_warnings": True, "socket_timeout": timeout}
    with (
        GuardedYoutubeDL(params, allow_private=allow_private()) as ydl,
        ydl.urlopen(Request(url)) as response,
    ):
        return response.read(max_bytes + 1), response.url


def allow_private():
    """NEWSCLIPS_ALLOW_PRIVATE_URLS: a development or intranet install may fetch its own hosts."""
    return bool(getattr(settings, "NEWSCLIPS_ALLOW_PRIVATE_URLS", False))


def _setting(name, default):
    return getattr(settings, name, None) or default
