"""The build pipeline up to the model: config → load → validate → model.

Every command that needs the content (check, build, serve) goes through `read_hub`,
so they all see the same diagnostics and the same model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .clock import build_date
from .config import Config, load_config
from .content import load_content
from .errors import Pos, Problems
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
    today = build_date(environ)
    problems = Problems()
    config = load_config(root, problems)
    products = frozenset(config.products) if config else None
    items = [validate(source, problems, products) for source in load_content(root, problems)]
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
