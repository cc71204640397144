"""Languages: everything the theme says, in the hub's language (SPEC §11).

The theme's words are gettext messages, the ecosystem's usual way: templates mark
them with Jinja's i18n extension (`{% trans %}`, `_()`), cohub's own code with
`language.gettext()`, and `scripts/messages.py` extracts both into the default
theme's `locales/messages.pot`, from which each language's catalog
(`locales/LANG/LC_MESSAGES/messages.po`) is kept. Dates, numbers and plural rules
come from CLDR through Babel, so a German hub reads "12. März 2026" and "1.234 Ideen"
without a table of ours.

A hub's `templates/locales/` adds a language or overrides some of a default
catalog's messages: for `de-AT` the hub's `de_AT`, the default's `de_AT`, the hub's
`de`, the default's `de` and the hub's `en` are asked in that order, and English (the
messages themselves) answers what none of them has. A missing translation is a
`check` warning, never a crash; a catalog whose translation could break a page (a
placeholder the message does not give, a `%` that is not one) is an error at its line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from gettext import NullTranslations, c2py
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from jinja2 import TemplateError, pass_context
from jinja2.ext import extract_from_ast
from markupsafe import Markup

from .errors import Pos, Problems
from .files import Entry, HubFiles, HubTemplates, read_regular
from .theme import default_theme

#: The language the theme's messages are written in: it needs no catalog.
SOURCE = "en"
#: Where a theme keeps its catalogs, and the file of one language's (gettext's layout,
#: so `pybabel` and translation tools work on them as they are).
LOCALES = "locales"
DOMAIN = "messages"
TEMPLATE_FILE = f"{LOCALES}/{DOMAIN}.pot"
FIELD = "language"

#: The names templates and cohub's code call to mark a message: Jinja's i18n extension
#: compiles `{% trans %}` to `gettext` and `ngettext`, and `scripts/messages.py` looks
#: for all of them (`N_` marks a message translated later, where it is shown).
GETTEXT_FUNCTIONS = ("_", "gettext", "ngettext", "pgettext", "npgettext", "N_")

#: A BCP 47 tag as hub.yaml writes one: a language, then a script, region or variant.
LANGUAGE_TAG = r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*"
#: What a translation may hold after `%`: a named placeholder, or `%%` for a percent
#: sign. Anything else (`%d`, `%(n)999999999s`) would crash or blow up a page.
_PLACEHOLDER = re.compile(r"%(?:\((\w+)\)s|%)")
#: CLDR's languages have at most six plural categories (Arabic's).
MAX_PLURALS = 6


def N_(message: str) -> str:
    """Marks `message` for the catalogs where it is defined (a table of labels); it is
    translated where it is shown."""
    return message


# -- one language, as a build speaks it ---------------------------------------------


@dataclass(frozen=True)
class Language:
    """The hub's language: its catalogs, chained, and its CLDR locale.

    `tag` is hub.yaml's (what `<html lang>`, the feeds and the JSON say);
    `translations` the catalogs that answer, the most specific first."""

    tag: str
    locale: Locale
    translations: NullTranslations = field(repr=False, compare=False)
    _dates: dict = field(default_factory=dict, repr=False, compare=False)
    _numbers: dict = field(default_factory=dict, repr=False, compare=False)

    def gettext(self, message: str, **variables) -> str:
        """`message` in this language, its `%(name)s` filled from `variables`
        (whole numbers as this language writes them)."""
        return self.fill(self.translations.gettext(message), variables)

    def ngettext(self, singular: str, plural: str, n: int, **variables) -> str:
        """The form of a message for `n` by this language's CLDR plural rule;
        `%(num)s` is `n` as this language writes it."""
        return self.fill(self.translations.ngettext(singular, plural, n), variables, n)

    def pgettext(self, context: str, message: str, **variables) -> str:
        """`gettext` of a message whose words mean more than one thing (`context`)."""
        return self.fill(self.translations.pgettext(context, message), variables)

    def npgettext(self, context: str, singular: str, plural: str, n: int, **variables) -> str:
        text = self.translations.npgettext(context, singular, plural, n)
        return self.fill(text, variables, n)

    def fill(self, text, variables: dict, n: int | None = None):
        """A translation with its placeholders filled (`%(num)s` is `n`, for a plural),
        whole numbers written as this language writes them (a flag, `True`, is not a
        number). Markup stays markup, and escapes what fills it. A text without `%`
        (most labels) has nothing to fill."""
        if "%" not in text:
            return text
        if n is not None:
            variables.setdefault("num", n)
        return text % {
            name: self.number(value) if type(value) is int else value
            for name, value in variables.items()
        }

    def date(self, day: date) -> str:
        """A day as this language writes it in full: "March 12, 2026", "12. März 2026",
        "12 mars 2026", "12 de marzo de 2026"; never the ambiguous 03/12/2026."""
        text = self._dates.get(day)
        if text is None:
            text = format_date(day, "long", locale=self.locale)
            if day.day == 1 and self.locale.language == "fr" and text.startswith("1 "):
                text = "1er" + text[1:]  # French's first of the month, which CLDR omits
            self._dates[day] = text
        return text

    def month(self, day: date) -> str:
        """A month and its year, short ("Mar 2026", "März 2026"): a chart's rows."""
        return format_skeleton("yMMM", day, locale=self.locale)

    def month_name(self, day: date) -> str:
        """A month's short name alone ("Mar", "März"): a chart's crowded axis."""
        return format_date(day, "MMM", locale=self.locale)

    def quarter(self, day: date) -> str:
        """The quarter a day is in, with its year ("Q1 2026", "1. Quartal 2026")."""
        return format_skeleton("yQQQ", day, locale=self.locale)

    def number(self, n: int | float) -> str:
        """`n` with this language's digit grouping and decimal sign (1,234 / 1.234);
        kept per value, as a site writes the same few counts thousands of times."""
        key = (type(n), n)
        text = self._numbers.get(key)
        if text is None:
            text = self._numbers[key] = format_decimal(n, locale=self.locale)
        return text

    def percent(self, share: float) -> str:
        """A share as this language writes a percentage ("42%", "42 %")."""
        return format_percent(share, locale=self.locale)

    def install(self, env) -> None:
        """Make this the language `env`'s templates speak: the callables Jinja's i18n
        extension compiles `{% trans %}` and `_()` to, in its "newstyle", where the
        call fills the placeholders (`environment` sets that style when it parses)."""
        env.globals.update(
            _=_template_call(self, "gettext"),
            gettext=_template_call(self, "gettext"),
            ngettext=_template_call(self, "ngettext"),
            pgettext=_template_call(self, "pgettext"),
            npgettext=_template_call(self, "npgettext"),
        )


