"""Views of the model that record what a render reads, as Hugo's dependency tracking does.

A route is rendered against `HubView`, never the `Hub` itself. Every record it reaches
through the view (an idea, a round, a person…) is a `RecordView` that notes each field
read; a mapping of records notes a key looked up, and notes its whole list of keys
when it is iterated or counted. What was read is a set of keys:

- `(kind, key, field)`: a field of one record (`("idea", "dark-mode", "title")`);
  `field` is `"*"` for a property or method, which may read any field;
- `(kind, key, None)`: whether that record exists;
- `("hub", "", name)`: a field of the hub itself; for a mapping of records, its keys in
  order (`hub.ideas|length`, a loop over every idea);
- `("memo", name, None)`: a value many routes share (see `revision`).

`changes` compares two models in the same terms, so "which routes must be rendered
again" is a lookup of one in the other. Nothing here knows what any template shows:
a hub's own template that counts every idea on each idea page is recorded reading
the list of ideas, and is rendered again when it changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from ..model import Hub

#: The hub's mappings of records, and the kind of record each holds.
KINDS = {
    "ideas": "idea",
    "rounds": "round",
    "releases": "release",
    "people": "person",
    "pages": "page",
    "tags": "tag",
    "products": "product",
}

Key = tuple

_FIELDS: dict[type, frozenset[str]] = {}


def fields_of(record) -> frozenset[str]:
    """The dataclass fields of a record's type: a name outside them is a property."""
    kind = type(record)
    found = _FIELDS.get(kind)
    if found is None:
        found = _FIELDS[kind] = frozenset(f.name for f in dataclasses.fields(record))
    return found


class Recorder:
    """Where reads go: the set of whatever is being computed now (a route, or a memo
    inside it). Shared by every view of one revision."""

    __slots__ = ("_outer", "reads")

    def __init__(self) -> None:
        self.reads: set[Key] = set()
        self._outer: list[set[Key]] = []

    @contextmanager
    def recording(self) -> Iterator[set[Key]]:
        """Record into a fresh set while the block runs; the outer set is restored
        after (a memo's reads are its own, the route reads only the memo)."""
        self._outer.append(self.reads)
        self.reads = reads = set()
        try:
            yield reads
        finally:
            self.reads = self._outer.pop()


class RecordView:
    """One record, noting each field read."""

    __slots__ = ("_fields", "_key", "_kind", "_record", "_recorder")

    def __init__(self, record, kind: str, key: str, recorder: Recorder) -> None:
        self._record, self._kind, self._key, self._recorder = record, kind, key, recorder
        self._fields = fields_of(record)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        self._recorder.reads.add((self._kind, self._key, name if name in self._fields else "*"))
        return getattr(self._record, name)

    def __eq__(self, other) -> bool:
        if isinstance(other, RecordView):
            return self._kind == other._kind and self._key == other._key
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._kind, self._key))

    def __repr__(self) -> str:
        return f"<{self._kind} {self._key}>"


_VIEW_CLASSES: dict[type, type] = {}


def view_class(record_type: type) -> type:
    """A `RecordView` subclass named as the record's type, so that what a theme
    author reads in an error ("… of 'Idea' object") names the record, not the view."""
    found = _VIEW_CLASSES.get(record_type)
    if found is None:
        found = _VIEW_CLASSES[record_type] = type(
            record_type.__name__, (RecordView,), {"__slots__": ()}
        )
    return found


class RecordsView(Mapping):
    """A mapping of records by key: a lookup notes that key, a walk or a count the
    whole list of keys."""

    __slots__ = ("_field", "_kind", "_recorder", "_records", "_views")

    def __init__(self, records: Mapping, kind: str, field: str, recorder: Recorder) -> None:
        self._records, self._kind, self._field, self._recorder = records, kind, field, recorder
        self._views: dict[str, RecordView] = {}

    def _view(self, key: str) -> RecordView:
        view = self._views.get(key)
        if view is None:
            record = self._records[key]
            view = self._views[key] = view_class(type(record))(
                record, self._kind, key, self._recorder
            )
        return view

    def __getitem__(self, key: str) -> RecordView:
        self._recorder.reads.add((self._kind, key, None))
        return self._view(key)

    def __contains__(self, key) -> bool:
        self._recorder.reads.add((self._kind, key, None))
        return key in self._records

    def get(self, key, default=None):
        self._recorder.reads.add((self._kind, key, None))
        return self._view(key) if key in self._records else default

    def __iter__(self) -> Iterator[str]:
        self._recorder.reads.add(("hub", "", self._field))
        return iter(self._records)

    def __len__(self) -> int:
        self._recorder.reads.add(("hub", "", self._field))
        return len(self._records)

    def values(self):
        self._recorder.reads.add(("hub", "", self._field))
        return [self._view(key) for key in self._records]

    def items(self):
        self._recorder.reads.add(("hub", "", self._field))
        return [(key, self._view(key)) for key in self._records]

    def keys(self):
        self._recorder.reads.add(("hub", "", self._field))
        return list(self._records)


class HubView:
    """The hub as a render sees it."""

    __slots__ = ("_hub", "_maps", "_recorder")

    def __init__(self, hub: Hub, recorder: Recorder) -> None:
        self._hub, self._recorder = hub, recorder
        self._maps = {
            name: RecordsView(getattr(hub, name), kind, name, recorder)
            for name, kind in KINDS.items()
        }

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        records = self._maps.get(name)
        if records is not None:
            return records  # reading a key of it, or all of them, is noted there
        self._recorder.reads.add(("hub", "", name))
        return getattr(self._hub, name)

    def published(self, folder: str, slug: str) -> bool:
        from ..model import RECORDS

        return slug in self._maps[RECORDS[folder]]

    def change(self, ref):
        """The change `ref` addresses: a read of its release's changes."""
        return next(c for c in self._maps["releases"][ref.release].changes if c.index == ref.index)


def record_of(value):
    """The record behind a view (or the value itself): for code that needs the
    object, such as a cache keyed by identity."""
    return value._record if isinstance(value, RecordView) else value


def changes(old: Hub, new: Hub) -> frozenset[Key]:
    """Every key (as views record them) whose value differs between two models."""
    found: set[Key] = set()
    for name in dataclasses.fields(Hub):
        name = name.name
        before, after = getattr(old, name), getattr(new, name)
        kind = KINDS.get(name)
        if kind is None:
            if before != after:
                found.add(("hub", "", name))
            continue
        if before is after:
            continue
        if list(before) != list(after):
            found.add(("hub", "", name))
        for key in before.keys() | after.keys():
            _record_changes(kind, key, before.get(key), after.get(key), found)
    return frozenset(found)


def _record_changes(kind: str, key: str, before, after, found: set[Key]) -> None:
    if before is after or before == after:
        return
    if before is None or after is None:
        found.add((kind, key, None))
        found.add((kind, key, "*"))
        found.update((kind, key, name) for name in fields_of(before or after))
        return
    differ = [name for name in fields_of(after) if getattr(before, name) != getattr(after, name)]
    found.update((kind, key, name) for name in differ)
    found.add((kind, key, "*"))
