"""The hub in its customers' language (SPEC §11): `language` in hub.yaml chooses what
the theme says on every page, feed, follow page, calendar and JSON label; dates,
numbers and plurals come from CLDR; a regional tag falls back to its base, then to
English; a hub's catalogs add languages and override messages; a missing translation
is a `check` warning, a broken one an error at its line, and nothing crashes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from conftest import EPOCH, ROOT, SEARCH_INDEX, site_files, write_hub
from icalendar import Calendar
from lxml import etree
from lxml import html as lxml_html

from builder.build import build
from builder.check import run_check
from builder.languages import (
    DOMAIN,
    LOCALES,
    TEMPLATE_FILE,
    load,
    translation_problem,
)
from builder.theme import default_theme

ENV = {"SOURCE_DATE_EPOCH": EPOCH}  # 2026-11-22
THEME = default_theme()
LANGUAGES = ("de", "fr", "es")


def hub_yaml(language: str, extra: str = "") -> str:
    return (
        "title: Ideenwerkstatt\nbase_url: https://hub.example.com/\n"
        f"language: {language}\nrepository: https://github.com/acme/hub\n"
        "products:\n  web: Webanwendung\n  mobil: Mobilgerät\n" + extra
    )


#: A hub whose content is all German, with every kind of page, list and event, so
#: that any English left on its site is the theme's.
GERMAN = {
    "content/people/anna.md": "---\nname: Anna Schmidt\nteam: true\n---\nProduktmanagerin.\n",
    "content/people/bernd.md": "---\nname: Bernd Vogel\n---\nBuchhalter in Köln.\n",
    "content/people/geheim.md": "---\nname: Greta Geheim\npublic: false\n---\nUnsichtbar.\n",
    "content/ideas/dunkelmodus.md": """
        ---
        title: Dunkler Modus
        submitted: 2026-03-12
        author: bernd
        product: web
        tags: [Barrierefreiheit]
        supporters: [carla, geheim]
        aliases: [/ideen/dunkel/]
        updates:
          - date: 2026-03-20
            status: under-review
            by: anna
            note: Wir schauen uns das an.
          - date: 2026-05-02
            status: planned
            by: anna
            note: Kommt im Sommer.
          - date: 2026-06-10
            status: shipped
            by: anna
            note: Ist da.
        ---
        Nachts tun mir die Augen weh.
    """,
    "content/ideas/nachtmodus.md": """
        ---
        title: Nachtansicht
        submitted: 2026-03-15
        author: dora
        duplicate_of: dunkelmodus
        ---
        Dasselbe wie der dunkle Modus.
    """,
    "content/ideas/offline.md": """
        ---
        title: Ohne Netz arbeiten
        submitted: 2026-05-01
        author: carla
        product: mobil
        tags: [Unterwegs]
        round: fruehling
        updates:
          - date: 2026-05-03
            status: in-progress
            by: anna
            note: Wir bauen es.
        ---
        Im Zug habe ich kein Netz.
    """,
    "content/ideas/fax.md": """
        ---
        title: Rechnungen per Fax
        submitted: 2026-04-01
        author: bernd
        updates:
          - date: 2026-04-09
            status: declined
            by: anna
            note: Das bauen wir nicht.
        ---
        Mein Steuerberater hat nur ein Fax.
    """,
    "content/ideas/export.md": """
        ---
        title: Export als Tabelle
        submitted: 2026-11-02
        author: geheim
        supporters: [bernd, carla, dora]
        ---
        Für meine Buchhaltung.
    """,
    "content/rounds/fruehling.md": """
        ---
        title: Frühlingsgespräche
        opens: 2026-03-01
        closes: 2026-03-31
        product: mobil
        questions: [Was bremst Sie unterwegs?, Wo fehlt Ihnen Netz?]
        participants: 14
        heard: Viele arbeiten im Zug.
        ---
        Sprechen Sie mit uns.
    """,
    "content/rounds/winter.md": """
        ---
        title: Wintergespräche
        opens: 2026-11-01
        closes: 2026-12-31
        questions: [Was wünschen Sie sich?]
        participants: [bernd, carla]
        ---
        Erzählen Sie uns alles.
    """,
    "content/rounds/jahr.md": """
        ---
        title: Jahresrückblick
        opens: 2027-01-10
        closes: 2027-02-10
        questions: [Wie war Ihr Jahr?]
        ---
        Bald geht es los.
    """,
    "content/changelog/version-3.md": """
        ---
        title: Die dritte Ausgabe
        date: 2026-06-10
        version: "3.0"
        product: web
        changes:
          - type: added
            text: Ein dunkler Modus.
            ideas: [dunkelmodus]
            thanks: [bernd, geheim]
          - type: fixed
            text: Der Knopf springt nicht mehr.
            rounds: [fruehling]
          - type: security
            text: Sichere Anmeldung.
        ---
        Eine große Ausgabe.
    """,
    "content/pages/mitmachen.md": "---\ntitle: Mitmachen\n---\nSo machen Sie mit.\n",
}


def _build(root: Path, out: Path | None = None, **options):
    result = build(root, out, environ=ENV, search=False, **options)
    assert result.ok, [d.text() for d in result.problems.errors]
    return result


def _page(site: Path, url: str):
    path = site / url.strip("/") / "index.html" if url.endswith("/") else site / url.strip("/")
    return lxml_html.fromstring(path.read_bytes())


def _text(node) -> str:
    return " ".join(" ".join(node.itertext()).split())


def _check(root: Path) -> tuple[int, list[str]]:
    import io

    out, err = io.StringIO(), io.StringIO()
    status = run_check(root, out=out, err=err, environ=ENV)
    return status, out.getvalue().splitlines()


# -- what a German reader sees -------------------------------------------------------


def _template() -> list:
    with open(THEME / TEMPLATE_FILE, encoding="utf-8") as file:
        return [m for m in read_po(file) if m.id]


def _catalog(language: str):
    path = THEME / LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with open(path, encoding="utf-8") as file:
        return read_po(file)


_PLACEHOLDERS = re.compile(r"%\(\w+\)s|%%|<[^>]+>")


def _english_pieces(language: str) -> dict[str, str]:
    """Each run of words of the theme's English messages that no translation into
    `language` uses (German writes "Roadmap" and "Listen" too), by the message it is
    from: what must not be on a page."""
    catalog = _catalog(language)
    translated = " ".join(
        " ".join(m.string) if isinstance(m.string, tuple) else m.string for m in catalog if m.id
    )
    pieces = {}
    for message in _template():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for msgid in ids:
            for piece in _PLACEHOLDERS.split(msgid):
                words = " ".join(re.findall(r"[A-Za-z][A-Za-z\u2019']+", piece))
                if len(words) >= 4 and not re.search(rf"\b{re.escape(words)}\b", translated):
                    pieces.setdefault(words, ids[0])
    return pieces


_URLS = re.compile(r"(https?://|/)\S*")
_SHOWN = ("title", "alt", "aria-label", "placeholder", "data-copy-label", "data-copy-done")


def _shown_text(path: Path) -> str:
    """The words a reader of one output file meets: an HTML page's text and the
    attributes read out, a feed's text, a calendar's, the JSON's labels, a badge's."""
    data = path.read_bytes()
    if path.suffix == ".html":
        tree = lxml_html.fromstring(data)
        for node in tree.xpath("//script|//style"):
            node.drop_tree()
        parts = [" ".join(tree.itertext())]
        parts += [v for a in _SHOWN for v in tree.xpath(f"//@{a}")]
        parts += tree.xpath("//meta[@name='description']/@content")
        parts += [w for v in tree.xpath("//@*[starts-with(name(), 'data-')]") for w in _said(v)]
    elif path.suffix in (".xml", ".svg", ".opml"):
        tree = etree.fromstring(data)
        for node in tree.xpath("//*[local-name()='id' or local-name()='guid']"):
            node.text = ""  # an entry's id is a name for programs, never read
        parts = [" ".join(tree.itertext())]
        parts += tree.xpath("//@label|//@title|//@text|//@aria-label")
        parts = [_html_text(p) if "<" in p else p for p in parts]
    elif path.suffix == ".json":
        parts = list(_labels(json.loads(data)))
    elif path.suffix == ".ics":
        calendar = Calendar.from_ical(data)
        parts = [str(e.get("description", "")) for e in calendar.walk("VEVENT")]
    else:
        return ""
    return _URLS.sub(" ", " ".join(parts))


def _said(value: str) -> list[str]:
    """The words a `data-` attribute gives a script to show: its text, or the text
    values of a JSON object (the keys, and lists of keys and counts, are for the
    script itself)."""
    if value[:1] not in "{[":
        return [value] if " " in value else []
    try:
        data = json.loads(value)
    except ValueError:
        return [value]
    return [v for v in data.values() if isinstance(v, str)] if isinstance(data, dict) else []


def _html_text(text: str) -> str:
    return " ".join(lxml_html.fromstring(f"<div>{text}</div>").itertext())


def _labels(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("_label") or (key == "name" and item in ("a customer", "the team")):
                yield item
            elif isinstance(item, dict | list):
                yield from _labels(item)
    elif isinstance(value, list):
        for item in value:
            yield from _labels(item)


@pytest.fixture(scope="module")
def german_site(tmp_path_factory) -> Path:
    root = write_hub(tmp_path_factory.mktemp("de"), GERMAN, hub_yaml("de"))
    _build(root)
    return root / "site"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_hub_in_each_language_shows_no_english_word_of_the_theme(
    language, german_site, tmp_path_factory
):
    """Every page kind, feed, follow page, calendar, badge and JSON label of a hub in
    German, French and Spanish is walked for the theme's English messages; content is
    German, so any English found is the theme's."""
    site = german_site
    if language != "de":
        root = write_hub(tmp_path_factory.mktemp(language), GERMAN, hub_yaml(language))
        _build(root)
        site = root / "site"
    pieces = _english_pieces(language)
    kinds = set()
    found = {}
    for path in site_files(site):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(("static/", "api/v1/schema/", SEARCH_INDEX)):
            continue  # the schemas document the API for developers, in English
        text = _shown_text(path)
        if not text:
            continue
        kinds.add(path.suffix)
        for words, msgid in pieces.items():
            if re.search(rf"(?<![A-Za-z]){re.escape(words)}(?![A-Za-z])", text):
                found.setdefault(rel, []).append(f"{words!r} (from {msgid!r})")
    assert kinds >= {".html", ".xml", ".json", ".ics", ".svg", ".opml"}
    assert not found, "\n".join(f"{rel}: {', '.join(w)}" for rel, w in sorted(found.items()))


