"""The hub's GitHub issue forms: finding them, and reading a submitted issue's body.

`cohub intake` maps an issue's fields by the form's field `id`s, never by their labels,
so a hub may word or translate its forms as it likes. GitHub writes a submitted form
as, for each field that is not Markdown, `### Label`, a blank line and the value
(`_No response_` when empty); the labels come from the hub's own form files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import yamltree
from .content import FrontMatterError, read_text
from .errors import Pos, Problems
from .files import read_regular

FORMS_FOLDER = ".github/ISSUE_TEMPLATE"
#: What GitHub writes for a field left empty.
NO_RESPONSE = "_No response_"

#: The fields of the forms `cohub init` writes (builder/starter/), used when a hub
#: keeps no forms of its own: its forms may be its organisation's defaults, kept in
#: the organisation's `.github` repository.
DEFAULT_FORMS = {
    "idea.yml": """\
name: Suggest an idea
labels: [idea]
body:
  - type: textarea
    id: idea
    attributes:
      label: Your idea
  - type: dropdown
    id: product
    attributes:
      label: Product
      options: []
  - type: input
    id: tags
    attributes:
      label: Tags
""",
    "me-too.yml": """\
name: I want this too
labels: [me-too]
body:
  - type: input
    id: idea
    attributes:
      label: Idea
  - type: textarea
    id: why
    attributes:
      label: Why you need it
""",
}


_START = Pos()


@dataclass(frozen=True)
class Field:
    """One form element other than Markdown, as GitHub renders it into the body."""

    type: str
    id: str
    label: str
    #: 1-based place among the form's `body` items, Markdown included (`body[N]`).
    number: int
    #: Dropdown options (checkbox labels for checkboxes), with where each list starts.
    options: tuple[str, ...] = ()
    options_pos: Pos = _START


@dataclass(frozen=True)
class Form:
    path: Path
    #: The form's `title:`, a prefix GitHub puts in front of the issue's title.
    title: str
    labels: tuple[str, ...]
    fields: tuple[Field, ...]

    def field(self, id: str) -> Field | None:
        return next((f for f in self.fields if f.id == id), None)

    @property
    def headings(self) -> str:
        return ", ".join(f"'### {f.label}'" for f in self.fields)


@dataclass(frozen=True)
class Forms:
    """The idea form and the "I want this too" form of a hub (either may be missing)."""

    idea: Form | None
    me_too: Form | None
    #: True when the hub has no forms and these are cohub's defaults.
    default: bool = False
    #: The folders looked in, for messages.
    looked_in: tuple[Path, ...] = ()
    #: Form files that are not YAML cohub can read: (path, why).
    unreadable: tuple[tuple[Path, str], ...] = ()


def git_top(root: Path) -> Path | None:
    """The work tree holding `root`, if it is in one."""
    root = root.resolve()
    return next((d for d in (root, *root.parents) if (d / ".git").exists()), None)


def form_folders(root: Path) -> list[Path]:
    """Where GitHub would find the hub's forms: the hub root's `.github`, or, for a
    hub in a subfolder of a repository, the repository top's."""
    folders = [root / FORMS_FOLDER]
    top = git_top(root)
    if top is not None and top != root.resolve():
        folders.append(top / FORMS_FOLDER)
    return folders


def find_forms(root: Path) -> Forms:
    """The hub's own forms, else cohub's defaults. A form's role is told by its
    fields: a textarea `idea` is the idea form, any other `idea` field the "I want
    this too" form (its slug)."""
    folders = form_folders(root)
    unreadable: list[tuple[Path, str]] = []
    for folder in folders:
        forms = _read_folder(folder, unreadable)
        idea = _pick([f for f in forms if _role(f) == "idea"], "idea")
        me_too = _pick([f for f in forms if _role(f) == "me-too"], "me-too")
        if idea or me_too:
            return Forms(idea, me_too, looked_in=tuple(folders))
    defaults = [parse_form(Path(name), text) for name, text in DEFAULT_FORMS.items()]
    return Forms(defaults[0], defaults[1], True, tuple(folders), tuple(unreadable))


