"""Write docs/api.md, the reference of the open data, from the schemas it publishes.

    python scripts/api_docs.py

The schemas in builder/schemas/ are the contract; this page is made from them, and
tests/test_opendata.py fails when the page is behind them, so the two never drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.opendata import PURPOSES, schema_file  # noqa: E402
from builder.urls import DATA_SCHEMAS, Urls  # noqa: E402

INTRO = """\
# Open data

Everything the hub's pages show is also published as JSON under `/api/v1/`, for
other tools to read without a server: a dashboard, a support tool, a script. Netlify
serves it with `Access-Control-Allow-Origin: *`, so a page on any site may fetch it.
The site's `/feeds/` page lists the files.

- Every file is made from the same content as the pages, at the same build: the
  figures, statuses and names are the ones the pages show.
- Keys are English and stable; a value the site words for its readers carries both
  (`status` and `status_label`). Dates are `YYYY-MM-DD`. Addresses are absolute.
- Written text (an idea's words, a note, release notes) comes as `html` (the sanitized
  HTML the page shows) and `text` (plain text).
- Drafts are never there (unless the site is built with `--drafts`), and a person whose
  profile says `public: false` is named as the pages name them ("a customer", "the
  team"), with no handle.
- The same content and build date give the same bytes: keys sorted, two-space
  indentation, UTF-8.
- Each file names its JSON Schema (2020-12) in `$schema`; the schemas are published at
  `/api/v1/schema/NAME.json`.

This page is generated from the schemas by `python scripts/api_docs.py`.
"""


def reference() -> str:
    """The whole of docs/api.md."""
    parts = [INTRO]
    for name in DATA_SCHEMAS:
        schema = json.loads(schema_file(name).read_text(encoding="utf-8"))
        address = Urls.idea_data("SLUG") if name == "idea" else Urls.data(name)
        parts.append(f"\n## `{address}`\n\n{PURPOSES[name]}\n")
        parts.append(f"\nSchema: `{Urls.data_schema(name)}`.\n")
        parts.append("\n| field | type | meaning |\n| --- | --- | --- |\n")
        parts += [
            f"| `{path}` | {kind} | {text} |\n" for path, kind, text in _fields(schema, schema)
        ]
    return "".join(parts)


def _fields(schema: dict, root: dict, prefix: str = ""):
    """(path, type, description) of every field, depth first, in the schema's order."""
    for key, sub in schema.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        yield path, _type(sub, root), sub.get("description", "").replace("|", "\\|")
        inner = _inner(sub, root)
        if inner is not None:
            yield from _fields(inner[0], root, path + inner[1])


def _resolve(schema: dict, root: dict) -> dict:
    if "$ref" in schema:
        return root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _inner(schema: dict, root: dict):
    """The object a field holds, and the mark on its path (`[]` for a list)."""
    schema = _resolve(schema, root)
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _inner(option, root)
    if schema.get("type") == "array":
        items = _resolve(schema["items"], root)
        return (items, "[]") if "properties" in items else None
    return (schema, "") if "properties" in schema else None


def _type(schema: dict, root: dict) -> str:
    """A field's type in words: `text`, `date`, `list of person`, `… or null`."""
    if "anyOf" in schema:
        kinds = [_type(o, root) for o in schema["anyOf"] if o.get("type") != "null"]
        return " or ".join(kinds) + " or null"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        return "list of " + _type(schema["items"], root)
    if kind == "string":
        if schema.get("format") == "date":
            return "date"
        if schema.get("format") == "uri":
            return "URL"
        return "slug" if schema.get("pattern", "").startswith("^[a-z0-9]") else "text"
    return {"integer": "whole number", "number": "number", "boolean": "true or false"}.get(
        kind, "object"
    )


if __name__ == "__main__":
    (ROOT / "docs/api.md").write_text(reference(), encoding="utf-8")