def test_every_page_kind_of_the_german_hub_was_walked(german_site):
    """The walk above covers every kind of route the URL table has for this hub."""
    from builder.pipeline import read_hub
    from builder.urls import plan

    root = german_site.parent
    routes = plan(read_hub(root, environ=ENV).hub)
    kinds = {r.kind for r in routes}
    walked = {r.kind for r in routes if (german_site / r.file).is_file()}
    assert kinds == walked
    assert {"idea", "round", "release", "person", "follow", "badge", "redirect"} <= kinds


def test_the_german_site_says_german_things(german_site):
    home = _page(german_site, "/")
    assert home.get("lang") == "de"
    nav = [_text(a) for a in home.xpath("//nav[@class='site-nav']//a")]
    assert "Ideen" in nav and "Suche" in nav
    idea = _page(german_site, "/ideas/dunkelmodus/")
    assert "12. März 2026" in _text(idea)
    assert idea.xpath("//title")[0].text.startswith("Dunkler Modus")
    status = _page(german_site, "/ideas/status/planned/")
    assert "Ideen" in status.xpath("//title")[0].text
    feed = etree.fromstring((german_site / "feed.xml").read_bytes())
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    rss = etree.fromstring((german_site / "rss.xml").read_bytes())
    assert rss.findtext("channel/language") == "de"
    data = json.loads((german_site / "api/v1/ideas.json").read_text(encoding="utf-8"))
    labels = {i["status"]: i["status_label"] for i in data["ideas"]}
    assert labels["shipped"] != "Shipped" and labels["declined"] != "Declined"
    hub = json.loads((german_site / "api/v1/hub.json").read_text(encoding="utf-8"))
    assert hub["language"] == "de"
    calendar = Calendar.from_ical((german_site / "rounds.ics").read_bytes())
    for event in calendar.walk("VEVENT"):
        assert event["description"].params["LANGUAGE"] == "de"
    described = {str(e["summary"]): str(e["description"]) for e in calendar.walk("VEVENT")}
    assert described["Frühlingsgespräche"].startswith("Was wir fragen:\n1. Was bremst Sie")


