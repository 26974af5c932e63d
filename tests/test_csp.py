"""The Content Security Policy: strict header on every response, nothing inline to allow."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy(response):
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/tags/ukraine/",
        "/channels/global-desk/",
        "/?q=winter",
        "/feeds/clips.atom",
        "/export.csv",
        "/api/v1/clips/",
        "/admin/login/",
    ],
)
def test_every_response_carries_the_strict_policy(client, catalogue, url):
    directives = policy(client.get(url))

    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert directives["style-src"][0] == "'self'"
    for values in directives.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values
        assert "*" not in values
    assert directives["frame-src"] == ["https://www.youtube-nocookie.com"]
    assert directives["frame-ancestors"] == directives["object-src"] == ["'none'"]
    assert directives["img-src"] == ["'self'", "https:"]


def test_nonces_are_fresh_and_only_where_the_admin_uses_them(client, admin_client, catalogue):
    assert "nonce-" not in client.get("/").headers["Content-Security-Policy"]

    first = admin_client.get(reverse("admin:catalog_clip_changelist"))
    second = admin_client.get(reverse("admin:catalog_clip_changelist"))

    nonce = re.search(r"'nonce-([^']+)'", first["Content-Security-Policy"]).group(1)
    assert f'nonce="{nonce}"' in first.content.decode()
    assert nonce not in second["Content-Security-Policy"]


def test_api_docs_page_allows_data_images_and_nothing_else_more(client):
    docs = policy(client.get(reverse("api:docs")))
    site = policy(client.get("/"))

    assert docs["img-src"] == [*site["img-src"], "data:"]
    assert {k: v for k, v in docs.items() if k != "img-src"} == {
        k: v for k, v in site.items() if k != "img-src"
    }


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>"), "inline script"),
    (re.compile(r"<style\b"), "<style> element"),
    (re.compile(r"\sstyle\s*="), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE), "event handler attribute"),
]


def test_templates_have_no_inline_scripts_styles_or_handlers():
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in TEMPLATES.rglob("*.html")
        for pattern, what in INLINE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_json_ld_is_a_data_block_the_policy_does_not_run(client, catalogue):
    html = client.get(catalogue[0].get_absolute_url()).content.decode()

    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script type="application/ld+json">']
