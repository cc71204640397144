"""The build pipeline up to the model: config → load → validate → model.

Every command that needs the content (check, build, serve) goes through `read_hub`,
so they all see the same diagnostics and the same model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from .clock import build_date
from .config import Config, load_config
from .content import content_files, load_file
from .errors import Diagnostic, Pos, Problems
from .files import check_tree
from .languages import load as load_language
from .limits import DEFAULT_LIMITS, Limits
from .link import PRIVATE_NAMES, build_hub, check_references
from .model import Hub
from .urls import plan, refused
from .validate import Item, validate


@dataclass(frozen=True)
class Reading:
    """What reading a hub produced: the model when the content allows one, and every
    diagnostic found on the way."""

    config: Config | None
    items: tuple[Item, ...]
    hub: Hub | None
    problems: Problems
    build_date: date
    #: (folder, slug) of the records this read swapped into the previous graph
    #: (`engine.reading`); None when it linked the whole hub.
    patched: frozenset[tuple[str, str]] | None = None


def read_hub(
    root: Path,
    *,
    drafts: bool = False,
    environ: Mapping[str, str] | None = None,
    files: FileReader | None = None,
) -> Reading:
    """Read, validate and link a hub.

    Diagnostics always cover drafts (a pull request adding a draft should still be
    checked); the model includes them only when `drafts` is set. Raises UsageError
    for a missing hub.yaml or a bad SOURCE_DATE_EPOCH. `files` reads each content
    file (a cache around `validate_file`, `engine.cache.Files`); by default each is
    read and validated.
    """
    today = build_date(environ)
    problems = Problems()
    config = load_config(root, problems)
    products, limits = scope(config)
    listed = list_content(root, problems)
    items = []
    for path, rel, folder in listed:
        if files is not None:
            item, found = files.read(path, rel, folder, products, limits, validate_file)
        else:
            item, found = validate_file(path, rel, folder, products, limits)
        items.append(item)
        problems.extend(found)
    linked = link(config, items, today, drafts, problems, root)
    return Reading(config, tuple(items), linked.hub, problems, today)


def scope(config: Config | None) -> tuple[frozenset[str] | None, Limits]:
    """What each file is validated against besides itself: the product keys (unknown,
    not absent, when hub.yaml's products are broken) and the limits."""
    products = frozenset(config.products) if config and "products" not in config.broken else None
    return products, config.limits if config is not None else DEFAULT_LIMITS


def list_content(root: Path, problems: Problems) -> list[tuple[Path, str, str]]:
    """Every content file (`content.content_files`). The theme is read only when
    rendering, but vetted here too: `check` must fail on it."""
    listed = content_files(root, problems)
    check_tree(root, "templates", problems)
    return listed


def validate_file(
    path: Path,
    rel: str,
    folder: str,
    products: frozenset[str] | None,
    limits: Limits,
    data: bytes | None = None,
) -> tuple[Item, tuple[Diagnostic, ...]]:
    """Load and validate one content file: (its item, its own diagnostics)."""
    own = Problems()
    source = load_file(path, rel, folder, own, limits, data=data)
    item = validate(source, own, products, limits)
    return item, tuple(own.items)


class FileReader(Protocol):
    """What reads each content file for `read_hub`: a cache around `validate_file`."""

    def read(self, path, rel, folder, products, limits, validate_file): ...


@dataclass(frozen=True)
class Linked:
    """What linking validated items made: the model (with drafts only if asked for),
    the model with every draft, and the diagnostics only the whole graph shows."""

    hub: Hub | None
    full: Hub | None
    graph: tuple[Diagnostic, ...]


def link(
    config: Config | None,
    items: list[Item],
    today: date,
    drafts: bool,
    problems: Problems,
    root: Path,
) -> Linked:
    """Check references between the items and link them into the model; no model
    when hub.yaml is unusable. Graph-level warnings come from the model with every
    draft in it, so that `check` and `build` report the same things whatever
    --drafts says. `root`: the hub's, whose catalogs name its private people."""
    graph_from = len(problems.items)
    check_references(items, problems)
    if config is None:
        return Linked(None, None, tuple(problems.items[graph_from:]))
    language = load_language(root, config.language)
    names = {team: language.gettext(name) for team, name in PRIVATE_NAMES.items()}
    full = build_hub(config, items, today, problems, drafts=True, private_names=names)
    check_urls(full, items, problems)
    has_drafts = any(item.values.get("draft") for item in items)
    hub = (
        full
        if drafts or not has_drafts
        else build_hub(config, items, today, Problems(), drafts=False, private_names=names)
    )
    return Linked(hub, full, tuple(problems.items[graph_from:]))


def check_urls(hub: Hub, items: list[Item], problems: Problems) -> None:
    """Two sources for one output path is an error naming both (SPEC §8), and so is a
    path content may not publish at all (`urls.refusal`: a host's configuration, a dot
    file, the site's own folders). Checked on the model with drafts, so a draft
    cannot hide a clash until it is published."""
    by_path = {item.path: item for item in items}
    for found in refused(plan(hub)):
        route = found.route
        item = by_path[route.source]
        what = "this alias" if route.field else "this file"
        problems.error(
            route.source,
            item.pos(route.field) if route.field else Pos(),
            f"{what} would be published at {route.url}{found.reason}",
            field=route.field,
            hint=found.hint or ("change the alias" if route.field else "rename the file"),
        )