def test_dates_read_as_each_language_writes_them(hub, tmp_path):
    written = {
        "de": "12. März 2026",
        "fr": "12 mars 2026",
        "es": "12 de marzo de 2026",
        "en": "March 12, 2026",
        "en-GB": "12 March 2026",
        "de-AT": "12. März 2026",
    }
    for language, date in written.items():
        (tmp_path / language).mkdir()
        root = write_hub(tmp_path / language, GERMAN, hub_yaml(language))
        _build(root)
        assert date in _text(_page(root / "site", "/ideas/dunkelmodus/")), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_plurals_follow_cldr(language, tmp_path):
    """The catalogs carry CLDR's plural rule, and a count picks its form by it:
    French says "0 idée" and "1 idée" where German says "0 Ideen" and "1 Idee"."""
    catalog = _catalog(language)
    assert catalog.plural_forms == get_plural(language).plural_forms
    t = load(tmp_path, language)
    forms = {
        n: t.ngettext("%(count)s idea", "%(count)s ideas", n, count=n) for n in (0, 1, 2, 1000)
    }
    expected = {
        "de": {0: "0 Ideen", 1: "1 Idee", 2: "2 Ideen", 1000: "1.000 Ideen"},
        "fr": {0: "0 idée", 1: "1 idée", 2: "2 idées", 1000: "1\u202f000 idées"},
        "es": {0: "0 ideas", 1: "1 idea", 2: "2 ideas", 1000: "1.000 ideas"},
    }[language]
    assert forms == expected