def _template_call(language: Language, function: str):
    """A gettext function as templates call it. Under autoescape its translation is
    markup, as the template around it is (a catalog is part of the theme), and what
    fills it is escaped: the filling is done on the Markup."""
    plural = function.startswith("n")
    translate = getattr(language.translations, function)

    @pass_context
    def call(context, *args, **variables):
        text = translate(*args)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return language.fill(text, variables, args[-1] if plural else None)

    return call


def english() -> Language:
    """The theme's own words, untranslated, with English dates and numbers."""
    return Language(SOURCE, Locale.parse(SOURCE), NullTranslations())


# -- catalogs -------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogFile:
    """One catalog as read: its language, whose it is (the hub's or the default
    theme's), the name diagnostics give it and its checked messages."""

    language: str
    hub: bool
    name: str
    catalog: Catalog = field(repr=False, compare=False)

    def translates(self, msgid: str | tuple, context: str | None) -> bool:
        """Whether this catalog has a usable translation of a message."""
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = self.catalog.get(key, context=context)
        if message is None or message.fuzzy:
            return False
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        return all(strings)


@dataclass(frozen=True)
class Catalogs:
    """The catalog files a hub can speak from, by language folder (`de`, `pt_BR`):
    the hub's own under `templates/locales/` and the default theme's."""

    root: Path
    theme: Path
    hub: Mapping[str, Path]
    default: Mapping[str, Path]

    @classmethod
    def of(cls, root: Path, theme: Path) -> Catalogs:
        return cls(root, theme, _hub_catalogs(root), _default_catalogs(theme))

    def chain(self, tag: str) -> list[tuple[str, bool, Path]]:
        """(language, the hub's?, path) of each catalog asked for `tag`, in the order
        they are asked: the most specific language first, the hub's catalog of each
        before the default's, and the hub's English last, if it has one."""
        wanted = candidates(tag)
        if wanted[-1].lower() != SOURCE:
            wanted.append(SOURCE)
        chain = []
        for language in wanted:
            for hub, found in ((True, self.hub), (False, self.default)):
                folder = _lookup(found, language)
                if folder is not None:
                    chain.append((language, hub, found[folder]))
        return chain

    def name(self, path: Path, hub: bool) -> str:
        """A catalog's file as diagnostics name it: as the hub would override it."""
        base = self.root / "templates" if hub else self.theme
        return "templates/" + path.relative_to(base).as_posix()

    def read(self, tag: str, problems: Problems) -> list[CatalogFile]:
        """The catalogs asked for `tag`, read and checked, in the order of `chain`."""
        files = []
        for language, hub, path in self.chain(tag):
            read = read_catalog(path, self.name(path, hub), language, hub, problems)
            if read is not None:
                files.append(read)
        return files


