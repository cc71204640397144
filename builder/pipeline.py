"""The build pipeline up to the model: config → load → validate → model.

Every command that needs the content (check, build, serve) goes through `read_hub`,
so they all see the same diagnostics and the same model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Protocol

from .clock import build_date
from .config import Config, load_config
from .content import content_files, load_file
from .errors import Diagnostic, Pos, Problems
from .files import check_tree
from .limits import DEFAULT_LIMITS, Limits
from .link import build_hub, check_references, keep_unchanged, patch_hub, structure
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
    #: (`link.patch_hub`); None when it linked the whole hub.
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
    for a missing hub.yaml or a bad SOURCE_DATE_EPOCH.
    """
    return Reader(root, environ=environ, files=files).read(drafts=drafts)


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
    """What reads each content file for a `Reader`: `validate_file` itself, or a
    cache around it (`engine.cache.Files`)."""

    def read(self, path, rel, folder, products, limits, validate_file): ...


@dataclass(frozen=True)
class _Linked:
    """What the last whole link of a hub without errors produced: enough to patch."""

    config: Config
    drafts: bool
    today: date
    #: Each content file's path, folder and place among `items`, by path from the root.
    files: Mapping[str, tuple[Path, str, int]]
    items: tuple[Item, ...]
    listing: tuple[Diagnostic, ...]  # about what in content/ is not content
    graph: Mapping[str, tuple[Diagnostic, ...]]  # those only the whole graph shows, by file
    full: Hub  # with drafts, whatever `drafts` says
    hub: Hub


