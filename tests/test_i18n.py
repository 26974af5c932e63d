"""The interface in English and German: the catalogue file, the switch, localised pages."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from catalog.ingest import SegmentRecord, TranscriptRecord

from .factories import make_clip

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"


def test_german_catalogue_is_complete_and_has_no_fuzzy_entries():
    po = polib.pofile(PO)

    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {PO.name}: {untranslated}"
    assert fuzzy == [], f"fuzzy in {PO.name} (check and clear the flag): {fuzzy}"
    assert po.percent_translated() == 100


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs gettext (apt-get install gettext)")
def test_every_interface_text_is_in_the_german_catalogue(tmp_path, monkeypatch, settings):
    """What makemessages would extract today is all in the .po (a new text fails here)."""
    for part in ("catalog", "newsclips", "templates"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = []
    monkeypatch.chdir(tmp_path)

    call_command("makemessages", locale=["de"], verbosity=0)

    extracted = polib.pofile(tmp_path / "locale" / "de" / "LC_MESSAGES" / "django.po")
    known = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(PO)}
    missing = [entry.msgid for entry in extracted if (entry.msgctxt, entry.msgid) not in known]
    assert missing == [], "new texts: run `make messages` and translate them in the .po"


def _catalogue(entries):
    texts = {}
    for entry in entries:
        if entry.obsolete or not entry.msgid:
            continue
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
        texts[key] = entry.msgstr_plural and {int(k): v for k, v in entry.msgstr_plural.items()}
        texts[key] = texts[key] or entry.msgstr
    return texts


def test_compiled_catalogue_matches_the_po_file():
    """The .mo is committed (a server needs no gettext); it must say what the .po says."""
    mo = polib.mofile(PO.with_suffix(".mo"))

    assert _catalogue(mo) == _catalogue(polib.pofile(PO)), (
        "locale/de/LC_MESSAGES/django.mo is stale: run `make messages`"
    )


@pytest.fixture
def counted_clip(db):
    return make_clip(
        "Heizungsgesetz im Bundestag",
        channel="Nordfunk",
        published=(2024, 11, 2),
        precision="day",
        language="de",
        view_count=1234567,
    )


def _get(client, url, language):
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200
    return response, response.content.decode()


@pytest.mark.django_db
def test_the_browser_language_chooses_the_interface(client, counted_clip):
    _, english = _get(client, reverse("catalog:clip_list"), "en-GB,en;q=0.8")
    response, german = _get(client, reverse("catalog:clip_list"), "de-DE,de;q=0.9,en;q=0.5")

    assert '<html lang="en">' in english and "Newest clips" in english
    assert '<html lang="de">' in german and "Neueste Clips" in german
    assert response["Content-Language"] == "de"
    # Dates in the reader's language, machine-readable datetime unchanged.
    assert '<time datetime="2024-11-02">Nov. 2, 2024</time>' in english
    assert '<time datetime="2024-11-02">2. November 2024</time>' in german


@pytest.mark.django_db
def test_numbers_are_localised_on_the_clip_page(client, counted_clip):
    _, english = _get(client, counted_clip.get_absolute_url(), "en")
    _, german = _get(client, counted_clip.get_absolute_url(), "de")

    assert "<dd>1,234,567</dd>" in english
    assert "<dd>1.234.567</dd>" in german
    assert "<dt>Aufrufe</dt>" in german
    assert "<dt>Language</dt><dd>German</dd>" in english
    assert "<dt>Sprache</dt><dd>Deutsch</dd>" in german


@pytest.mark.django_db
def test_the_admin_import_page_speaks_german_too(admin_client):
    response = admin_client.get(
        reverse("admin:catalog_clip_import_pagetext"), headers={"accept-language": "de"}
    )
    html = response.content.decode()

    assert '<html lang="de"' in html
    assert "Seitentext importieren" in html
    assert "… oder seinen Namen eingeben" in html


@pytest.mark.django_db
def test_caches_keep_the_languages_apart(client, catalogue):
    """One URL, two languages: Vary names the browser's choice; a prefixed URL is one
    language (and both are gzipped for the browsers that take it: Accept-Encoding)."""
    for url in (
        reverse("catalog:clip_list"),
        reverse("catalog:tag_detail", args=["ukraine"]),
        catalogue[0].get_absolute_url(),
        reverse("catalog:feed_atom"),
    ):
        vary = {part.strip().lower() for part in client.get(url)["Vary"].split(",")}
        assert vary == {"accept-language", "accept-encoding"}, url
        prefixed = client.get(f"/de{url}", headers={"accept-language": "en"})
        assert prefixed["Content-Language"] == "de", url
        assert prefixed["Vary"] == "Accept-Encoding", url


def _switch(html):
    """The language switch's links: {language: (href, is the current one)}."""
    links = re.findall(r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+"( aria-current)?', html)
    return {code: (href, bool(current)) for href, code, current in links}


@pytest.mark.django_db
def test_language_switch_is_links_and_the_choice_stays_from_page_to_page(catalogue):
    client = Client(enforce_csrf_checks=True)
    tag_page = reverse("catalog:tag_detail", args=["ukraine"]) + "?channel=global-desk"
    response = client.get(tag_page, headers={"accept-language": "en"})
    html = response.content.decode()
    assert "<form" not in html.split('class="language-switch"')[1].split("</nav>")[0]
    assert _switch(html) == {
        "en": ("/en/tags/ukraine/?channel=global-desk", True),
        "de": ("/de/tags/ukraine/?channel=global-desk", False),
    }

    german = client.get(_switch(html)["de"][0], headers={"accept-language": "en"})

    html = german.content.decode()
    assert german.status_code == 200
    assert '<html lang="de">' in html
    assert _switch(html)["de"] == ("/de/tags/ukraine/?channel=global-desk", True)
    # Every link of the page keeps the language: the next page is German too.
    assert 'href="/de/channels/"' in html and 'href="/de/tags/"' in html
    clip_url = re.search(r'href="(/de/clips/\d+/)"', html)[1]
    clip_page = client.get(clip_url, headers={"accept-language": "en"}).content.decode()
    assert '<html lang="de">' in clip_page and "<dt>Sprache</dt>" in clip_page
    # Nothing was remembered in a cookie: the choice is in the URL.
    assert not german.cookies and not client.cookies
    # And back to English from there.
    english = client.get(_switch(clip_page)["en"][0], headers={"accept-language": "de"})
    assert '<html lang="en">' in english.content.decode()


@pytest.mark.django_db
def test_an_old_language_cookie_no_longer_decides(client, catalogue):
    """Pages depend on the URL and Accept-Language only, what a shared cache keys on."""
    client.cookies["django_language"] = "de"

    html = client.get("/", headers={"accept-language": "en"}).content.decode()

    assert '<html lang="en">' in html


@pytest.mark.django_db
def test_clip_content_is_marked_with_its_own_language(client, catalogue):
    _, bundestag = catalogue

    _, listing = _get(client, reverse("catalog:clip_list"), "de")
    _, detail = _get(client, bundestag.get_absolute_url(), "en")

    assert '<h3 class="card__title" lang="de">' in listing
    assert '<h3 class="card__title" lang="en">' in listing
    assert '<article class="clip" lang="de">' in detail
    # The interface parts inside the clip's article are in the interface language.
    assert '<dl class="facts" lang="en">' in detail


@pytest.mark.django_db
def test_transcripts_are_marked_with_their_language_not_the_clips(client):
    clip = make_clip(
        "Grain corridor",
        language="en",
        transcripts=[TranscriptRecord("de", "automatic", [SegmentRecord(0, 3, "Schiffe.")])],
    )

    _, html = _get(client, clip.get_absolute_url(), "de")

    assert '<ol class="transcript-segments" lang="de">' in html
    assert "<summary>Deutsch · automatische Untertitel</summary>" in html


@pytest.mark.django_db
def test_feed_titles_follow_the_language(client, catalogue):
    response = client.get(reverse("catalog:feed_atom"), headers={"accept-language": "de"})

    assert "<title>Neueste Clips · newsclips</title>" in response.content.decode()
