"""The theme: where templates and static files come from, and how they are loaded.

The default theme ships with cohub; a hub's own `templates/` overrides it file by
file, and `!default/NAME.html` always names the default's file, so an override can
extend what it replaces (as Pelican's `!simple/` does).
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
import os
import sys
import types
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.bccache
from jinja2.compiler import generate
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


def in_default_theme(filename: str | None) -> bool:
    """Whether a template's file is one of the default theme's (links resolved)."""
    folder = os.path.join(os.path.realpath(default_theme()), "")
    return bool(filename) and os.path.realpath(filename).startswith(folder)


def environment(hub_root: Path) -> ThemeEnvironment:
    """Templates: the hub's own first, then the default theme; `!default/x.html` is
    always the default's, so an override can extend what it replaces."""
    default = jinja2.FileSystemLoader(default_theme())
    loaders: list[jinja2.BaseLoader] = []
    if (hub_root / "templates").is_dir():
        loaders.append(HubTemplates(hub_root))  # only what `files` lets a hub hold
    loaders += [jinja2.PrefixLoader({"!default": default}, delimiter="/"), default]
    env = ThemeEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=COMPILED,
        # The theme's words are gettext messages (SPEC §11): `{% trans %}` and `_()`.
        extensions=["jinja2.ext.i18n"],
        # No autoreload: a build renders each template once, and serve makes a new
        # environment when a template changes.
        auto_reload=False,
        autoescape=jinja2.select_autoescape(["html", "xml", "opml", "svg"]),
        undefined=ThemeUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # A message is its words, not the template's line breaks and indentation; and the
    # gettext call fills its placeholders ("newstyle"), so `%` is `%%` in every id.
    env.policies["ext.i18n.trimmed"] = True
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    return env


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per process: Jinja's bytecode cache, in memory.

    A template's code depends only on its source (Jinja checks a checksum of it), its
    file (which decides whether the sandbox checks it) and the environment's settings,
    which `environment` makes the same for every hub. So a process that builds many
    hubs — the test suite, a preview that renews its environment after every template
    edit, `check` then `build` — compiles the default theme once, where it compiled it
    for every build: compiling took as long as rendering a small hub. The newest
    `size` templates are kept."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self.codes: OrderedDict[str, bytes] = OrderedDict()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            self.codes.move_to_end(bucket.key)
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()
        while len(self.codes) > self.size:
            self.codes.popitem(last=False)


#: The one bytecode cache: compiled code is a pure function of what the key and the
#: checksum name, so sharing it between environments cannot change what renders.
COMPILED = CompiledTemplates()


#: The longest string or list `*` may make in a template, and the largest exponent
#: `**` takes on a whole number: beyond them a template is an attack, not a layout.
MAX_REPEAT = 1_000_000
MAX_EXPONENT = 1_000