def _pick(candidates: list[Form], role: str) -> Form | None:
    """Of the forms that can play a role, the one named for it (idea.yml,
    me-too.yml), else the first by name."""
    named = [f for f in candidates if f.path.stem == role]
    return (named or candidates or [None])[0]


def _role(form: Form) -> str | None:
    field = form.field("idea")
    if field is None:
        return None
    return "idea" if field.type == "textarea" else "me-too"


def _read_folder(folder: Path, unreadable: list[tuple[Path, str]]) -> list[Form]:
    if folder.is_symlink() or not folder.is_dir():
        return []
    forms = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yml", ".yaml") or path.stem == "config":
            continue
        # A form is never a link: one pointing out of the repository could put
        # another file's words (a secret) into check's warnings, which CI prints.
        if path.is_symlink() or not path.is_file():
            continue
        try:
            forms.append(parse_form(path, read_text(read_regular(path))))
        except (FrontMatterError, yamltree.YamlError) as exc:
            line = f" (line {exc.pos.line})" if exc.pos.line > 1 else ""
            unreadable.append((path, exc.message + line))
        except (OSError, ValueError):
            continue  # not an issue form
    return forms


def parse_form(path: Path, text: str) -> Form:
    """A form file's fields; ValueError when it is not an issue form."""
    node = yamltree.parse(text)
    if not isinstance(node, yamltree.Mapping):
        raise ValueError("not a mapping")
    body = _get(node, "body")
    if not isinstance(body, yamltree.Sequence):
        raise ValueError("no body list")
    fields = []
    for number, item in enumerate(body.items, start=1):
        kind = _text(_get(item, "type"))
        if kind is None or kind == "markdown":
            continue
        attributes = _get(item, "attributes")
        label = _text(_get(attributes, "label"))
        if label is None:
            raise ValueError(f"body[{number}] has no label")
        options_node = _get(attributes, "options")
        options: list[str] = []
        if isinstance(options_node, yamltree.Sequence):
            for option in options_node.items:
                option = _get(option, "label") if isinstance(option, yamltree.Mapping) else option
                if (value := _text(option)) is not None:
                    options.append(value)
        fields.append(
            Field(
                kind,
                _text(_get(item, "id")) or "",
                label.strip(),
                number,
                tuple(options),
                options_node.pos if options_node is not None else Pos(),
            )
        )
    title = _text(_get(node, "title")) or ""
    labels_node = _get(node, "labels")
    if isinstance(labels_node, yamltree.Sequence):
        labels = tuple(v for v in (_text(i) for i in labels_node.items) if v)
    else:
        labels = tuple(v.strip() for v in (_text(labels_node) or "").split(",") if v.strip())
    return Form(path, title, labels, tuple(fields))


def _get(node, key: str):
    if isinstance(node, yamltree.Mapping) and (entry := node.get(key)) is not None:
        return entry.value
    return None


def _text(node) -> str | None:
    """A scalar as text (a dropdown option `2026` is text to GitHub too)."""
    if isinstance(node, yamltree.Scalar) and node.kind != "null":
        value = node.value
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    return None


# -- reading a submitted body -----------------------------------------------------

_CHECKBOX = re.compile(r"- \[[ xX]\] ")


def _norm(label: str) -> str:
    return " ".join(label.split()).casefold()


