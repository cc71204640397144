"""Diagnostics: the one shape in which every stage reports a content problem.

Stages never raise for bad content; they append to a `Problems` list so that one run
reports everything, and the command line decides how to print and what exit code to
use. Messages are part of the interface (tests assert them word for word).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Pos:
    """A 1-based line and column in a file; (1, 1) when nothing finer is known."""

    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class Diagnostic:
    """One problem, located precisely enough for an editor or a CI annotation."""

    path: str
    line: int
    column: int
    severity: Severity
    message: str
    field: str = ""
    hint: str = ""

    def __post_init__(self) -> None:
        # Paths, fields and values come from the content, which is untrusted: escaped
        # here, once, every format prints them as data (see `shown`).
        # A message quoting a megabyte of content is clipped too: one line stays short.
        for name in ("path", "message", "field", "hint"):
            value = getattr(self, name)
            if _UNSHOWABLE.search(value):
                value = shown(value)
            object.__setattr__(self, name, clip(value, _LONGEST))

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.severity != Severity.ERROR, self.message)

    def text(self) -> str:
        """`path:line:column: error: field: message (hint)` — the format compilers use,
        so terminals and editors make it clickable."""
        where = f"{self.path}:{self.line}:{self.column}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        tail = f" ({self.hint})" if self.hint else ""
        return f"{where}: {self.severity}: {what}{tail}"

    def github(self, prefix: str = "") -> str:
        """A GitHub Actions workflow command; GitHub wants paths from the repository
        top, which may sit above the hub root, hence `prefix`."""
        # normpath: a hub in a subfolder reads the issue forms at the repository top,
        # so `hub/../.github/…` must become `.github/…` to land on the file.
        path = posixpath.normpath(posixpath.join(prefix, self.path)) if prefix else self.path
        what = f"{self.field}: {self.message}" if self.field else self.message
        if self.hint:
            what += f" ({self.hint})"
        return (
            f"::{self.severity} file={_escape_property(path)},line={self.line},"
            f"col={self.column}::{_escape_data(what)}"
        )


#: What must not reach a terminal, a log or a CI annotation as it is: control
#: characters (a newline ends the diagnostic and can start a line of its own, a
#: GitHub workflow command among them; ANSI escapes rewrite the terminal), line and
#: paragraph separators, bidirectional overrides (they reorder what a reader sees),
#: non-characters and lone surrogates (which cannot even be written as UTF-8).
_UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(1, 17))
    + "]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: The most of one part of a diagnostic that is printed (values are clipped sooner).
_LONGEST = 1000


def shown(text: str) -> str:
    """`text` with every character `_UNSHOWABLE` matches written as a visible Python
    escape (`\\n`, `\\x1b`, `\\u202e`), so that it stays one line of plain text."""
    return _UNSHOWABLE.sub(lambda m: _NAMED.get(m[0]) or _escape(m[0]), text)


def clip(text: str, length: int = 60) -> str:
    """`text` cut to `length` characters, with an ellipsis when it was longer: values
    quoted in messages can be a megabyte long, and the message is one line."""
    return text if len(text) <= length else text[: length - 1] + "…"


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message (as @actions/core does it):
    `%`, CR and LF, so a value can neither end the command nor start another."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A property (`file=…`) additionally escapes `:` and `,`, which end it."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass
class Problems:
    """Collects diagnostics across stages. The only mutable object a stage receives."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, pos: Pos, message: str, *, field: str = "", hint: str = "") -> None:
        self.items.append(
            Diagnostic(path, pos.line, pos.column, Severity.ERROR, message, field, hint)
        )

    def warning(
        self, path: str, pos: Pos, message: str, *, field: str = "", hint: str = ""
    ) -> None:
        self.items.append(
            Diagnostic(path, pos.line, pos.column, Severity.WARNING, message, field, hint)
        )

    def extend(self, others: Iterable[Diagnostic]) -> None:
        self.items.extend(others)

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items), key=Diagnostic.sort_key)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == Severity.WARNING]


def as_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps(
        [{**asdict(d), "severity": str(d.severity)} for d in diagnostics],
        indent=2,
        ensure_ascii=False,
    )


class UsageError(Exception):
    """A problem with how cohub was invoked rather than with the content (exit 2)."""


class WriteError(UsageError):
    """What cannot be written (a read-only or full output, a permission): one line
    saying what and where, exit 2 like a usage error, because the fix is in where
    cohub writes, not in the content (SPEC §7)."""