def test_a_page_count_uses_the_plural_rule(tmp_path):
    files = {k: v for k, v in GERMAN.items() if "/people/" in k or "export" in k}
    root = write_hub(tmp_path, files, hub_yaml("fr"))
    _build(root)
    text = _text(_page(root / "site", "/ideas/"))
    assert "1 idée" in text and "1 idées" not in text


# -- the catalogs of the default theme ----------------------------------------------


def test_the_message_template_is_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "messages.py"), "check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalog_translates_every_message_and_no_other(language):
    wanted = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in _template()}
    catalog = _catalog(language)
    have = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog if m.id}
    assert not wanted - have, f"missing in {language}: {sorted(wanted - have)}"
    assert not have - wanted, f"unused in {language}: {sorted(have - wanted)}"
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, f"untranslated in {language}: {message.id!r}"
        assert translation_problem(message.id, message.string) == "", message.id
        assert len(strings) == (catalog.num_plurals if isinstance(message.id, tuple) else 1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_hub_in_each_language_checks_clean(language, tmp_path):
    root = write_hub(tmp_path, GERMAN, hub_yaml(language))
    status, lines = _check(root)
    assert status == 0 and not [line for line in lines if "language" in line], lines


# -- fallback, overrides and added languages ----------------------------------------


def _po(language: str, entries: dict[str, str], plural: str = "") -> str:
    header = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Language: {language}\\n"\n'
    )
    if plural:
        header += f'"Plural-Forms: {plural}\\n"\n'
    body = "".join(
        f"\nmsgid {json.dumps(k, ensure_ascii=False)}\nmsgstr {json.dumps(v, ensure_ascii=False)}\n"
        for k, v in entries.items()
    )
    return header + body


def _hub_catalog(language: str, entries: dict[str, str]) -> dict[str, str]:
    return {f"templates/locales/{language}/LC_MESSAGES/messages.po": _po(language, entries)}


def test_a_regional_language_falls_back_to_its_base_then_english(tmp_path):
    files = {**GERMAN, **_hub_catalog("de_AT", {"Search": "Durchsuchen"})}
    root = write_hub(tmp_path, files, hub_yaml("de-AT"))
    _build(root)
    home = _page(root / "site", "/")
    assert home.get("lang") == "de-AT"
    nav = [_text(a) for a in home.xpath("//nav[@class='site-nav']//a")]
    assert "Durchsuchen" in nav  # the hub's de_AT
    assert "Ideen" in nav  # the default's de
    status, lines = _check(root)
    assert status == 0 and not [line for line in lines if "language" in line], lines


def test_a_hub_overrides_one_message_and_keeps_the_rest(tmp_path):
    files = {**GERMAN, **_hub_catalog("de", {"Ideas": "Vorschläge"})}
    root = write_hub(tmp_path, files, hub_yaml("de"))
    _build(root)
    nav = [_text(a) for a in _page(root / "site", "/").xpath("//nav[@class='site-nav']//a")]
    assert "Vorschläge" in nav and "Suche" in nav and "Ideen" not in nav


