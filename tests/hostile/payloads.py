"""Hostile text as it arrives from the web, and the check that a page keeps it inert.

Every payload that could run sets window.__pwned, so a browser test only has to
ask whether it is set.
"""

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

PWN = "window.__pwned=1"
LONG_WORD = "Donaudampfschifffahrtsgesellschaft" * 300  # 10,200 characters, no space
TITLE = (
    f'<script>{PWN}</script>"><img src=x onerror="{PWN}"> '
    "\u202eecnalab\u202c Zero\u200bWidth &amp; &lt;b&gt;nicht fett&lt;/b&gt; "
) + LONG_WORD[:300]
# A description line per trick; none may become markup or a non-http(s) link.
DESCRIPTION = "\n".join(
    [
        f"<img src=x onerror={PWN}> #Wahl",
        f"javascript:{PWN}",
        f"JAVASCRIPT:{PWN}",
        f"   javascript:{PWN}",
        f"jav&#x09;ascript:{PWN}",
        f"jav\tascript:{PWN}",
        "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+",
        "vbscript:msgbox(1)",
        f'https://example.org/ok?a="onmouseover="{PWN}',
        "https://example.org/<script>x</script>",
        f'"><svg onload="{PWN}">',
        f"&#60;script&#62;{PWN}&#60;/script&#62;",
        f"</textarea></title></style><script>{PWN}</script>",
        LONG_WORD,
        "Lang: https://example.org/" + "a" * 3000,
    ]
)
CHANNEL = f'<svg onload="{PWN}">Kanal \u202eNordfunk ' + LONG_WORD[:200]
TAGS = [f"<img src=x onerror={PWN}>", f"javascript:{PWN}", "Zero\u200bWidth", LONG_WORD[:200]]
VTT = "\n".join(
    [
        "WEBVTT",
        "",
        "00:00:01.000 --> 00:00:02.000",
        f"&lt;script&gt;{PWN}&lt;/script&gt;",
        "",
        "00:00:02.000 --> 00:00:03.000",
        f"&lt;img src=x onerror={PWN}&gt; \u202eecnalab",
        "",
        "00:00:03.000 --> 00:00:04.000",
        LONG_WORD[:3000],
    ]
)
# Raw markup that must never reach a page unescaped.
MARKUP = [f"<script>{PWN}", "<img src=x onerror", "<svg onload", '"><img src=x', '"onmouseover="']
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "srcset", "data", "xlink:href"}


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.scripts, self._script = [], [], None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "script":
            self._script = (dict(attrs).get("type", ""), [])

    def handle_data(self, data):
        if self._script:
            self._script[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None


def _scheme(value):
    # Browsers drop whitespace and control characters inside a scheme: "jav\tascript:".
    return "".join(c for c in value.strip() if ord(c) > 32).lower()


def assert_inert(html, *, where="", own_host="testserver", external_rel=True):
    """No payload markup, no event handler, no script of ours with payload, only http(s) links."""
    for markup in MARKUP:
        assert markup not in html, f"{where}: unescaped {markup!r}"
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"{where}: <{tag}> has event handlers {handlers}"
        for name in URL_ATTRIBUTES & set(attrs):
            value = attrs[name] or ""
            assert not _scheme(value).startswith(BAD_SCHEMES), f"{where}: <{tag} {name}={value!r}>"
            external = value.startswith(("http://", "https://"))
            external = external and external_rel and urlsplit(value).hostname != own_host
            if tag == "a" and name == "href" and external:
                rel = set((attrs.get("rel") or "").split())
                assert {"nofollow", "noopener"} <= rel, f"{where}: {value[:80]} rel={rel}"
    for kind, body in parser.scripts:
        if kind == "application/ld+json":
            json.loads(body)  # still whole: the title did not end the script element
        else:
            assert "__pwned" not in body, f"{where}: payload inside a script"
    return parser
