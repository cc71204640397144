"""The preview's reading of a hub: the pipeline's stages up to the model, done again
only for what changed.

`Reader` keeps each file's validated item, so a read after an edit loads and validates
only the files named as changed. Linking is whole unless every changed file kept its
`link.structure` (a reworded title, body or note): then the last graph is patched
(`link.patch_hub`), which is what lets a preview of a 10,000-idea hub answer such an
edit at once. Either way the result is what `pipeline.read_hub` would read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from itertools import chain
from pathlib import Path

from ..clock import build_date
from ..config import Config, load_config
from ..errors import Diagnostic, Problems
from ..limits import DEFAULT_LIMITS
from ..link import keep_unchanged, patch_hub, structure
from ..model import Hub
from ..pipeline import Reading, link, list_content, scope, validate_file
from ..validate import Item


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
    """Reads a hub again and again, redoing only what the files named as changed need."""

    def __init__(self, root: Path, *, environ: Mapping[str, str] | None = None) -> None:
        self.root = root
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
        products, limits = scope(config)
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
        """The reading of the whole hub, linked from scratch (files not named as
        changed are taken as they were validated, and records equal to the last good
        link's are kept as its objects, which later comparisons find by identity)."""
        last, self.linked = self.linked, None
        listing = Problems()
        listed = list_content(self.root, listing)
        problems.extend(listing.items)
        self.files = {rel: self.files[rel] for _, rel, _ in listed if rel in self.files}
        for path, rel, folder in listed:
            if rel not in self.files:
                self._validate(path, rel, folder)
        items = [self.files[rel][0] for _, rel, _ in listed]
        for _, rel, _ in listed:
            problems.extend(self.files[rel][1])
        linked = link(config, items, today, drafts, problems, self.root)
        full, hub = linked.full, linked.hub
        if last is not None and last.config == config and full is not None:
            kept = keep_unchanged(last.full, full)
            hub = kept if hub is full else keep_unchanged(last.hub, hub)
            full = kept
        if config is not None and not problems.errors:
            graph: dict[str, list[Diagnostic]] = {}
            for diagnostic in linked.graph:
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