class ThemeTemplate(jinja2.Template):
    """A template of the theme; the default theme's own code runs unchecked."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        """Jinja's `Template.from_code`, except that the code of a template from
        the default theme's folder sees the environment as `Unchecked`: the name
        `environment` is bound into its functions when the code is run, here."""
        if isinstance(environment, ThemeEnvironment) and environment.trusts(code.co_filename):
            seen = environment.unchecked
        else:
            seen = environment
        namespace = {"environment": seen, "__file__": code.co_filename}
        exec(code, namespace)
        template = cls._from_namespace(environment, namespace, globals)
        template._uptodate = uptodate
        return template


class ThemeEnvironment(SandboxedEnvironment):
    """Jinja's sandbox for a hub's templates: they come in by pull request and run
    next to CI's secrets, so none may reach an attribute starting with `_`,
    Python's internals, or a call the sandbox marks unsafe.

    The default theme's own templates (cohub's code, not the pull request's) run
    in the same environment, so an override extends `!default/NAME` and a default
    template includes the hub's override of a partial, but without the checks on
    their own attribute reads and calls (`Unchecked`): those cost a build of the
    default theme a sixth of its time. What they load is loaded here, sandboxed
    when it is the hub's.

    Where an error happened is kept on the exception (`TEMPLATE_FRAME`), because
    Jinja rewrites the traceback into one that names files, not templates."""

    template_class = ThemeTemplate
    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unchecked = Unchecked(self)

    def trusts(self, filename: str | None) -> bool:
        """Whether a template file is the default theme's own."""
        return in_default_theme(filename)

    def _generate(self, source, name, filename, defer_init=False):
        """The Python code of a template (Jinja's hook for this): the default
        theme's made as for Jinja's plain environment, which calls what it calls
        directly, not through `call`."""
        env = self.unchecked if self.trusts(filename) else self
        return generate(
            source, env, name, filename, defer_init=defer_init, optimized=self.optimized
        )

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
        value is not a `format` method (the sandbox wraps `str.format`). Most of the
        sandbox's cost was here: a page reads hundreds of attributes."""
        kind = type(obj)
        if attribute[:1] != "_" and (kind in _UNINSPECTED or _uninspected(kind)):
            try:
                value = getattr(obj, attribute)
            except AttributeError:
                pass
            else:
                if type(value) not in _METHODS or value.__name__ not in _FORMATS:
                    return value
        return super().getattr(obj, attribute)

    def call(__self, __context, __obj, *args, **kwargs):  # names as Jinja gives them
        """A call from a template. Only what could be marked unsafe is asked: not a
        template's own macros (a page calls dozens) nor Python's built-in functions,
        which take no attributes."""
        if type(__obj) in _UNMARKABLE:
            return __context.call(__obj, *args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)

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
        rewrites its traceback (the rewritten one has file names, not templates).
        A recursion is placed at the last line of the loop in the innermost of the
        hub's own templates (the include or call, below an `extends`), wherever
        along the loop the stack ran out."""
        exc, tb = sys.exc_info()[1:]
        if exc is not None and not hasattr(exc, TEMPLATE_FRAME):
            frames = []
            while tb is not None:
                template = tb.tb_frame.f_globals.get("__jinja_template__")
                if template is not None:
                    frames.append((template, template.get_corresponding_lineno(tb.tb_lineno)))
                tb = tb.tb_next
            if isinstance(exc, RecursionError):
                own = [f for f in frames[-200:] if not self.trusts(f[0].filename)]
                if own:
                    frames = [max((f for f in own if f[0] is own[-1][0]), key=lambda f: f[1])]
            if frames:
                template, line = frames[-1]
                where = (template.name, template.filename, line)
                with contextlib.suppress(AttributeError):  # __slots__: left unplaced
                    setattr(exc, TEMPLATE_FRAME, where)
        return super().handle_exception(source)


class Unchecked:
    """A `ThemeEnvironment` as the default theme's own code sees it: the same, but
    for the sandbox's checks on the attribute reads and calls that code writes
    (literal names of the model's fields and the renderer's globals). Filters
    like `attr` and `map` get the real environment, and every template this code
    extends, includes or imports comes from it: a hub's is sandboxed."""

    sandboxed = False  # as Jinja's compiler asks

    def __init__(self, env: ThemeEnvironment) -> None:
        self._env = env
        # Read by every template function as it starts: kept here, not delegated.
        self.undefined, self.concat = env.undefined, env.concat
        self.filters, self.tests = env.filters, env.tests

    def __getattr__(self, name: str):
        return getattr(self._env, name)

    getattr = jinja2.Environment.getattr
    getitem = jinja2.Environment.getitem

    def call(__self, __context, __obj, *args, **kwargs):  # names as Jinja gives them
        return __context.call(__obj, *args, **kwargs)


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
_METHODS = frozenset({types.MethodType, types.BuiltinMethodType})
_FORMATS = ("format", "format_map")
#: Callables that cannot carry the sandbox's `unsafe_callable` or `alters_data` mark.
_UNMARKABLE = frozenset({jinja2.runtime.Macro, types.BuiltinFunctionType, types.MethodWrapperType})


#: The classes `_uninspected` found the sandbox leaves alone.
_UNINSPECTED: set[type] = set()


def _uninspected(kind: type) -> bool:
    """Whether the sandbox leaves attributes of `kind`'s objects unchecked; learnt
    once per class, as an isinstance against ten kinds per attribute was not free."""
    if issubclass(kind, _SANDBOX_INSPECTS):
        return False
    _UNINSPECTED.add(kind)
    return True


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
    """A static file as published; the stylesheet's and each script's name carries
    a hash of its content so it can be cached forever. `source` is its name in
    `static/`, the name templates ask for (`site.asset("filter.js")`)."""

    name: str
    data: bytes
    source: str = ""


def assets(hub_root: Path) -> list[Asset]:
    found = static_files(hub_root)
    out = []
    for source, path in found.items():
        data, name = read_regular(path), source
        if source == "style.css":
            data += b"\n/* Code highlighting (Pygments) */\n" + pygments_css().encode()
        if source == "style.css" or source.endswith(".js"):
            stem, dot, ext = source.rpartition(".")
            name = f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}{dot}{ext}"
        out.append(Asset(name, data, source))
    return out
