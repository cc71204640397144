"""The content reference (docs/content.md), written from the schemas themselves.

`python -m builder.reference > docs/content.md` regenerates it; a test fails when
the committed file and the schemas disagree, so the docs cannot drift.
"""

from __future__ import annotations

from . import limits
from . import schema as s

INTRO = """\
# Content reference

Generated from `builder/schema.py` by `python -m builder.reference`; do not edit by hand.

Every content file is UTF-8 Markdown with YAML front matter between a first line `---`
and the next line `---`. A file's slug is its name without `.md` (lower-case letters and
digits, words joined by single hyphens). Unknown fields are errors. Dates are
`YYYY-MM-DD`, or a date-time with an offset (`2026-03-02T09:30:00+01:00`), compared by
its UTC date. A person is a handle (`sarah-merion`) or `{name: "Someone"}`.
"""


LIMITS_INTRO = """\
Content is read within bounds, so that no pull request can make `check` or `build`
take minutes or gigabytes. Going past one is an error at the file and field, saying
which limit; raise it here when a hub really needs more (hub.yaml itself is read
within the defaults). Each is a whole number of at least 1."""

BOUNDS = f"""\
Other bounds are what the site can take, not settings:

- a slug (a file name, a handle, a product key, the URL made from a tag) has at most
  {limits.SLUG_LENGTH} characters;
- a date falls in the years {limits.FIRST_YEAR} to {limits.LAST_YEAR};
- no text, name or body holds a control character other than tab and newline, or a
  Unicode non-character;
- a URL is `http://` or `https://` with a host, no user name or password, and no
  space, quote, `<`, `>`, backtick or backslash (percent-encode them)."""


def _table(record: s.Record) -> list[str]:
    rows = ["| field | required | type | meaning |", "| --- | --- | --- | --- |"]
    for field in record.fields:
        required = "yes" if field.required else ""
        rows.append(f"| `{field.name}` | {required} | {field.type.describe} | {field.doc} |")
    return rows


def reference() -> str:
    out = [INTRO]
    out += ["## `hub.yaml`", "", *_table(s.HUB), ""]
    out += ["### `limits`", "", LIMITS_INTRO, "", *_table(s.LIMITS), "", BOUNDS, ""]
    for ctype in s.CONTENT_TYPES.values():
        out += [
            f"## {ctype.record.name.capitalize()}: `content/{ctype.folder}/SLUG.md`",
            "",
            *_table(ctype.record),
            "",
            f"The body is {ctype.body}.",
            "",
        ]
        for field in ctype.record.fields:
            item = getattr(field.type, "item", None)
            if isinstance(item, s.Record):
                out += [f"### Each of `{field.name}`: {item.name}", "", *_table(item), ""]
    out += [
        "## Statuses",
        "",
        "In lifecycle order: " + ", ".join(f"`{x}`" for x in s.STATUSES) + ".",
        "The current status is the last update's (`new` when there is none).",
        "",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    print(reference(), end="")
