"""The default theme's message catalogs: extract, update, start a language.

    python scripts/messages.py extract        # templates + cohub's code -> templates/locales/messages.pot
    python scripts/messages.py update         # each LANG/LC_MESSAGES/messages.po follows the .pot
    python scripts/messages.py init LANG      # a new language's catalog, with CLDR's plural rule
    python scripts/messages.py check          # exit 1 when messages.pot is behind the sources

What `pybabel extract/update/init` do, but the templates are parsed by cohub's own
environment (its trimmed policy and newstyle `%%`), so the ids are exactly the ones
rendering asks for; and the output carries no date, so it changes only when a message
does. tests/test_languages.py fails when the .pot is stale or a catalog lacks a message.
"""

from __future__ import annotations

import io
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from jinja2.ext import babel_extract  # noqa: E402

from builder.languages import (  # noqa: E402
    DOMAIN,
    GETTEXT_FUNCTIONS,
    LOCALES,
    TEMPLATE_FILE,
    template_uses,
)
from builder.theme import default_theme, environment  # noqa: E402

#: The files a theme's messages are in, besides cohub's own code.
TEMPLATE_SUFFIXES = (".html", ".xml", ".svg", ".opml", ".txt")
#: A fixed date in the header: the file changes when a message does, not each run.
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
HEADER = "Messages of cohub's default theme"


def template_catalog() -> Catalog:
    """Every message of the default theme's templates and of cohub's code."""
    theme = default_theme()
    catalog = Catalog(
        project="cohub",
        header_comment=f"# {HEADER}.\n# Made by scripts/messages.py extract: do not edit.",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        charset="utf-8",
    )
    catalog.msgid_bugs_address = ""
    with tempfile.TemporaryDirectory() as empty:  # a hub with no templates of its own
        env = environment(Path(empty))
        names = sorted(
            n
            for n in env.loader.list_templates()
            if n.endswith(TEMPLATE_SUFFIXES) and not n.startswith(("!", "static/", LOCALES))
        )
        for name in names:
            notes = _template_notes(theme / name)
            for use in template_uses(env, name):
                catalog.add(
                    use.msgid,
                    locations=[(use.path, use.line)],
                    context=use.context,
                    auto_comments=notes.get(use.line, ()),
                )
    for path in sorted((REPO / "builder").rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        for line, message, comments, context in extract_from_file(
            "python", path, keywords=DEFAULT_KEYWORDS, comment_tags=NOTE_TAGS
        ):
            catalog.add(message, locations=[(rel, line)], context=context, auto_comments=comments)
    return catalog


#: Comments for translators, as `{# Translators: … #}` or `# Translators: …` just
#: before a message: they reach the catalogs as `#.` lines.
NOTE_TAGS = ["Translators:"]
#: Jinja's Babel extractor, set as cohub's environment is (`theme.environment`); only
#: its comments are used, the ids come from `template_uses`.
_JINJA_OPTIONS = {
    "trimmed": "true",
    "newstyle_gettext": "true",
    "trim_blocks": "true",
    "lstrip_blocks": "true",
    "keep_trailing_newline": "true",
    "silent": "false",
}


def _template_notes(path: Path) -> dict[int, list[str]]:
    """The translators' notes of a template, by the line of the message they are for."""
    with open(path, "rb") as file:
        found = babel_extract(file, GETTEXT_FUNCTIONS, NOTE_TAGS, _JINJA_OPTIONS)
        return {line: comments for line, _, _, comments in found if comments}


def dumps(catalog: Catalog, **options) -> str:
    """A catalog as its file: without Babel's version, which is no message's."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=88, omit_header=False, include_lineno=False, **options)
    text = buffer.getvalue().decode("utf-8")
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.startswith('"Generated-By:')
    )


def pot_text() -> str:
    return dumps(template_catalog(), sort_output=True)


def catalogs() -> dict[str, Path]:
    folder = default_theme() / LOCALES
    return {p.parent.parent.name: p for p in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))}


def update_text(path: Path, template: Catalog) -> str:
    """A language's catalog after the .pot: new messages added untranslated, gone ones
    dropped, no fuzzy guesses (a guess would be shown as if it were a translation)."""
    with open(path, encoding="utf-8") as file:
        catalog = read_po(file)
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.revision_date = FIXED_DATE
    catalog.creation_date = FIXED_DATE
    catalog.msgid_bugs_address = ""
    return dumps(catalog, sort_output=True, ignore_obsolete=True, include_previous=False)


def init_text(language: str, template: Catalog) -> str:
    catalog = Catalog(
        locale=Locale.parse(language),
        project="cohub",
        header_comment=f"# {HEADER}, in {Locale.parse(language).english_name}.",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        charset="utf-8",
    )
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "cohub"
    catalog.language_team = Locale.parse(language).english_name
    catalog.fuzzy = False  # the header: gettext reads a fuzzy one's plural rule all the same
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    return dumps(catalog, sort_output=True, ignore_obsolete=True)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    pot = default_theme() / TEMPLATE_FILE
    if command == "extract":
        pot.parent.mkdir(parents=True, exist_ok=True)
        pot.write_text(pot_text(), encoding="utf-8")
        print(f"wrote {pot.relative_to(REPO)}")
        return 0
    if command == "check":
        if not pot.is_file() or pot.read_text(encoding="utf-8") != pot_text():
            print(f"{pot.relative_to(REPO)} is behind: run python scripts/messages.py extract")
            return 1
        return 0
    with open(pot, encoding="utf-8") as file:
        template = read_po(file)
    if command == "update":
        for language, path in catalogs().items():
            path.write_text(update_text(path, template), encoding="utf-8")
            print(f"updated {language}")
        return 0
    if command == "init" and len(argv) == 2:
        path = default_theme() / LOCALES / argv[1] / "LC_MESSAGES" / f"{DOMAIN}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(init_text(argv[1], template), encoding="utf-8")
        print(f"wrote {path.relative_to(REPO)}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
