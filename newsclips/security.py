"""The client's address for the login rate limit."""

from django.conf import settings


def client_ip(request):
    """REMOTE_ADDR, or behind our proxy the address that proxy appended to X-Forwarded-For.

    Only the last entry is trusted: earlier ones are whatever the client sent, so
    taking the first would let anyone pick a fresh address for every guess. With
    DJANGO_BEHIND_PROXY the proxy must append the peer address (nginx:
    `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`).
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")