def test_a_hub_rewords_the_english_theme(tmp_path):
    files = {**GERMAN, **_hub_catalog("en", {"Ideas": "Suggestions"})}
    root = write_hub(tmp_path, files, hub_yaml("en"))
    _build(root)
    nav = [_text(a) for a in _page(root / "site", "/").xpath("//nav[@class='site-nav']//a")]
    assert "Suggestions" in nav and "Ideas" not in nav


def test_a_language_without_a_catalog_warns_and_speaks_english(tmp_path):
    root = write_hub(tmp_path, GERMAN, hub_yaml("nl"))
    status, lines = _check(root)
    assert status == 0
    assert [line for line in lines if "language" in line] == [
        "hub.yaml:3:11: warning: language: no catalog for language 'nl': the theme speaks "
        "English (catalogs: de, en, es, fr; or add templates/locales/nl/LC_MESSAGES/messages.po)"
    ]
    _build(root)
    home = _page(root / "site", "/")
    assert home.get("lang") == "nl"
    assert "Ideas" in [_text(a) for a in home.xpath("//nav[@class='site-nav']//a")]
    assert "12 maart 2026" in _text(_page(root / "site", "/ideas/dunkelmodus/"))  # CLDR's Dutch


def test_a_tag_that_is_no_language_is_an_error_at_its_line(tmp_path):
    root = write_hub(tmp_path, GERMAN, hub_yaml("German"))
    status, lines = _check(root)
    assert status == 1
    assert "hub.yaml:3:11: error: language: expected a language tag such as en, de or de-AT; "
    assert any(
        line.startswith("hub.yaml:3:11: error: language: expected a language tag") for line in lines
    ), lines


def test_a_hub_adds_a_language_and_check_names_what_it_lacks(tmp_path):
    files = {**GERMAN, **_hub_catalog("nl", {"Ideas": "Ideeën", "Search": "Zoeken"})}
    root = write_hub(tmp_path, files, hub_yaml("nl"))
    status, lines = _check(root)
    assert status == 0  # warnings only
    missing = [line for line in lines if "no nl translation" in line]
    catalog = "templates/locales/nl/LC_MESSAGES/messages.po"
    assert missing and all(
        line.startswith(f"{catalog}:1:1: warning: language:") for line in missing
    )
    assert any("'Roadmap'" in line for line in missing)
    assert not any("'Ideas'" in line or "'Search'" in line for line in missing)
    _build(root)
    nav = [_text(a) for a in _page(root / "site", "/").xpath("//nav[@class='site-nav']//a")]
    assert "Ideeën" in nav and "Zoeken" in nav and "Roadmap" in nav


def test_a_hub_templates_untranslated_words_are_warnings_at_their_line(tmp_path):
    template = (
        '{% extends "!default/home.html" %}\n{% block main %}\n'
        "<p>{% trans %}Brand new words{% endtrans %}</p>\n{{ super() }}\n{% endblock %}\n"
    )
    files = {**GERMAN, "templates/home.html": template}
    root = write_hub(tmp_path, files, hub_yaml("de"))
    status, lines = _check(root)
    assert status == 0
    assert [line for line in lines if "language" in line] == [
        "templates/home.html:3:1: warning: language: no de translation of 'Brand new words': "
        "it is shown in English (add it to templates/locales/de/LC_MESSAGES/messages.po)"
    ]
    files.update(_hub_catalog("de", {"Brand new words": "Ganz neue Wörter"}))
    write_hub(tmp_path, files, hub_yaml("de"))
    status, lines = _check(root)
    assert not [line for line in lines if "language" in line], lines
    _build(root)
    assert "Ganz neue Wörter" in _text(_page(root / "site", "/"))


def test_a_catalog_where_none_is_read_is_a_warning(tmp_path):
    files = {**GERMAN, "templates/locales/de.po": _po("de", {"Ideas": "Vorschläge"})}
    files["templates/locales/fr/LC_MESSAGES/cohub.po"] = _po("fr", {})
    root = write_hub(tmp_path, files, hub_yaml("de"))
    status, lines = _check(root)
    assert status == 0
    assert [line.split(": warning: ")[0] for line in lines if "not read: a catalog" in line] == [
        "templates/locales/de.po:1:1",
        "templates/locales/fr/LC_MESSAGES/cohub.po:1:1",
    ]


