"""Limits: the bounds within which content is read, each documented and enforced early.

Content comes by pull request, and CI builds it next to the deploy secrets: a 50 MB
body, a list of 50,000 supporters or front matter nested 10,000 deep must not take
minutes or gigabytes before anyone hears of it. Each limit is checked where the
content enters, before the expensive work (a file's size before it is read, a list's
length while the YAML is composed, Markdown's nesting and table rows before it is
rendered), and going past one is a diagnostic at the file and field saying which
limit and how to raise it: `limits:` in hub.yaml, like every other setting.

A few bounds are not settings but what the rest of cohub can take: a slug becomes a
file name (most file systems stop at 255 bytes) and a URL; a date goes through
arithmetic (a round's closing is the day after `closes`, the roadmap looks 90 days
back, feeds add sub-second offsets), which Python's dates cannot do near year 1 or
9999. Those are constants here, documented with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

#: The longest slug (file name, handle, product key, a tag's URL): it becomes a file
#: or folder name in the output, and URLs people read. 80 keeps any output path far
#: below the 255 bytes file systems allow for a name.
SLUG_LENGTH = 80

#: The years a date may fall in. 1970 is where SOURCE_DATE_EPOCH and every clock a
#: build runs on start, and no hub's content is older; 9000 leaves room for every
#: day, offset and microsecond the site adds to a date, which Python cannot take past
#: 9999-12-31. A date outside is a typo (`0202-03-01`) far more often than a plan.
FIRST_YEAR, LAST_YEAR = 1970, 9000

#: Markdown renders at most this much nesting, whatever `limits.markdown_nesting`
#: says: markdown-it recurses once per level, and must stay clear of Python's
#: recursion limit (about 1,000 frames) on every construct.
MARKDOWN_NESTING_MAX = 50
#: YAML is composed recursively too (a frame or two per level).
YAML_DEPTH_MAX = 100


@dataclass(frozen=True)
class Limits:
    """The bounds a hub's content is read within (`limits:` in hub.yaml)."""

    #: Bytes per content file, checked before the file is read.
    file_size: int = 1_000_000
    #: How deep front matter may nest lists and mappings (the file itself is 1).
    yaml_depth: int = 20
    #: Items in one list (tags, supporters, updates, changes, …) or keys in one mapping.
    list_length: int = 1_000
    #: How deep Markdown may nest quotes and lists inside each other.
    markdown_nesting: int = 20
    #: Rows in one Markdown table.
    table_rows: int = 1_000


DEFAULT_LIMITS = Limits()

#: Each limit's meaning, its default and its most, for the schema and the docs.
LIMIT_DOCS: dict[str, str] = {
    "file_size": "bytes per content file (and hub.yaml)",
    "yaml_depth": "how deep front matter nests lists and mappings",
    "list_length": "items in one list, keys in one mapping",
    "markdown_nesting": "how deep Markdown nests quotes and lists",
    "table_rows": "rows in one Markdown table",
}
LIMIT_MAXIMA: dict[str, int] = {
    "yaml_depth": YAML_DEPTH_MAX,
    "markdown_nesting": MARKDOWN_NESTING_MAX,
}

assert set(LIMIT_DOCS) == {f.name for f in fields(Limits)}


def slug_too_long(slug: str) -> str:
    """How a slug longer than `SLUG_LENGTH` is described ("is 300 characters long, …"),
    or "" when it is not too long."""
    if len(slug) <= SLUG_LENGTH:
        return ""
    return f"is {len(slug)} characters long, over the limit of {SLUG_LENGTH} for a slug"


def over_limit(name: str, fix: str) -> str:
    """The hint of a diagnostic reporting a limit: the fix in the content first, then
    where the limit is set (a limit is a guard, not a verdict on the content)."""
    return f"{fix}, or raise limits.{name} in hub.yaml"
