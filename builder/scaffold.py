"""`cohub new`: start a content file that already passes `cohub check`.

The required fields come from the schemas, so a new required field cannot be
forgotten here; the values are today's build date and what the command line gave.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from .errors import UsageError
from .schema import IDEA, PAGE, PERSON, RELEASE, ROUND, Text
from .slugs import SLUG_RULE, is_slug, slugify

KINDS = {"idea": IDEA, "round": ROUND, "release": RELEASE, "person": PERSON, "page": PAGE}

#: Feedback rounds usually run for a fortnight; the author adjusts `closes`.
ROUND_LENGTH = timedelta(days=14)


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
