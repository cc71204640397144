"""A revision: one model as rendered, the values its routes share, and what each read.

Many routes use the same derived value (every list page the ranking of all ideas, every
feed the events of the whole hub). Each is a *memo*: made once per revision by a maker
the renderer names (`Revision.makers`), with its own reads recorded apart from the
route's, which records only that it read the memo.

A revision made after another (`previous`) knows what changed between their models
(`reads.changes`). A memo of the previous revision is carried over when nothing it read
changed, and otherwise made again and compared with its old value: when that is equal
(the ranking after a reworded title), nothing that read it needs rendering again.
This is the "early cutoff" of build systems, and it is what keeps one new answer from
re-rendering ten thousand feeds whose entries did not move.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..model import Hub
from .reads import HubView, Key, Recorder, changes


@dataclass(frozen=True)
class Reads:
    """What one route or memo read: keys of the model, and the memos it used."""

    keys: frozenset[Key]
    memos: frozenset[tuple]
    #: (memo name, entry) of each entry of a memo read alone (`Revision.part`).
    parts: frozenset[tuple] = frozenset()

    @classmethod
    def of(cls, recorded: set[Key], shared: dict[Key, Key] | None = None) -> Reads:
        """`shared`: keys already held by other reads, given back as those very
        tuples: thousands of pages read the same keys, and a big hub's reads are
        millions of them."""
        if shared is not None:
            recorded = {shared.setdefault(key, key) for key in recorded}
        memos = frozenset(key[1] for key in recorded if key[0] == "memo")
        parts = frozenset((key[1], key[2]) for key in recorded if key[0] == "part")
        keys = frozenset(k for k in recorded if k[0] not in ("memo", "part"))
        return cls(keys, memos, parts)


class _Unkept:
    """The value of a memo a cache kept without it (`Memo.unkept`)."""

    def __reduce__(self) -> str:
        return "UNKEPT"  # pickled as this module's one instance

    def __repr__(self) -> str:
        return "UNKEPT"


UNKEPT = _Unkept()


@dataclass(frozen=True)
class Memo:
    value: object
    reads: Reads
    #: A hash of the value, for a memo kept without it (`unkept`).
    digest: bytes | None = None

    def unkept(self) -> Memo:
        """This memo without its text, which is cheaper to make again when asked for
        than to keep: only what it read and a hash of it, to compare a new one with."""
        if not isinstance(self.value, str):
            return self
        data = self.value.encode("utf-8", "surrogatepass")
        return Memo(UNKEPT, self.reads, hashlib.blake2b(data, digest_size=16).digest())

    def same_value(self, value) -> bool:
        if self.value is not UNKEPT:
            return self.value == value
        data = value.encode("utf-8", "surrogatepass")
        return hashlib.blake2b(data, digest_size=16).digest() == self.digest


class Revision:
    """The memos of one model, and the verdicts on the previous revision's."""

    def __init__(self, hub: Hub, previous: Revision | None = None) -> None:
        self.hub = hub
        self.recorder = Recorder()
        self.view = HubView(hub, self.recorder)
        #: name[0] -> the function that makes a memo from the rest of its name; set by
        #: whoever renders against this revision, before the first memo is asked for.
        self.makers: dict[str, Callable] = {}
        self.memos: dict[tuple, Memo] = {}
        self._before = previous.memos if previous is not None else {}
        #: Keys of the model that differ from the previous revision's; None: no
        #: previous revision, so everything is new.
        self.changed: frozenset[Key] | None = (
            changes(previous.hub, hub) if previous is not None else None
        )
        self._verdicts: dict[tuple, bool] = {}  # memo name -> changed since previous?
        self._keys: dict[Key, Key] = {}  # every key read, once (`Reads.of`)
        #: The names of the memos made in this revision, in the order made.
        self.made: list[tuple] = []

    @classmethod
    def restored(cls, hub: Hub, memos: dict[tuple, Memo]) -> Revision:
        """A revision as a cache kept it: the model and the memos made from it."""
        revision = cls(hub)
        revision.memos = dict(memos)
        return revision

    @contextmanager
    def recording(self) -> Iterator[set[Key]]:
        with self.recorder.recording() as reads:
            yield reads

    def memo(self, *name):
        """The value of memo `name`, made at most once in this revision."""
        self.recorder.reads.add(("memo", name, None))
        return self._value(name)

    def part(self, name: tuple, entry):
        """One entry of memo `name`, a mapping, read alone: what reads only that is
        made again when that entry changed, not whenever the mapping did."""
        self.recorder.reads.add(("part", name, entry))
        return self._value(name).get(entry)

    def previous(self, name: tuple) -> Memo | None:
        """Memo `name` of the previous revision, with its value, if it was kept: for
        a maker that can make the new value from the old and what changed."""
        old = self._before.get(name)
        return old if old is not None and old.value is not UNKEPT else None

    def _value(self, name: tuple):
        found = self.memos.get(name)
        if found is None:
            if name in self._before:
                self.memo_changed(name)  # carries it over or makes it again
                found = self.memos[name]
            else:
                found = self._make(name)
        if found.value is UNKEPT:  # carried over from a cache without its value
            found = self._make(name)
        return found.value

    def _make(self, name: tuple) -> Memo:
        with self.recorder.recording() as recorded:
            value = self.makers[name[0]](*name[1:])
        made = self.memos[name] = Memo(value, self.reads(recorded))
        self.made.append(name)
        return made

    def reads(self, recorded: set[Key]) -> Reads:
        """What a route or memo recorded, as kept."""
        return Reads.of(recorded, self._keys)

    def memo_changed(self, name: tuple) -> bool:
        """Whether memo `name` differs from the previous revision's (settling it in
        this one: carried over, or made again)."""
        verdict = self._verdicts.get(name)
        if verdict is not None:
            return verdict
        old = self._before.get(name)
        if old is None:
            verdict = True
        elif not self.stale(old.reads):
            self.memos.setdefault(name, old)
            verdict = False
        else:
            try:
                made = self.memos.get(name) or self._make(name)
            except Exception:
                # It cannot be made now (a card of a deleted idea): changed. Whatever
                # still asks for it meets the error again, and reports it, there.
                made = None
            verdict = made is None or not old.same_value(made.value)
        self._verdicts[name] = verdict
        return verdict

    def stale(self, reads: Reads) -> bool:
        """Whether something `reads` read differs in this revision from the previous."""
        if self.changed is None:
            return True
        if not self.changed.isdisjoint(reads.keys):
            return True
        if any(self.memo_changed(name) for name in reads.memos):
            return True
        return any(self.part_changed(name, entry) for name, entry in reads.parts)

    def carry(self) -> None:
        """Keep every memo of the previous revision not settled yet, as it is: for a
        caller that has settled every memo under which something changed."""
        failed = [n for n, changed in self._verdicts.items() if changed and n not in self.memos]
        merged = dict(self._before)
        merged.update(self.memos)
        for name in failed:
            merged.pop(name, None)
        self.memos = merged

    def part_changed(self, name: tuple, entry) -> bool:
        """Whether entry `entry` of memo `name` differs from the previous revision's."""
        if not self.memo_changed(name):
            return False
        old = self._before.get(name)
        if old is None or old.value is UNKEPT:
            return True
        before, now = old.value.get(entry), self.memos[name].value.get(entry)
        return before is not now and before != now

    def settle(self) -> None:
        """Let go of the previous revision's memos: those still good were carried
        over when first asked for, and a revision that lives on (the preview) must
        not hold a chain of its predecessors."""
        self._before = {}