def parse_body(form: Form, body: str) -> dict[str, str] | None:
    """The value of each field (by id; by label when it has none) when `body` is this
    form as GitHub writes it, else None.

    Only a line `### Label` of the form's next field ends a value, and a textarea may
    hold any text, headings too: of the ways to read the body, the one that gives the
    earlier fields the most text wins, so a customer's own `### Product` line stays in
    their idea. Single-line fields (input, dropdown) hold one line.
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fields = form.fields
    if not fields:
        return None
    wanted = [_norm(f.label) for f in fields]
    heads: list[list[int]] = [[] for _ in fields]
    for index, line in enumerate(lines):
        if (text := _heading(line)) is not None:
            heading = _norm(text)
            for n, label in enumerate(wanted):
                if heading == label:
                    heads[n].append(index)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or first not in heads[0]:
        return None
    # Prefix counts make "how many lines of text between two headings" O(1).
    text_lines = [0]
    odd_lines = [0]  # lines a checkbox list cannot hold
    for line in lines:
        stripped = line.strip()
        text_lines.append(text_lines[-1] + bool(stripped))
        odd = bool(stripped) and not _CHECKBOX.match(stripped) and stripped != NO_RESPONSE
        odd_lines.append(odd_lines[-1] + odd)

    def fits(field: Field, start: int, end: int) -> bool:
        """Whether lines start..end-1 can be the value of `field`."""
        if field.type in ("input", "dropdown"):
            return text_lines[end] - text_lines[start] <= 1
        if field.type == "checkboxes":
            return odd_lines[end] == odd_lines[start]
        return True

    memo: dict[tuple[int, int], int | None] = {}

    def next_heading(n: int, at: int) -> int | None:
        """Where field n+1's heading is, given field n's at line `at` (None: no way
        to read the rest); for the last field, len(lines) when its value fits."""
        key = (n, at)
        if key not in memo:
            memo[key] = None
            if n == len(fields) - 1:
                memo[key] = len(lines) if fits(fields[n], at + 1, len(lines)) else None
            else:
                for candidate in reversed(heads[n + 1]):
                    if candidate <= at:
                        break
                    if (
                        fits(fields[n], at + 1, candidate)
                        and next_heading(n + 1, candidate) is not None
                    ):
                        memo[key] = candidate
                        break
        return memo[key]

    starts = [first]
    for n in range(len(fields)):
        following = next_heading(n, starts[-1])
        if following is None:
            return None
        starts.append(following)
    values = {}
    for n, field in enumerate(fields):
        value = "\n".join(lines[starts[n] + 1 : starts[n + 1]])
        value = value.rstrip()
        value = "\n".join(_drop_blank_head(value.split("\n")))
        if value.strip() == NO_RESPONSE:
            value = ""
        values[field.id or field.label] = value
    return values


def _drop_blank_head(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    return lines


def _heading(line: str) -> str | None:
    """The label of a `### Label` line as GitHub writes a form's body, else None.
    String methods, not a regex: `###[ \t]+(.*?)[ \t]*` backtracks quadratically
    over a long run of spaces, and an issue body is untrusted."""
    if not line.startswith("###") or line[3:4] not in (" ", "\t"):
        return None
    return line[3:].strip(" \t")


def missing_headings(form: Form, body: str) -> list[str]:
    """The form's headings that `body` lacks, for a message saying what is wrong."""
    present = {
        _norm(text)
        for line in body.replace("\r\n", "\n").split("\n")
        if (text := _heading(line.rstrip("\r"))) is not None
    }
    return [f.label for f in form.fields if _norm(f.label) not in present]


# -- products ---------------------------------------------------------------------


def product_for(option: str, products: Mapping[str, str]) -> str | None:
    """The product key a dropdown option stands for: its display name or its key,
    exactly, else ignoring case and spacing."""
    option = option.strip()
    for key, name in products.items():
        if option in (name, key):
            return key
    for key, name in products.items():
        if _norm(option) in (_norm(name), _norm(key)):
            return key
    return None


def form_problems(root: Path, products: Mapping[str, str], problems: Problems) -> None:
    """A warning when the idea form's product options are not hub.yaml's products
    (SPEC §6): an option that is no product files ideas without one, and a product
    missing from the form cannot be chosen. Nothing when the hub has no forms."""
    forms = find_forms(root)
    form = forms.idea
    if forms.default or form is None:
        return
    field = form.field("product")
    if field is None or field.type != "dropdown":
        return
    chosen = {product_for(option, products) for option in field.options}
    strays = [option for option in field.options if product_for(option, products) is None]
    missing = [name for key, name in products.items() if key not in chosen]
    if not strays and not missing:
        return
    parts = []
    if missing:
        parts.append("missing " + ", ".join(f"'{name}'" for name in missing))
    if strays:
        noun = "is not a product" if len(strays) == 1 else "are not products"
        parts.append(", ".join(f"'{option}'" for option in strays) + f" {noun}")
    problems.warning(
        Path(os.path.relpath(form.path, root)).as_posix(),
        field.options_pos,
        "the product options differ from hub.yaml's products: " + "; ".join(parts),
        field=f"body[{field.number}].attributes.options",
        hint="list the display name of each product in hub.yaml",
    )