def test_a_hub_template_that_does_not_compile_is_reported_once(tmp_path):
    files = {**GERMAN, "templates/home.html": "{% trans %}Unclosed\n", "templates/x.txt": "{%"}
    root = write_hub(tmp_path, files, hub_yaml("de"))
    status, lines = _check(root)
    assert status == 1
    errors = [line for line in lines if ": error: " in line]
    assert [line.split(":")[0] for line in errors] == ["templates/home.html", "templates/x.txt"]


@pytest.mark.parametrize(
    "entry, message",
    [
        ('msgid "Ideas"\nmsgstr "%(ideen)s"', "uses %(ideen)s, which the message does not give"),
        ('msgid "Ideas"\nmsgstr "100% Ideen"', "a '%' that is no placeholder"),
        ('msgid "Ideas"\nmsgstr "%(x)999999999s"', "a '%' that is no placeholder"),
        ('msgid "Ideas"\nmsgstr "Ideen', "expected a gettext catalog"),
    ],
)
def test_a_broken_translation_is_an_error_at_its_line_never_a_crash(tmp_path, entry, message):
    po = _po("de", {}) + "\n" + entry + "\n"
    files = {**GERMAN, "templates/locales/de/LC_MESSAGES/messages.po": po}
    root = write_hub(tmp_path, files, hub_yaml("de"))
    status, lines = _check(root)
    assert status == 1
    errors = [line for line in lines if ": error: " in line]
    assert errors and errors[0].startswith("templates/locales/de/LC_MESSAGES/messages.po:"), lines
    assert message in errors[0]
    result = build(root, environ=ENV, search=False)
    assert not result.ok and not (root / "site").exists()


@pytest.mark.parametrize(
    "rule, message",
    [
        ("nplurals=2; plural=__import__('os').getpid();", "the plural rule cannot be read"),
        ("nplurals=2; plural=" + "(" * 500 + "n" + ")" * 500 + ";", "the plural rule cannot"),
        ("nplurals=99; plural=n;", "expected from 1 to 6 plural forms, found 99"),
    ],
)
def test_a_plural_rule_gettext_would_refuse_is_an_error(tmp_path, rule, message):
    po = _po("de", {"Ideas": "Ideen"}, plural=rule)
    files = {**GERMAN, "templates/locales/de/LC_MESSAGES/messages.po": po}
    root = write_hub(tmp_path, files, hub_yaml("de"))
    status, lines = _check(root)
    assert status == 1
    assert any(
        line.startswith("templates/locales/de/LC_MESSAGES/messages.po:1:1: error: language: ")
        and message in line
        for line in lines
    ), lines
    assert not build(root, environ=ENV, search=False).ok


def test_a_catalog_that_links_out_of_the_hub_is_refused(tmp_path):
    outside = tmp_path / "outside.po"
    outside.write_text(_po("de", {"Ideas": "Geheim"}), encoding="utf-8")
    (tmp_path / "hub").mkdir()
    root = write_hub(tmp_path / "hub", GERMAN, hub_yaml("de"))
    path = root / "templates/locales/de/LC_MESSAGES/messages.po"
    path.parent.mkdir(parents=True)
    path.symlink_to(outside)
    status, lines = _check(root)
    assert status == 1
    assert any(line.startswith("templates/locales/de/LC_MESSAGES/messages.po") for line in lines)
    assert not build(root, environ=ENV, search=False).ok


def test_a_catalog_that_is_not_utf8_is_an_error(tmp_path):
    files = dict(GERMAN)
    root = write_hub(tmp_path, files, hub_yaml("de"))
    path = root / "templates/locales/de/LC_MESSAGES/messages.po"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'msgid "Ideas"\nmsgstr "Id\xe9en"\n')
    status, lines = _check(root)
    assert status == 1
    assert any(
        line.startswith("templates/locales/de/LC_MESSAGES/messages.po:2:1: error: language:")
        for line in lines
    ), lines