def _default_catalogs(theme: Path) -> dict[str, Path]:
    return {
        path.parent.parent.name: path
        for path in sorted((theme / LOCALES).glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
        if path.is_file()
    }


def _hub_catalogs(root: Path) -> dict[str, Path]:
    """The hub's catalogs, where `files` lets a hub hold them: a link out of the hub
    or a FIFO is not read here (`check_tree` reports it)."""
    files = HubFiles(root)
    folder = root / "templates" / LOCALES
    entry = files.vet(folder)
    if not isinstance(entry, Entry) or not entry.is_dir:
        return {}
    found = {}
    for path in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        entry = files.vet(path)
        if isinstance(entry, Entry) and not entry.is_dir:
            found[path.parent.parent.name] = path
    return found


def candidates(tag: str) -> list[str]:
    """The catalog names a tag asks for, most specific first: `de-AT` → `de_AT`,
    `de`; `zh-Hant-TW` → `zh_Hant_TW`, `zh_Hant`, `zh`."""
    parts = re.split(r"[-_]", tag)
    return ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]


def _lookup(folders: Iterable[str], wanted: str) -> str | None:
    """The folder that is `wanted`, in any case and separator (`de-at` is `de_AT`)."""
    return next((f for f in folders if f.replace("-", "_").lower() == wanted.lower()), None)


def read_catalog(
    path: Path, name: str, language: str, hub: bool, problems: Problems
) -> CatalogFile | None:
    """A catalog, or None when it cannot be read (reported at its line). Each
    translation is checked against its message first: one that uses a placeholder the
    message does not give, or a `%` that is none, would break every page that shows
    it, so it is an error at its line and the message stays untranslated."""
    try:
        data = read_regular(path)
    except OSError as exc:
        problems.error(name, Pos(), f"cannot read the catalog: {exc.strerror}", field=FIELD)
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(name, Pos(line, 1), "expected UTF-8 text, found other bytes", field=FIELD)
        return None
    malformed = _malformed_line(text)
    if malformed is not None:
        line, what = malformed
        problems.error(name, Pos(line, 1), f"expected a gettext catalog: {what}", field=FIELD)
        return None
    try:
        catalog = read_po(io.StringIO(text), abort_invalid=True)
    except PoFileError as exc:
        problems.error(
            name,
            Pos(exc.lineno + 1, 1),
            f"expected a gettext catalog: {exc.message}",
            field=FIELD,
        )
        return None
    rule = _plural_problem(catalog)
    if rule:
        problems.error(name, Pos(1, 1), rule, field=FIELD, hint="Plural-Forms in the header")
        return None
    for message in list(catalog):
        if not message.id:
            continue  # the header
        problem = translation_problem(message.id, message.string)
        if problem:
            problems.error(
                name,
                Pos(message.lineno or 1, 1),
                problem,
                field=FIELD,
                hint=f"msgid {_first(message.id)!r}",
            )
            catalog.delete(message.id, context=message.context)
    return CatalogFile(language, hub, name, catalog)


