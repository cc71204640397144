"""Which routes to render, rendering them while recording what each read, and what a
render leaves for the next one: the one engine `cohub build` (with its cache) and
`cohub serve` share.

A route is rendered again when it is new, when its own entry in the URL table changed
(its page count), when the theme or anything every page depends on changed (`Built.key`),
or when something it read changed (`Revision.stale`). Otherwise its last output is
kept: hard-linked from the last site on disk, or taken from memory in the preview.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import signal
import sys
import traceback
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import WriteError
from ..render import Renderer
from ..templating import Faults, TemplateFault
from ..urls import Route
from .revision import Memo, Reads, Revision


@dataclass(frozen=True)
class Rendered:
    """One route as last rendered: what it read and a digest of what it wrote."""

    route: Route
    reads: Reads
    digest: bytes


@dataclass
class Built:
    """What rendering a whole site leaves for the next render of it."""

    #: Everything every page depends on but the model: the theme, the settings of the
    #: build, cohub's own code (`cache.site_key`). Any difference renders everything.
    key: str
    revision: Revision
    rendered: dict[str, Rendered]
    #: URLs whose output is no longer as it was written (edited or removed by hand):
    #: rendered again, whatever they read.
    lost: frozenset[str] = frozenset()
    #: Who read what, once worked out (the preview keeps it from render to render).
    readers: Readers | None = None


class Readers:
    """For every key, memo and memo entry read: the routes and the memos that read it,
    so that what a change touches is looked up rather than every route checked."""

    def __init__(self, built: Built) -> None:
        self.routes: dict[object, set[str]] = defaultdict(set)
        self.memos: dict[object, set[tuple]] = defaultdict(set)
        #: memo name -> the entries of it read alone (`Revision.part`).
        self.entries: dict[tuple, set] = defaultdict(set)
        for url, entry in built.rendered.items():
            self._file(self.routes, url, entry.reads)
        self.kept = dict(built.revision.memos)
        for name, memo in self.kept.items():
            self._file(self.memos, name, memo.reads)

    def _file(self, index: dict, reader, reads: Reads, add: bool = True) -> None:
        for what in _read(reads):
            if add:
                index[what].add(reader)
                if what[0] == "part":
                    self.entries[what[1]].add(what[2])
            else:
                index[what].discard(reader)

    def touched(self, revision: Revision) -> set[str]:
        """The URLs of routes that read something that changed in `revision`."""
        urls: set[str] = set()
        work = list(revision.changed)
        seen: set[tuple] = set()
        while work:
            what = work.pop()
            urls.update(self.routes.get(what, ()))
            for name in self.memos.get(what, ()):
                if name in seen:
                    continue
                seen.add(name)
                if not revision.memo_changed(name):
                    continue
                work.append(("memo", name, None))
                work.extend(
                    ("part", name, entry)
                    for entry in self.entries.get(name, ())
                    if revision.part_changed(name, entry)
                )
        return urls

    def update(self, before: Built, after: Built, urls: Iterable[str]) -> None:
        """Follow a render of the routes `urls`: their reads, and those of the memos
        it made, replace what they read before."""
        for url in urls:
            old, entry = before.rendered.get(url), after.rendered.get(url)
            if old is not None:
                self._file(self.routes, url, old.reads, add=False)
            if entry is not None:
                self._file(self.routes, url, entry.reads)
        memos = after.revision.memos
        for name in after.revision.made:
            memo, old = memos.get(name), self.kept.get(name)
            if memo is None or memo is old:
                continue
            if old is not None:
                self._file(self.memos, name, old.reads, add=False)
            self._file(self.memos, name, memo.reads)
            self.kept[name] = memo


def _read(reads: Reads):
    yield from reads.keys
    for name in reads.memos:
        yield ("memo", name, None)
    for name, entry in reads.parts:
        yield ("part", name, entry)


def digest(data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.blake2b(data, digest_size=16).digest()


def to_render(
    before: Built | None, key: str, revision: Revision, routes: list[Route]
) -> list[Route]:
    """The routes of a new render that its predecessor `before` does not already
    hold as they would come out now."""
    if before is None or before.key != key or revision.changed is None:
        return list(routes)
    revision.changed = revision.changed | _table_changes(before, routes)
    if before.readers is not None:
        touched = before.readers.touched(revision)
        revision.carry()  # what nothing changed under stays as it is
        return [
            route
            for route in routes
            if route.url in touched
            or (old := before.rendered.get(route.url)) is None
            or old.route != route
            or route.url in before.lost
        ]
    todo = []
    for route in routes:
        old = before.rendered.get(route.url)
        if (
            old is None
            or old.route != route
            or route.url in before.lost
            or revision.stale(old.reads)
        ):
            todo.append(route)
    return todo


def _table_changes(before: Built, routes: list[Route]) -> frozenset:
    """Changes of the URL table as keys routes read: a feed that came or went (pages
    link the feeds that exist), and the table itself (the sitemap lists it)."""
    old = {r.url: r for r in (entry.route for entry in before.rendered.values())}
    new = {r.url: r for r in routes}
    found = set()
    if old.keys() != new.keys():
        found.add(("routes", "", None))
    old_feeds = {r.key for r in old.values() if r.is_feed}
    new_feeds = {r.key for r in new.values() if r.is_feed}
    found.update(("feed", key, None) for key in old_feeds ^ new_feeds)
    return frozenset(found)


class _NoProgress:
    def update(self, n: int) -> None:
        pass

    def done(self) -> None:
        pass


def render_routes(
    renderer: Renderer, routes: list[Route], out, jobs: int = 1, progress=None
) -> tuple[Faults, dict[str, Rendered]]:
    """Render `routes` into `out` (anything with `write(rel, data)`), recording what
    each read; return the template errors met and a `Rendered` for each route.

    Once a route fails, nothing more is written (the caller keeps nothing then), but
    every route is still tried, so each distinct error is reported once with the
    number of pages it broke. With `jobs` > 1 the routes are split between forked
    workers: each writes its own files straight into `out` and hands back its
    template errors, its routes' reads and the memos it made; where fork is
    unavailable everything renders in one process.
    """
    progress = progress or _NoProgress()
    revision = renderer.revision
    jobs = max(1, min(jobs, len(routes)))
    # The feeds' events first, each item's shared out between workers and collected
    # here: every worker of the routes then has them all (entry HTML is rendered once).
    if any(r.is_feed for r in routes):
        if jobs > 1 and hasattr(os, "fork"):
            make_in_parallel(revision, renderer.feeds.item_memos(), jobs)
        renderer.prepare_feeds()
    faults, rendered = Faults(), {}
    if jobs == 1 or not hasattr(os, "fork"):
        for n, route in enumerate(routes, start=1):
            _render_one(renderer, route, out, faults, rendered)
            progress.update(n)
        progress.done()
        return faults, rendered
    sys.stdout.flush()
    sys.stderr.flush()
    known = set(revision.memos)
    workers = []
    for chunk in (routes[i::jobs] for i in range(1, jobs)):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            status = 0
            try:
                os.close(read_end)
                found, mine = Faults(), {}
                for route in chunk:
                    _render_one(renderer, route, out, found, mine)
                # Fragments go back as hashes: the parent keeps them so, not their HTML.
                made = {k: v.unkept() for k, v in revision.memos.items() if k not in known}
                with os.fdopen(write_end, "wb") as pipe:
                    pickle.dump((found.dumps(), mine, made), pipe, protocol=5)
            except WriteError as exc:  # a full disk: the parent says so in one line
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(str(exc).encode("utf-8"))
                status = WORKER_CANNOT_WRITE
            except BaseException:
                traceback.print_exc()
                status = 1
            finally:
                os._exit(status)
        os.close(write_end)
        workers.append((pid, read_end))
    try:
        for n, route in enumerate(routes[0::jobs], start=1):
            _render_one(renderer, route, out, faults, rendered)
            progress.update(n * jobs)
    except BaseException:
        _stop(workers)  # before the output goes, or they would write into it again
        raise
    failed, cannot_write = 0, None
    for pid, read_end in workers:
        with os.fdopen(read_end, "rb") as pipe:
            handed = pipe.read()  # all of it before waiting: a full pipe blocks a worker
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        if status == WORKER_CANNOT_WRITE:
            cannot_write = WriteError(handed.decode("utf-8"))
        elif status != 0:
            failed += 1
        else:
            dumped, theirs, made = pickle.loads(handed)
            faults.merge(Faults.loads(dumped))
            rendered.update(theirs)
            _adopt(revision, made)
    progress.done()
    if cannot_write is not None:
        raise cannot_write
    if failed:
        raise RuntimeError(f"{failed} of {jobs} render workers failed")
    return faults, rendered


def make_in_parallel(revision: Revision, names: list[tuple], jobs: int) -> None:
    """Make the memos `names` (those not made yet) in `jobs` forked processes and
    keep them here. Whatever fails in a worker (a template error, a crash) is left
    to be made again, and reported, where it is next asked for."""
    names = [name for name in names if name not in revision.memos]
    known = set(revision.memos)
    workers = []
    sys.stdout.flush()
    sys.stderr.flush()
    for chunk in (names[i::jobs] for i in range(1, jobs)):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            status = 0
            try:
                os.close(read_end)
                for name in chunk:
                    with contextlib.suppress(Exception):
                        revision.memo(*name)
                made = {k: v for k, v in revision.memos.items() if k not in known}
                with os.fdopen(write_end, "wb") as pipe:
                    pickle.dump(made, pipe, protocol=5)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        os.close(write_end)
        workers.append((pid, read_end))
    try:
        for name in names[0::jobs]:
            with contextlib.suppress(Exception):
                revision.memo(*name)
    except BaseException:
        _stop(workers)
        raise
    for pid, read_end in workers:
        with os.fdopen(read_end, "rb") as pipe:
            handed = pipe.read()
        if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0:
            _adopt(revision, pickle.loads(handed))


def _adopt(revision: Revision, made: dict[tuple, Memo]) -> None:
    """Memos a worker made, kept by the parent for the next revision."""
    for name, memo in made.items():
        revision.memos.setdefault(name, memo)


#: The exit status of a render worker that could not write (its `WriteError` in its pipe).
WORKER_CANNOT_WRITE = 3


def _stop(workers: list[tuple[int, int]]) -> None:
    """End the render workers of a build that failed in the parent, and reap them."""
    for pid, read_end in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)


def _render_one(renderer: Renderer, route: Route, out, faults: Faults, rendered: dict) -> None:
    """Render one route, recording its reads, and write it unless this build failed."""
    try:
        with renderer.revision.recording() as recorded:
            text = renderer.render(route)
    except TemplateFault as fault:
        faults.add(fault)
        return
    data = text.encode("utf-8") if isinstance(text, str) else text
    rendered[route.url] = Rendered(route, renderer.revision.reads(recorded), digest(data))
    if not faults:
        out.write(route.file, data)


def carried(before: Built | None, routes: Iterable[Route], todo: Iterable[Route]) -> list[Rendered]:
    """The `Rendered` of every route kept from `before` (not rendered again)."""
    if before is None:
        return []
    again = {r.url for r in todo}
    return [before.rendered[r.url] for r in routes if r.url not in again]
