"""Template errors as diagnostics: a theme is code, and its errors are the hub's.

A hub's templates come in by pull request like its content, so an error in one is a
diagnostic at `templates/NAME:LINE` (SPEC §7), never "internal error":

- `check_templates` compiles every template a build would use, before anything
  renders: `cohub check` fails a pull request with a syntax error, a file that is
  not UTF-8 text, or an include of no template, and `cohub build` stops before it;
- an error while rendering (an undefined attribute, a call the sandbox refuses, a
  division by zero) becomes a `TemplateFault`, which `build` and `serve` collect as
  `Faults`: each distinct error once, however many pages it broke.

The default theme's templates are named `templates/NAME` too, the names a hub
overrides them by, with a hint that the line is in the default theme's file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

import jinja2
from jinja2 import nodes

from .errors import Diagnostic, Problems, Severity
from .theme import TEMPLATE_FRAME, in_default_theme

FIELD = "template"
DEFAULT_PREFIX = "!default/"


@dataclass(frozen=True)
class TemplateError:
    """One error of a template: where (as a hub names the file) and what."""

    path: str  # templates/NAME
    line: int
    message: str
    default: bool  # the line is in the default theme's file
    hint: str = ""

    def diagnostic(self, where: str = "") -> Diagnostic:
        """The error as a diagnostic; `where`: the page it broke, if it broke one."""
        theme = "in the default theme" if self.default else ""
        hint = ", ".join(part for part in (self.hint, theme, where) if part)
        return Diagnostic(self.path, self.line, 1, Severity.ERROR, self.message, FIELD, hint)


class TemplateFault(Exception):
    """A page could not be rendered because of its templates (not a bug in cohub)."""

    def __init__(self, error: TemplateError, url: str) -> None:
        super().__init__(f"{error.path}:{error.line}: {error.message} (while rendering {url})")
        self.error, self.url = error, url


def template_error(exc: BaseException) -> TemplateError | None:
    """Where in which template `exc` happened, and what it was; None when it did not
    come from a template (then it is cohub's bug, and stays one)."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.name:
        return _error(exc.name, exc.filename, exc.lineno, exc.message or str(exc))
    frame = getattr(exc, TEMPLATE_FRAME, None)
    if frame is None:
        return None
    name, filename, line = frame
    return _error(name, filename, line, describe(exc))


def describe(exc: BaseException) -> str:
    """An exception raised inside a template, as one line for its author."""
    if isinstance(exc, jinja2.TemplatesNotFound):
        return str(exc.message)
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"no template named {exc.name!r}"
    if isinstance(exc, RecursionError):
        return "templates or macros call each other without end (too deep)"
    if isinstance(exc, jinja2.TemplateError):
        return str(exc.message or type(exc).__name__)
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _error(
    name: str, filename: str | None, line: int, message: str, hint: str = ""
) -> TemplateError:
    default = name.startswith(DEFAULT_PREFIX) or in_default_theme(filename)
    message = " ".join(message.split())  # Jinja's messages may span lines
    path = f"templates/{name.removeprefix(DEFAULT_PREFIX)}"
    return TemplateError(path, line, message, default, hint)


class Faults:
    """The template errors of one build, each distinct error once with the pages it
    broke (the same typo in idea.html breaks every idea page: one diagnostic)."""

    def __init__(self) -> None:
        #: error -> (the first page it broke, how many pages it broke)
        self.found: dict[TemplateError, tuple[str, int]] = {}

    def __bool__(self) -> bool:
        return bool(self.found)

    def add(self, fault: TemplateFault, pages: int = 1) -> None:
        """Count `pages` more pages broken by `fault`'s error; the page named is the
        first by URL, the same whichever worker of `--jobs` met it first."""
        url, count = self.found.get(fault.error, (fault.url, 0))
        self.found[fault.error] = (min(url, fault.url), count + pages)

    def merge(self, other: Faults) -> None:
        for error, (url, count) in other.found.items():
            self.add(TemplateFault(error, url), count)

    def diagnostics(self) -> list[Diagnostic]:
        return [error.diagnostic(_while(url, count)) for error, (url, count) in self.found.items()]

    def report(self, problems: Problems) -> None:
        problems.extend(self.diagnostics())

    def dumps(self) -> bytes:
        """As a forked render worker hands them to the parent."""
        return json.dumps(
            [[asdict(error), url, count] for error, (url, count) in self.found.items()]
        ).encode("utf-8")

    @classmethod
    def loads(cls, data: bytes) -> Faults:
        faults = cls()
        for error, url, count in json.loads(data or b"[]"):
            faults.add(TemplateFault(TemplateError(**error), url), count)
        return faults


def _while(url: str, count: int) -> str:
    others = count - 1
    if not others:
        return f"while rendering {url}"
    return f"while rendering {url} and {others:,} other page{'s' if others > 1 else ''}"


# -- compiling every template before a build -------------------------------------


def check_templates(env: jinja2.Environment, problems: Problems) -> None:
    """Compile every template a build would use (the hub's own and the default
    theme's it does not override) and report each error: what `check` promises is
    what `build` can render. The compiled templates stay in `env`'s cache, so the
    build that follows compiles nothing twice."""
    errors: dict[TemplateError, None] = {}
    names = set(env.list_templates())
    for name in sorted(names):
        if name.startswith(DEFAULT_PREFIX) or _is_static(name):
            continue
        try:
            template = env.get_template(name)
        except Exception as exc:
            error = template_error(exc)
            if error is None:
                raise
            errors[error] = None
            continue
        if not in_default_theme(template.filename):
            for error in missing_references(env, template, names):
                errors[error] = None
    problems.extend(error.diagnostic() for error in errors)


def missing_references(
    env: jinja2.Environment, template: jinja2.Template, names: set[str]
) -> Iterator[TemplateError]:
    """The templates a hub's template extends, includes or imports by a name no
    template has (a name made while rendering is looked up then)."""
    assert env.loader is not None and template.name is not None
    source = env.loader.get_source(env, template.name)[0]  # as the loader vets it
    for node in env.parse(source, template.name, template.filename).find_all(
        (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)
    ):
        if isinstance(node, nodes.Include) and node.ignore_missing:
            continue
        wanted = [n.value for n in _constants(node.template)]
        if wanted and not any(name in names for name in wanted):
            shown = " or ".join(repr(n) for n in wanted)
            yield _error(
                template.name,
                template.filename,
                node.lineno,
                f"no template named {shown}",
                f"looked for in templates/ and the default theme; {DEFAULT_PREFIX}NAME "
                "is the default theme's own",
            )


def _constants(node: nodes.Node) -> Iterable[nodes.Const]:
    """The template names a node gives literally: one, or a list to try in turn."""
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node]
    if isinstance(node, (nodes.List, nodes.Tuple)) and all(
        isinstance(item, nodes.Const) and isinstance(item.value, str) for item in node.items
    ):
        return node.items  # type: ignore[return-value]
    return []


def _is_static(name: str) -> bool:
    """Static assets live in templates/static/ and are copied, not rendered."""
    return name == "static" or name.startswith("static/")