_PO_LINE = re.compile(
    r'(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*'
)


def _malformed_line(text: str) -> tuple[int, str] | None:
    """The first line of a catalog that is no comment, keyword or quoted string
    (Babel's reader takes `msgstr "Ideen` for "Idee" rather than refuse it)."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not _PO_LINE.fullmatch(stripped):
            return number, f"line {number} is not a quoted string after a keyword"
    return None


def _plural_problem(catalog: Catalog) -> str:
    """What is wrong with a catalog's plural rule, or "": gettext compiles the rule
    when the catalog is loaded (and refuses anything but C's arithmetic), so a rule it
    refuses would stop the build there."""
    try:
        c2py(catalog.plural_expr)
    except (ValueError, RecursionError, SyntaxError) as exc:
        return f"the plural rule cannot be read: {exc}"
    if not 1 <= catalog.num_plurals <= MAX_PLURALS:
        return f"expected from 1 to {MAX_PLURALS} plural forms, found {catalog.num_plurals}"
    return ""


def _first(msgid: str | tuple) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def translation_problem(msgid: str | tuple, string: str | tuple) -> str:
    """What would break a page if `string` were shown for `msgid`, or ""."""
    ids = msgid if isinstance(msgid, tuple) else (msgid,)
    given = {name for text in ids for name in _PLACEHOLDER.findall(text) if name}
    if isinstance(msgid, tuple):
        given.add("num")
    for text in string if isinstance(string, tuple) else (string,):
        placeholders = list(_PLACEHOLDER.finditer(text or ""))
        percents = sum(1 if m.group(1) else 2 for m in placeholders)
        if percents != (text or "").count("%"):
            return "the translation has a '%' that is no placeholder; write %% for a percent sign"
        for match in placeholders:
            if match.group(1) and match.group(1) not in given:
                return f"the translation uses %({match.group(1)})s, which the message does not give"
    return ""


def _translations(catalog: Catalog) -> Translations:
    """A catalog as gettext answers from it (fuzzy and empty translations left out)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def load(root: Path, tag: str, problems: Problems | None = None) -> Language:
    """The language a hub's site speaks: its catalogs chained, the most specific
    answering first, and its CLDR locale (English dates for a tag CLDR does not know)."""
    found = Catalogs.of(root, default_theme())
    files = found.read(tag, problems if problems is not None else Problems())
    translations: NullTranslations | None = None
    for read in reversed(files):
        layer = _translations(read.catalog)
        if translations is not None:
            layer.add_fallback(translations)
        translations = layer
    return Language(tag, _locale(tag), translations or NullTranslations())


def _locale(tag: str) -> Locale:
    for name in candidates(tag):
        try:
            return Locale.parse(name)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(SOURCE)


# -- check ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    """A message the theme shows, and the first place that shows it."""

    msgid: str | tuple[str, str]
    context: str | None
    path: str
    line: int
    #: The use is in one of the hub's own templates (not the default theme's).
    hub: bool = False


def template_uses(env, name: str) -> Iterator[Use]:
    """The messages one template marks, with the ids rendering asks for: parsed by
    the build's own environment (its `trimmed` policy and newstyle `%%`)."""
    source, filename, _ = env.loader.get_source(env, name)
    tree = env.parse(source, name, filename)
    for line, function, message in extract_from_ast(tree, GETTEXT_FUNCTIONS, babel_style=True):
        parts = message if isinstance(message, tuple) else (message,)
        context = None
        if function in ("pgettext", "npgettext"):
            context, parts = parts[0], parts[1:]
        plural = function in ("ngettext", "npgettext")
        texts = parts[:2] if plural else parts[:1]
        if texts and all(isinstance(t, str) for t in texts):
            yield Use(tuple(texts) if plural else texts[0], context, f"templates/{name}", line)


def theme_uses(theme: Path) -> list[Use]:
    """The default theme's messages, from its `messages.pot` (what
    `scripts/messages.py` extracted from its templates and cohub's code)."""
    with open(theme / TEMPLATE_FILE, encoding="utf-8") as pot:
        template = read_po(pot)
    uses = []
    for message in template:
        if message.id:
            path, line = message.locations[0] if message.locations else (TEMPLATE_FILE, 1)
            uses.append(Use(message.id, message.context, path, line or 1))
    return uses


def check_language(root: Path, tag: str, where: Pos, env, problems: Problems) -> None:
    """What `check` says of the hub's language (`where`: its line in hub.yaml): a
    catalog that cannot be used is an error at its line; a language with no catalog
    is a warning, and so is each message of the theme (the default's and the hub's
    own templates') that no catalog of the language translates."""
    theme = default_theme()
    found = Catalogs.of(root, theme)
    _misplaced(root, found, problems)
    files = found.read(tag, problems)
    translated = [f for f in files if f.language != SOURCE]
    if candidates(tag)[-1].lower() == SOURCE:
        return  # English: the messages are their own translation
    if not translated:
        have = ", ".join(sorted({*found.default, *found.hub, SOURCE}))
        problems.warning(
            "hub.yaml",
            where,
            f"no catalog for language {tag!r}: the theme speaks English",
            field=FIELD,
            hint=f"catalogs: {have}; or add templates/{LOCALES}/{candidates(tag)[-1]}"
            f"/LC_MESSAGES/{DOMAIN}.po",
        )
        return
    own = next((f for f in translated if f.hub), None)
    target = (
        own.name if own else f"templates/{LOCALES}/{translated[0].language}/LC_MESSAGES/{DOMAIN}.po"
    )
    for use in uses(root, env, theme):
        if any(f.translates(use.msgid, use.context) for f in translated):
            continue
        path, line, hint = use.path, use.line, f"add it to {target}"
        if not use.hub and own is not None:  # the hub's catalog is where it is missing
            path, line, hint = own.name, 1, f"add it (it is shown at {use.path}:{use.line})"
        elif not use.hub:
            hint += ", in the default theme"
        problems.warning(
            path,
            Pos(line, 1),
            f"no {translated[0].language} translation of {_first(use.msgid)!r}: it is shown in English",
            field=FIELD,
            hint=hint,
        )


def _misplaced(root: Path, found: Catalogs, problems: Problems) -> None:
    """A catalog file the chain would never read (`locales/de.po`, a compiled `.mo`)
    is a warning: the hub meant it to be read, and would otherwise never know."""
    files, folder = HubFiles(root), root / "templates" / LOCALES
    entry = files.vet(folder)
    if not isinstance(entry, Entry) or not entry.is_dir:
        return
    read = {path.resolve() for path in found.hub.values()}
    for file in files.walk(folder, Problems()):
        if file.path.suffix in (".po", ".mo") and file.path.resolve() not in read:
            problems.warning(
                file.rel,
                Pos(),
                "not read: a catalog goes in templates/locales/LANG/LC_MESSAGES/messages.po",
                field=FIELD,
                hint="gettext's layout, with the .po itself (cohub reads no .mo)",
            )


def uses(root: Path, env, theme: Path) -> list[Use]:
    """Every message the hub's site can show, once each: the default theme's (from its
    `messages.pot`) and those its own templates mark, where they mark them."""
    found: dict[tuple, Use] = {(u.msgid, u.context): u for u in theme_uses(theme)}
    for name in sorted(HubTemplates(root).list_templates()):
        if name.startswith(("static/", f"{LOCALES}/")):
            continue
        try:
            marked = list(template_uses(env, name))
        except TemplateError:
            continue  # a template that does not compile is check_templates' to report
        for use in marked:
            found[use.msgid, use.context] = replace(use, hub=True)
    return list(found.values())
