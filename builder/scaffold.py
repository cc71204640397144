"""`cohub new`: start a content file that already passes `cohub check`.

The required fields come from the schemas, so a new required field cannot be
forgotten here; the values are today's build date and what the command line gave.
Every optional field follows as a comment (SPEC §8): its name, an example of its shape
made from its type, and its doc, so a marketer sees what can be added and a new field
in the schema shows up here without anyone writing its comment. Uncommented, each
example is a valid value (the tests hold the examples to that).

`cohub new update` answers an idea instead (builder.answer).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta
from pathlib import Path

from . import schema as s
from .answer import Refused, answer
from .config import load_config
from .errors import Problems, UsageError
from .schema import IDEA, PAGE, PERSON, RELEASE, ROUND, Text
from .slugs import SLUG_RULE, is_slug, slugify

KINDS = {"idea": IDEA, "round": ROUND, "release": RELEASE, "person": PERSON, "page": PAGE}
#: What `cohub new` takes: a kind of file to start, or `update` to answer an idea.
NEW_KINDS = (*KINDS, "update")
#: The options only `cohub new update` takes (argparse dest -> flag).
UPDATE_OPTIONS = {"status": "--status", "by": "--by", "note": "--note", "date": "--date"}

#: Feedback rounds usually run for a fortnight; the author adjusts `closes`.
ROUND_LENGTH = timedelta(days=14)

#: A comment's hint starts at this column at least, so the hints line up.
HINT_COLUMN = 32


def run_new(root: Path, args: argparse.Namespace, today: date) -> int:
    """`cohub new KIND TITLE` or `cohub new update IDEA …`: print the file's path and
    return the exit status (1 when the idea's file cannot take the answer)."""
    if args.kind == "update":
        if args.author is not None:
            raise UsageError("--author is for cohub new idea; an update is signed with --by")
        try:
            path = answer(
                root,
                args.title,
                status=args.status,
                by=args.by,
                note=args.note,
                when=args.date,
                today=today,
            )
        except Refused as exc:
            for line in exc.details:
                print(line, file=sys.stderr)
            print(f"cohub: {exc}", file=sys.stderr)
            return 1
    else:
        given = [flag for dest, flag in UPDATE_OPTIONS.items() if getattr(args, dest) is not None]
        if given:
            flags = " and ".join((", ".join(given[:-1]), given[-1]) if len(given) > 1 else given)
            verb = "are" if len(given) > 1 else "is"
            raise UsageError(f"{flags} {verb} for cohub new update, not cohub new {args.kind}")
        path = scaffold(root, args.kind, args.title, today, author=args.author)
    print(path.relative_to(root).as_posix())
    return 0


def scaffold(root: Path, kind: str, title: str, today: date, author: str | None = None) -> Path:
    """Write a new file and return its path; never overwrites."""
    ctype = KINDS[kind]
    slug = slugify(title)
    if not slug:
        raise UsageError(f"cannot make a file name from {title!r}: use some letters or digits")
    if kind == "idea":
        if not author:
            raise UsageError("cohub new idea needs --author HANDLE (who raised the idea)")
        if not is_slug(author):
            raise UsageError(f"--author must be a handle ({SLUG_RULE}), found {author!r}")
    values = {
        "title": title,
        "name": title,
        "submitted": today.isoformat(),
        "author": author,
        "opens": today.isoformat(),
        "closes": (today + ROUND_LENGTH).isoformat(),
        "date": today.isoformat(),
    }
    lines = ["---"]
    for field in ctype.record.fields:
        if field.required:
            value = values[field.name]
            if isinstance(field.type, Text):
                # JSON strings are valid YAML, and quoting keeps a title such as
                # `2027` or `No: thanks` text.
                value = json.dumps(value, ensure_ascii=False)
            lines.append(f"{field.name}: {value}")
    config = load_config(root, Problems())
    lines += optional_fields(
        ctype.record, Examples(today, tuple(config.products) if config else ())
    )
    lines += ["---", f"<!-- {ctype.body.capitalize()}, in Markdown. -->", ""]
    path = root / "content" / ctype.folder / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write("\n".join(lines))
    except FileExistsError:
        rel = path.relative_to(root).as_posix()
        raise UsageError(f"{rel} already exists; cohub new never overwrites a file") from None
    return path


# The optional fields, as comments.


class Examples:
    """An example value of each field type, for the comments of a new file."""

    #: Markdown can run over lines: the example says so, as a block scalar.
    MARKDOWN = "Markdown, on as many lines as it needs."

    def __init__(self, today: date, products: tuple[str, ...] = ()) -> None:
        self.today = today
        self.products = products

    def of(self, ftype: s.FieldType) -> list[str]:
        """One or two example values of `ftype`, each a YAML value on one line that
        can stand in a flow list too."""
        match ftype:
            case s.Text():
                return ["first", "second"]
            case s.Markdown():
                return [json.dumps(self.MARKDOWN)]
            case s.Date():
                return [self.today.isoformat()]
            case s.Boolean():
                return ["true"]
            case s.Integer():
                return [str(max(ftype.minimum, 25))]
            case s.Url():
                return ["https://example.com/"]
            case s.UrlPath():
                return ["/old/path/"]
            case s.Choice():
                return [ftype.values[0]]
            case s.Slug():
                if ftype.target == "products" and self.products:
                    return [self.products[0]]
                return [ftype.target.removesuffix("s") + "-slug"]
            case s.Person():
                return ["sarah-merion", '{name: "Someone"}']
            case s.ListOf():
                return ["[" + ", ".join(self.of(ftype.item)) + "]"]
            case s.EitherOf():
                return self.of(ftype.options[0])
            case s.MappingOf():
                return ["{key: " + self.of(ftype.value)[0] + "}"]
            case s.Record():
                return [
                    "{" + ", ".join(f"{f.name}: {self.of(f.type)[0]}" for f in ftype.fields) + "}"
                ]
        raise TypeError(f"no example for {ftype!r}")

    def rows(self, field: s.Field, indent: str = "", lead: str = "") -> list[tuple[str, str]]:
        """(YAML line, hint) pairs for `field`, written at `indent` (`lead` replaces
        the indent on the first line: the `- ` of a list item)."""
        first = lead or indent
        ftype, hint = field.type, _hint(field)
        if isinstance(ftype, s.Markdown):
            return [(f"{first}{field.name}: |", hint), (f"{indent}  {self.MARKDOWN}", "")]
        if isinstance(ftype, s.ListOf) and isinstance(ftype.item, s.Record):
            rows = [(f"{first}{field.name}:", hint)]
            for n, sub in enumerate(ftype.item.fields):
                rows += self.rows(sub, indent + "    ", indent + "  - " if n == 0 else "")
            return rows
        if isinstance(ftype, s.Record):
            rows = [(f"{first}{field.name}:", hint)]
            for sub in ftype.fields:
                rows += self.rows(sub, indent + "  ")
            return rows
        if isinstance(ftype, s.Boolean) and field.doc.startswith("default true"):
            return [(f"{first}{field.name}: false", hint)]  # the example that changes something
        if isinstance(ftype, s.Text):
            return [(f'{first}{field.name}: "some text"', hint)]  # "first" reads as a list's
        return [(f"{first}{field.name}: {self.of(ftype)[0]}", hint)]


def _hint(field: s.Field) -> str:
    """What a field is for: its doc, else its type; a choice also lists its values."""
    if isinstance(field.type, s.Choice):
        return f"{field.doc}: {field.type.describe}" if field.doc else field.type.describe
    return field.doc or field.type.describe


def optional_fields(record: s.Record, examples: Examples) -> list[str]:
    """Each optional field of `record` as commented lines, hints aligned."""
    rows = [row for f in record.fields if not f.required for row in examples.rows(f)]
    if not rows:
        return []
    width = max(HINT_COLUMN, *(len(line) + 4 for line, hint in rows if hint))
    return [f"# {line}".ljust(width) + f"# {hint}" if hint else f"# {line}" for line, hint in rows]
