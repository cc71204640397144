"""The model: immutable records of everything a hub says, and what follows from it.

Cross-references are kept as slugs and resolved through `Hub`, which also holds the
reverse indexes (which changes credit an idea, which ideas came from a round). That
keeps every dataclass frozen without building cycles, and lets a page show a reference
to a draft as plain text simply by asking `hub.published(...)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import Config


@dataclass(frozen=True, order=True)
class Stamp:
    """A content date. Compared by its UTC day (SPEC §3); `moment` keeps the time of
    day when one was given, for feeds (a date-only value is midnight UTC)."""

    day: date
    moment: datetime

    def __str__(self) -> str:
        return self.day.isoformat()


@dataclass(frozen=True)
class Who:
    """A person as named in content: a handle, or a bare name for someone without one.
    `name` is the display name (a profile's name, else the handle). A person whose
    profile says `public: false` has no handle here at all, only a generic name and
    `private`, an opaque number that keeps two such people apart in counts."""

    handle: str | None
    name: str
    private: int = 0

    @property
    def key(self) -> str:
        """Identity for de-duplication: two mentions of one handle are one person."""
        if self.handle is not None:
            return self.handle
        return f"private:{self.private}" if self.private else f"name:{self.name}"


@dataclass(frozen=True, order=True)
class ChangeRef:
    """A change, addressed as (release slug, 1-based position in its `changes`)."""

    release: str
    index: int


@dataclass(frozen=True, order=True)
class AnswerRef:
    """An update, addressed as (idea slug, 1-based position in its `updates`)."""

    idea: str
    index: int


@dataclass(frozen=True)
class Update:
    index: int
    date: Stamp
    status: str
    by: Who | None
    note: str


@dataclass(frozen=True)
class Idea:
    slug: str
    path: str
    title: str
    submitted: Stamp
    author: Who
    product: str | None
    tags: tuple[str, ...]
    supporters: tuple[Who, ...]
    round: str | None
    duplicate_of: str | None
    updates: tuple[Update, ...]
    #: Where the idea first came in (the issue `cohub intake` read it from).
    source: str | None
    body: str
    body_line: int
    draft: bool
    aliases: tuple[str, ...]
    # Derived by the link stage.
    status: str
    days_to_answer: int | None
    credited_by: tuple[ChangeRef, ...]
    shipped_in: str | None
    also_in: tuple[str, ...]
    duplicates: tuple[str, ...]
    also_asked_by: tuple[Who, ...]

    @property
    def answered(self) -> bool:
        return bool(self.updates)

    def update(self, index: int) -> Update:
        """The update written as `updates[index]` in the file (an invalid one before it
        is left out of `updates`, so positions in the tuple can differ)."""
        if 0 < index <= len(self.updates) and self.updates[index - 1].index == index:
            return self.updates[index - 1]  # none invalid before it: most files
        return next(u for u in self.updates if u.index == index)


@dataclass(frozen=True)
class Round:
    slug: str
    path: str
    title: str
    opens: Stamp
    closes: Stamp
    product: str | None
    questions: tuple[str, ...]
    participate: str | None
    participants: tuple[Who, ...]
    participant_count: int | None
    heard: str
    body: str
    body_line: int
    draft: bool
    aliases: tuple[str, ...]
    # Derived.
    state: str
    ideas: tuple[str, ...]
    credited_by: tuple[ChangeRef, ...]


@dataclass(frozen=True)
class Change:
    index: int
    type: str
    text: str
    ideas: tuple[str, ...]
    rounds: tuple[str, ...]
    thanks: tuple[Who, ...]


@dataclass(frozen=True)
class Release:
    slug: str
    path: str
    title: str
    date: Stamp
    version: str | None
    product: str | None
    changes: tuple[Change, ...]
    body: str
    body_line: int
    draft: bool
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Person:
    handle: str
    name: str
    team: bool
    url: str | None
    bio: str
    path: str | None
    draft: bool
    aliases: tuple[str, ...]
    # Derived: what this person shaped, newest first.
    raised: tuple[str, ...]
    supported: tuple[str, ...]
    took_part: tuple[str, ...]
    thanked_for: tuple[ChangeRef, ...]
    shaped: tuple[ChangeRef, ...]
    answers: tuple[AnswerRef, ...]

    @property
    def has_profile(self) -> bool:
        return self.path is not None


@dataclass(frozen=True)
class Page:
    slug: str
    path: str
    title: str
    body: str
    body_line: int
    draft: bool
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str
    ideas: tuple[str, ...]


@dataclass(frozen=True)
class Product:
    key: str
    name: str
    ideas: tuple[str, ...]
    rounds: tuple[str, ...]
    releases: tuple[str, ...]


@dataclass(frozen=True)
class Figures:
    """The loop in figures (SPEC §8), over published ideas that are not duplicates."""

    ideas_heard: int
    answered: int
    waiting: int
    median_days_to_answer: float | None
    shipped: int
    people_credited: int

    @property
    def share_answered(self) -> float | None:
        return self.answered / self.ideas_heard if self.ideas_heard else None


@dataclass(frozen=True)
class Hub:
    config: Config
    build_date: date
    ideas: Mapping[str, Idea]
    rounds: Mapping[str, Round]
    releases: Mapping[str, Release]
    people: Mapping[str, Person]
    pages: Mapping[str, Page]
    tags: Mapping[str, Tag]
    products: Mapping[str, Product]
    figures: Figures
    #: Titles of items that exist but are not published (drafts in a build without
    #: --drafts), keyed by (folder, slug): shown as text where something refers to them.
    unpublished: Mapping[tuple[str, str], str]
    #: How each person whose profile says `public: false` is named instead (SPEC §8):
    #: the site shows them as "a customer" or "the team", never by handle.
    private: Mapping[str, Who] = field(default_factory=lambda: MappingProxyType({}))

    def published(self, folder: str, slug: str) -> bool:
        return slug in getattr(self, RECORDS[folder])

    def change(self, ref: ChangeRef) -> Change:
        return next(c for c in self.releases[ref.release].changes if c.index == ref.index)


#: The `Hub` field that holds the records of each content folder.
RECORDS = {
    "ideas": "ideas",
    "rounds": "rounds",
    "changelog": "releases",
    "people": "people",
    "pages": "pages",
}


def frozen_map(items) -> Mapping:
    """A read-only dict in key order, so iteration order never depends on input order."""
    return MappingProxyType(dict(sorted(items)))


#: The model's values that are not records: frozen all the way down, so hashable.
VALUES = frozenset({Stamp, Who, ChangeRef, AnswerRef, Update, Change, Figures})