class Reader:
    """Reads a hub, remembering each file's validated item so that a later read
    (the preview, after an edit) loads and validates only the files named as changed.

    Linking is whole unless every changed file kept its `structure` (a reworded
    title, body or note): then the last graph is patched, which is what lets a
    preview of a 10,000-idea hub answer such an edit at once."""

    def __init__(
        self,
        root: Path,
        *,
        environ: Mapping[str, str] | None = None,
        files: FileReader | None = None,
    ) -> None:
        self.root = root
        self.reader = files
        self.environ = environ
        self.files: dict[str, tuple[Item, tuple[Diagnostic, ...]]] = {}
        self.products: frozenset[str] | None = None
        self.limits = DEFAULT_LIMITS
        self.linked: _Linked | None = None

    def read(self, *, drafts: bool = False, changed: Iterable[str] | None = None) -> Reading:
        """`changed`: paths from the hub root that may differ since the last read;
        None reads everything again."""
        today = build_date(self.environ)
        problems = Problems()
        config = load_config(self.root, problems)
        # Product keys are unknown, not absent, when hub.yaml's products are broken.
        products = (
            frozenset(config.products) if config and "products" not in config.broken else None
        )
        limits = config.limits if config is not None else DEFAULT_LIMITS
        if changed is None or (products, limits) != (self.products, self.limits):
            self.files.clear()  # product keys and limits are checked in each file
            self.linked = None
        self.products, self.limits = products, limits
        before = {rel: self.files.pop(rel) for rel in changed or () if rel in self.files}
        if changed is not None and config is not None and before.keys() == set(changed):
            patched = self._patch(config, today, drafts, before, problems)
            if patched is not None:
                return patched
        return self._link(config, today, drafts, problems)

    def _validate(self, path: Path, rel: str, folder: str) -> Item:
        if self.reader is not None:
            item, found = self.reader.read(
                path, rel, folder, self.products, self.limits, validate_file
            )
        else:
            item, found = validate_file(path, rel, folder, self.products, self.limits)
        self.files[rel] = (item, found)
        return item

    def _patch(
        self,
        config: Config,
        today: date,
        drafts: bool,
        before: dict[str, tuple[Item, tuple[Diagnostic, ...]]],
        problems: Problems,
    ) -> Reading | None:
        """The reading after edits that kept each file's structure, made by patching
        the last graph; None when that is not what the edits were."""
        last = self.linked
        if last is None or (last.config, last.today, last.drafts) != (config, today, drafts):
            return None
        edited, items = {}, list(last.items)
        for rel, (old, _) in before.items():
            if rel not in last.files or not last.files[rel][0].is_file():
                return None  # added or deleted: the listing changes
            path, folder, n = last.files[rel]
            items[n] = item = self._validate(path, rel, folder)
            errors = any(d.severity == "error" for d in self.files[rel][1])
            if errors or structure(item) != structure(old):
                return None
            edited[rel] = item
        graph = dict(last.graph)
        for rel, item in edited.items():
            if rel in graph:
                graph[rel] = tuple(_moved(d, item) for d in graph[rel])
        problems.extend(last.listing)
        problems.extend(chain.from_iterable(self.files[rel][1] for rel in last.files))
        problems.extend(chain.from_iterable(graph.values()))
        ideas = (
            {item.slug: item for item in items if item.source.folder == "ideas"}
            if any(item.source.folder == "changelog" for item in edited.values())
            else {}
        )
        full = patch_hub(last.full, edited.values(), ideas)
        hub = full if last.hub is last.full else patch_hub(last.hub, edited.values(), ideas)
        self.linked = replace(last, items=tuple(items), graph=graph, full=full, hub=hub)
        patched = frozenset((item.source.folder, item.slug) for item in edited.values())
        return Reading(config, tuple(items), hub, problems, today, patched)

    def _link(
        self, config: Config | None, today: date, drafts: bool, problems: Problems
    ) -> Reading:
        """The reading of the whole hub, linked from scratch (records equal to the
        last good link's are kept as its objects)."""
        last, self.linked = self.linked, None
        listing = Problems()
        listed = content_files(self.root, listing)
        # The theme is read only when rendering, but vetted here: check must fail on it.
        check_tree(self.root, "templates", listing)
        problems.extend(listing.items)
        self.files = {rel: self.files[rel] for _, rel, _ in listed if rel in self.files}
        for path, rel, folder in listed:
            if rel not in self.files:
                self._validate(path, rel, folder)
        items = [self.files[rel][0] for _, rel, _ in listed]
        for _, rel, _ in listed:
            problems.extend(self.files[rel][1])
        graph_from = len(problems.items)
        check_references(items, problems)
        hub = None
        if config is not None:
            # Graph-level warnings come from the model with every draft in it, so that
            # `check` and `build` report the same things whatever --drafts says.
            full = build_hub(config, items, today, problems, drafts=True)
            check_urls(full, items, problems)
            has_drafts = any(item.values.get("draft") for item in items)
            hub = (
                full
                if drafts or not has_drafts
                else build_hub(config, items, today, Problems(), drafts=False)
            )
            if last is not None and last.config == config:
                kept = keep_unchanged(last.full, full)
                hub = kept if hub is full else keep_unchanged(last.hub, hub)
                full = kept
            if not problems.errors:
                graph: dict[str, list[Diagnostic]] = {}
                for diagnostic in problems.items[graph_from:]:
                    graph.setdefault(diagnostic.path, []).append(diagnostic)
                self.linked = _Linked(
                    config,
                    drafts,
                    today,
                    {rel: (path, folder, n) for n, (path, rel, folder) in enumerate(listed)},
                    tuple(items),
                    tuple(listing.items),
                    {path: tuple(found) for path, found in graph.items()},
                    full,
                    hub,
                )
        return Reading(config, tuple(items), hub, problems, today)


def _moved(diagnostic: Diagnostic, item: Item | None) -> Diagnostic:
    """A diagnostic of the whole graph, at its field's new place in an edited file
    (every such diagnostic is placed at `item.pos(field)`)."""
    if item is None or not diagnostic.field:
        return diagnostic
    pos = item.pos(diagnostic.field)
    return replace(diagnostic, line=pos.line, column=pos.column)


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
