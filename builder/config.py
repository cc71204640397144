"""Config: `hub.yaml`, read into a frozen dataclass through the same validator as
content, so its errors look and point exactly like content errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from .content import FrontMatterError, read_bounded, read_text
from .errors import Pos, Problems, UsageError
from .files import HubFiles, Refusal
from .limits import DEFAULT_LIMITS, Limits
from .schema import HUB
from .validate import Validator
from .yamltree import Mapping, YamlError, kind_of, parse

CONFIG_FILE = "hub.yaml"


@dataclass(frozen=True)
class Config:
    """A hub's settings (SPEC §2)."""

    title: str
    base_url: str
    description: str = ""
    language: str = "en"
    #: Where hub.yaml says `language`, for what `check` says of it later (SPEC §11).
    language_at: Pos = field(default_factory=Pos)
    repository: str | None = None
    branch: str = "main"
    #: An RSS-to-email service's subscribe URL with `{feed}` (SPEC §9), or None.
    follow_by_email: str | None = None
    #: Product key -> display name, in the order hub.yaml lists them.
    products: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    feed_size: int = 50
    #: The bounds content is read within; hub.yaml itself is read within the defaults.
    limits: Limits = DEFAULT_LIMITS
    #: Settings hub.yaml gives but that have errors (reported); their values here are
    #: the defaults. Nothing is built from such a config, but the content is still
    #: checked against what could be read (SPEC §8).
    broken: frozenset[str] = frozenset()


#: Stands in for a missing or broken base_url while the content is checked; a config
#: with errors never reaches the render stage, so it is never published.
UNREADABLE_URL = "https://hub.invalid/"


def load_config(root: Path, problems: Problems) -> Config | None:
    """The hub's config, as far as hub.yaml can be read; None only when it is not a
    mapping of settings at all. Errors are reported to `problems`.

    A setting with an error is left at its default and named in `broken`, so one typo
    in hub.yaml hides no problem in the content: products, references and the whole
    graph are still checked. A missing hub.yaml is a usage error, not a content error:
    the command was most likely run from the wrong folder.
    """
    path = root / CONFIG_FILE
    entry = HubFiles(root).vet(path)  # a link out of the hub or a FIFO is not read
    if isinstance(entry, Refusal):
        entry.report(problems)
        return None
    if entry is None or entry.is_dir:
        raise UsageError(
            f"no {CONFIG_FILE} in {root}: run cohub from a hub's root folder or pass --root DIR"
        )
    try:
        node = parse(read_text(read_bounded(path, DEFAULT_LIMITS.file_size)))
    except (YamlError, FrontMatterError) as exc:
        problems.error(CONFIG_FILE, exc.pos, exc.message, field=exc.field, hint=exc.hint)
        return None
    if not isinstance(node, Mapping):
        found = "nothing" if node is None else kind_of(node)
        problems.error(CONFIG_FILE, Pos(), f"expected a mapping of settings, found {found}")
        return None
    before = len(problems.items)
    validator = Validator(CONFIG_FILE, problems, None)
    values = validator.record(node, HUB, anchor=Pos())
    broken = frozenset(d.field.split(".")[0] for d in problems.items[before:] if d.field)
    base_url = values.get("base_url", UNREADABLE_URL)
    return Config(
        title=values.get("title", ""),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        description=values.get("description", ""),
        language=values.get("language", "en"),
        language_at=validator.where.get("language", Pos()),
        repository=values.get("repository", "").rstrip("/") or None,
        branch=values.get("branch", "main"),
        follow_by_email=values.get("follow_by_email") or None,
        products=MappingProxyType(dict(values.get("products", {}))),
        feed_size=values.get("feed_size", 50),
        # Each limit that passed applies; one with an error stays at its default.
        limits=Limits(**values.get("limits", {})),
        broken=broken,
    )
