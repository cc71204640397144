"""The theme: where templates and static files come from, and how they are loaded.

The default theme ships with cohub; a hub's own `templates/` overrides it file by
file, and `!default/NAME.html` always names the default's file, so an override can
extend what it replaces (as Pelican's `!simple/` does).
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from .errors import Problems
from .files import HubTemplates, check_tree, read_regular
from .markdown import pygments_css


def default_theme() -> Path:
    """The theme shipped with cohub: inside the package when installed from a wheel,
    the repository's top-level templates/ in a checkout or an editable install."""
    here = Path(__file__).resolve().parent
    packaged = here / "templates"
    return packaged if packaged.is_dir() else here.parent / "templates"


def environment(hub_root: Path) -> ThemeEnvironment:
    """Templates: the hub's own first, then the default theme; `!default/x.html` is
    always the default's, so an override can extend what it replaces."""
    default = jinja2.FileSystemLoader(default_theme())
    loaders: list[jinja2.BaseLoader] = []
    if (hub_root / "templates").is_dir():
        loaders.append(HubTemplates(hub_root))  # only what `files` lets a hub hold
    loaders += [jinja2.PrefixLoader({"!default": default}, delimiter="/"), default]
    return ThemeEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        # No autoreload: a build renders each template once, and serve makes a new
        # environment when a template changes.
        auto_reload=False,
        autoescape=jinja2.select_autoescape(["html", "xml", "opml"]),
        undefined=ThemeUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


#: The longest string or list `*` may make in a template, and the largest exponent
#: `**` takes on a whole number: beyond them a template is an attack, not a layout.
MAX_REPEAT = 1_000_000
MAX_EXPONENT = 1_000


class ThemeEnvironment(SandboxedEnvironment):
    """Jinja's sandbox, for every template alike: a hub's templates come in by pull
    request and run next to CI's secrets, so no template may reach an attribute
    starting with `_`, Python's internals, or a call the sandbox marks unsafe. The
    default theme runs in it too: one environment is what lets an override extend
    `!default/NAME`, and the sandbox costs the build little (`getattr` below).

    Where an error happened is kept on the exception (`TEMPLATE_FRAME`), because
    Jinja rewrites the traceback into one that names files, not templates."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator_: str, left, right):
        """`*` and `**` within bounds, so that `"x" * 10**10` is an error, not a
        build that eats the machine's memory."""
        if operator_ == "**":
            if _whole(left) and _whole(right) and abs(left) > 1 and right > MAX_EXPONENT:
                raise SecurityError(f"an exponent above {MAX_EXPONENT} is refused, found {right}")
            return operator.pow(left, right)
        for times, other in ((right, left), (left, right)):
            if _whole(times) and hasattr(other, "__len__") and len(other) * times > MAX_REPEAT:
                raise SecurityError(f"a repetition longer than {MAX_REPEAT:,} items is refused")
        return operator.mul(left, right)

    def getattr(self, obj, attribute: str):
        """The sandbox's attribute access, without its checks where they cannot
        refuse anything: a name without `_`, on an object that is none of the kinds
        the sandbox looks into (types, functions, frames, generators, strings), whose
        value is no method (`str.format` is one). Half the sandbox's cost was here."""
        if attribute[:1] != "_" and not isinstance(obj, _SANDBOX_INSPECTS):
            try:
                value = getattr(obj, attribute)
            except AttributeError:
                pass
            else:
                if not isinstance(value, _METHODS):
                    return value
        return super().getattr(obj, attribute)

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        """Jinja's compile, with the template's name on every syntax error: the
        lexer's own errors (an unclosed comment) carry the file name as the name."""
        try:
            return super().compile(source, name, filename, raw, defer_init)
        except jinja2.TemplateSyntaxError as exc:
            if exc.filename is None and exc.name == filename:
                exc.name, exc.filename = name, filename
            raise

    def handle_exception(self, source: str | None = None):
        """Note the innermost template frame of the error being raised before Jinja
        rewrites its traceback (the rewritten one has file names, not templates)."""
        exc, tb = sys.exc_info()[1:]
        if exc is not None and not hasattr(exc, TEMPLATE_FRAME):
            found = None
            while tb is not None:
                template = tb.tb_frame.f_globals.get("__jinja_template__")
                if template is not None:
                    found = (template, template.get_corresponding_lineno(tb.tb_lineno))
                tb = tb.tb_next
            if found is not None:
                template, line = found
                with contextlib.suppress(AttributeError):  # __slots__: left unplaced
                    setattr(exc, TEMPLATE_FRAME, (template.name, template.filename, line))
        return super().handle_exception(source)


#: The attribute `ThemeEnvironment` sets on an exception raised while rendering:
#: (template name, its file, the template's line).
TEMPLATE_FRAME = "cohub_template_frame"


#: What the sandbox checks attribute names of (`jinja2.sandbox.is_internal_attribute`),
#: and what it checks attribute values for (`wrap_str_format`).
_SANDBOX_INSPECTS = (
    type,
    str,
    types.FunctionType,
    types.MethodType,
    types.CodeType,
    types.TracebackType,
    types.FrameType,
    types.GeneratorType,
    types.CoroutineType,
    types.AsyncGeneratorType,
)
_METHODS = (types.MethodType, types.BuiltinMethodType)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class ThemeUndefined(jinja2.StrictUndefined):
    """StrictUndefined (SPEC §1), naming an object by its class alone: a theme
    author knows `Idea`, not `builder.model.Idea`."""

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint or self._undefined_obj is jinja2.runtime.missing:
            return super()._undefined_message
        what = f"{type(self._undefined_obj).__name__} object"
        if not isinstance(self._undefined_name, str):
            return f"{what!r} has no element {self._undefined_name!r}"
        return f"{what!r} has no attribute {self._undefined_name!r}"


def static_files(hub_root: Path) -> dict[str, Path]:
    """Static assets by name: the hub's `templates/static/` over the theme's.

    The theme's are cohub's own; of the hub's, only what `files` lets a hub hold
    (a link out of the hub is not read; `read_hub` reports it)."""
    folder = default_theme() / "static"
    files = {
        path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }
    own = hub_root / "templates" / "static"
    for entry in check_tree(hub_root, "templates/static", Problems()):
        files[entry.path.relative_to(own).as_posix()] = entry.path
    return files


@dataclass(frozen=True)
class Asset:
    """A static file as published; the stylesheet's name carries a hash of its
    content so it can be cached forever."""

    name: str
    data: bytes


def assets(hub_root: Path) -> list[Asset]:
    found = static_files(hub_root)
    out = []
    for name, path in found.items():
        data = read_regular(path)
        if name == "style.css":
            data += b"\n/* Code highlighting (Pygments) */\n" + pygments_css().encode()
            digest = hashlib.sha256(data).hexdigest()[:10]
            name = f"style.{digest}.css"
        out.append(Asset(name, data))
    return out
