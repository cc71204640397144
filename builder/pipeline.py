"""The build pipeline up to the model: config → load → validate → model.

Every command that needs the content (check, build, serve) goes through `read_hub`,
so they all see the same diagnostics and the same model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .clock import build_date
from .config import Config, load_config
from .content import content_files, load_file
from .errors import Diagnostic, Pos, Problems
from .link import build_hub, check_references
from .model import Hub
from .urls import collisions, plan
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


def read_hub(
    root: Path, *, drafts: bool = False, environ: Mapping[str, str] | None = None
) -> Reading:
    """Read, validate and link a hub.

    Diagnostics always cover drafts (a pull request adding a draft should still be
    checked); the model includes them only when `drafts` is set. Raises UsageError
    for a missing hub.yaml or a bad SOURCE_DATE_EPOCH.
    """
    return Reader(root, environ=environ).read(drafts=drafts)


class Reader:
    """Reads a hub, remembering each file's validated item so that a later read
    (the preview, after an edit) loads and validates only the files named as changed.
    Linking is always whole: one edit can change what every other file means."""

    def __init__(self, root: Path, *, environ: Mapping[str, str] | None = None) -> None:
        self.root = root
        self.environ = environ
        self.files: dict[str, tuple[Item, tuple[Diagnostic, ...]]] = {}
        self.products: frozenset[str] | None = None

    def read(self, *, drafts: bool = False, changed: Iterable[str] | None = None) -> Reading:
        """`changed`: paths from the hub root that may differ since the last read;
        None reads everything again."""
        today = build_date(self.environ)
        problems = Problems()
        config = load_config(self.root, problems)
        products = frozenset(config.products) if config else None
        if changed is None or products != self.products:
            self.files.clear()  # product keys are checked while validating each file
        else:
            for rel in changed:
                self.files.pop(rel, None)
        self.products = products
        listed = content_files(self.root, problems)
        self.files = {rel: self.files[rel] for _, rel, _ in listed if rel in self.files}
        for path, rel, folder in listed:
            if rel not in self.files:
                own = Problems()
                item = validate(load_file(path, rel, folder, own), own, products)
                self.files[rel] = (item, tuple(own.items))
        items = [self.files[rel][0] for _, rel, _ in listed]
        for _, diagnostics in self.files.values():
            problems.extend(diagnostics)
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
        return Reading(config, tuple(items), hub, problems, today)


def check_urls(hub: Hub, items: list[Item], problems: Problems) -> None:
    """Two sources for one output path is an error naming both (SPEC §8). Checked on
    the model with drafts, so a draft cannot hide a clash until it is published."""
    by_path = {item.path: item for item in items}
    for route, owner in collisions(plan(hub)):
        item = by_path[route.source]
        what = "this alias" if route.field else "this file"
        problems.error(
            route.source,
            item.pos(route.field) if route.field else Pos(),
            f"{what} would be published at {route.url}, which {owner} already uses",
            field=route.field,
            hint="change the alias" if route.field else "rename the file",
        )
