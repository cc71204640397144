"""The theme: where templates and static files come from, and how they are loaded.

The default theme ships with cohub; a hub's own `templates/` overrides it file by
file, and `!default/NAME.html` always names the default's file, so an override can
extend what it replaces (as Pelican's `!simple/` does).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .errors import Problems
from .files import HubTemplates, check_tree, read_regular
from .markdown import pygments_css


def default_theme() -> Path:
    """The theme shipped with cohub: inside the package when installed from a wheel,
    the repository's top-level templates/ in a checkout or an editable install."""
    here = Path(__file__).resolve().parent
    packaged = here / "templates"
    return packaged if packaged.is_dir() else here.parent / "templates"


def environment(hub_root: Path) -> jinja2.Environment:
    """Templates: the hub's own first, then the default theme; `!default/x.html` is
    always the default's, so an override can extend what it replaces."""
    default = jinja2.FileSystemLoader(default_theme())
    loaders: list[jinja2.BaseLoader] = []
    if (hub_root / "templates").is_dir():
        loaders.append(HubTemplates(hub_root))  # only what `files` lets a hub hold
    loaders += [jinja2.PrefixLoader({"!default": default}, delimiter="/"), default]
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        # No autoreload: a build renders each template once, and serve makes a new
        # environment when a template changes.
        auto_reload=False,
        autoescape=jinja2.select_autoescape(["html", "xml", "opml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


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
