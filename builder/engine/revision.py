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

    @classmethod
    def of(cls, recorded: set[Key]) -> Reads:
        memos = frozenset(key[1] for key in recorded if key[0] == "memo")
        return cls(frozenset(k for k in recorded if k[0] != "memo"), memos)


@dataclass(frozen=True)
class Memo:
    value: object
    reads: Reads


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
        found = self.memos.get(name)
        if found is None:
            if name in self._before:
                self.memo_changed(name)  # carries it over or makes it again
                found = self.memos[name]
            else:
                found = self._make(name)
        return found.value

    def _make(self, name: tuple) -> Memo:
        with self.recorder.recording() as recorded:
            value = self.makers[name[0]](*name[1:])
        made = self.memos[name] = Memo(value, Reads.of(recorded))
        return made

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
            made = self.memos.get(name) or self._make(name)
            verdict = made.value != old.value
        self._verdicts[name] = verdict
        return verdict

    def stale(self, reads: Reads) -> bool:
        """Whether something `reads` read differs in this revision from the previous."""
        if self.changed is None:
            return True
        if not self.changed.isdisjoint(reads.keys):
            return True
        return any(self.memo_changed(name) for name in reads.memos)

    def settle(self) -> None:
        """Let go of the previous revision's memos: those still good were carried
        over when first asked for, and a revision that lives on (the preview) must
        not hold a chain of its predecessors."""
        self._before = {}