def test_what_fills_a_translation_is_escaped(tmp_path):
    files = {**GERMAN, **_hub_catalog("de", {"Follow: %(name)s": "Folgen: <b>%(name)s</b>"})}
    files["content/ideas/dunkelmodus.md"] = files["content/ideas/dunkelmodus.md"].replace(
        "title: Dunkler Modus", 'title: "Dunkler <script>alert(1)</script> Modus"'
    )
    root = write_hub(tmp_path, files, hub_yaml("de"))
    _build(root)
    page = (root / "site/ideas/dunkelmodus/follow/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page


# -- the build cache and the language -----------------------------------------------


def _same(a: Path, b: Path) -> None:
    files_a = {p.relative_to(a).as_posix(): p.read_bytes() for p in site_files(a)}
    files_b = {p.relative_to(b).as_posix(): p.read_bytes() for p in site_files(b)}
    assert files_a.keys() == files_b.keys()
    assert [k for k in files_a if files_a[k] != files_b[k]] == []


def test_a_cached_build_after_a_language_or_catalog_change_equals_a_cold_one(tmp_path):
    (tmp_path / "hub").mkdir()
    root = write_hub(tmp_path / "hub", GERMAN, hub_yaml("en"))
    cached = tmp_path / "cached"
    _build(root, cached)
    (root / "hub.yaml").write_text(hub_yaml("de"), encoding="utf-8")
    _build(root, cached)
    cold = tmp_path / "cold"
    _build(root, cold, cache=False)
    _same(cached, cold)
    write_hub(root, _hub_catalog("de", {"Ideas": "Vorschläge"}), None)
    _build(root, cached)
    shutil.rmtree(cold)
    _build(root, cold, cache=False)
    _same(cached, cold)
    assert "Vorschläge" in (cached / "index.html").read_text(encoding="utf-8")


# -- the preview ---------------------------------------------------------------------


def test_the_preview_follows_a_catalog_edit_and_a_language_switch(tmp_path, monkeypatch):
    from test_serve import Server

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    # The hub has a catalog of its own already: a watcher that is told of a new folder
    # only once it exists can miss a file written into it at once (inotify's race).
    files = {**GERMAN, **_hub_catalog("de", {"Search": "Suchen"})}
    root = write_hub(tmp_path, files, hub_yaml("de"))
    server = Server(root)
    server.thread.start()
    assert server.ready.wait(15), server.log.getvalue()
    try:
        body = server.wait_for("/", lambda s, b: ">Ideen</a>" in b and ">Suchen</a>" in b, "German")
        assert 'lang="de"' in body
        time.sleep(0.3)  # the watcher starts after the first build is served
        write_hub(root, _hub_catalog("de", {"Search": "Suchen", "Ideas": "Vorschläge"}), None)
        server.wait_for("/", lambda s, b: ">Vorschläge</a>" in b, "the catalog edit")
        (root / "hub.yaml").write_text(hub_yaml("fr"), encoding="utf-8")
        body = server.wait_for("/", lambda s, b: 'lang="fr"' in b, "the language switch")
        assert ">Idées</a>" in body and "Vorschläge" not in body
    finally:
        server.stop.set()
        server.thread.join(15)


# -- the theme's contract is documented ------------------------------------------------


def test_every_global_and_filter_a_template_gets_is_in_docs_theme(tmp_path):
    """docs/theme.md names each name the renderer gives templates (a new global or
    filter without a line there fails here), the gettext calls included."""
    import jinja2

    from builder.engine.revision import Revision
    from builder.pipeline import read_hub
    from builder.render import Renderer
    from builder.urls import plan

    root = write_hub(tmp_path, GERMAN, hub_yaml("de"))
    hub = read_hub(root, environ=ENV).hub
    renderer = Renderer(Revision(hub, None), plan(hub), root, hub.config.base_url)
    jinja = jinja2.Environment()
    given = (set(renderer.env.globals) - set(jinja.globals)) | (
        set(renderer.env.filters) - set(jinja.filters)
    )
    documented = (ROOT / "docs" / "theme.md").read_text(encoding="utf-8")
    missing = sorted(n for n in given if not re.search(rf"`{re.escape(n)}[`(]", documented))
    assert not missing, f"not in docs/theme.md: {missing}"


def test_the_feeds_of_a_german_hub_pass_the_validator_checks(german_site):
    """The same checks as the example's feeds (tests/test_feeds.py), in German."""
    from test_feeds import check_file, feed_files

    feeds = feed_files(german_site)
    assert len(feeds) > 20
    problems = {}
    for path in feeds:
        found = check_file(german_site, path, "https://hub.example.com/")
        if found:
            problems[path.relative_to(german_site).as_posix()] = found
    assert problems == {}
