"""`cohub build`: the whole pipeline, config → load → validate → model → render → write.

Nothing is written unless the content has no errors; then every page is rendered
into a staging folder that replaces the output whole (see `output`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .check import git_prefix
from .clock import Stopwatch, build_date
from .engine.cache import (
    Cache,
    Files,
    Stamp,
    State,
    inputs_key,
    intact,
    manifest,
    site_key,
)
from .engine.revision import Revision
from .engine.site import Built, carried, render_routes, to_render
from .errors import Problems, UsageError
from .languages import check_language
from .output import LOCK_TIMEOUT, Staging, check_out_dir, display
from .pipeline import list_content, read_hub
from .render import Renderer, theme_environment
from .search import index as index_search
from .templating import check_templates
from .urls import Route, plan
from .validate import url_problem


@dataclass(frozen=True)
class BuildResult:
    ok: bool
    problems: Problems
    out: Path
    pages: int = 0
    files: int = 0
    seconds: float = 0.0

    feeds: int = 0
    #: (stage, seconds) in pipeline order, for `--timings`.
    timings: tuple[tuple[str, float], ...] = ()

    def summary(self) -> str:
        return (
            f"built {self.pages} pages, {self.feeds} feeds and "
            f"{self.files - self.pages - self.feeds} other files into {self.out} in {self.seconds:.2f} s"
        )


def build(
    root: Path,
    out: Path | None = None,
    *,
    drafts: bool = False,
    base_url: str | None = None,
    jobs: int = 1,
    environ: Mapping[str, str] | None = None,
    progress: TextIO | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
    cache: bool = True,
    search: bool = True,
) -> BuildResult:
    """Build the site of the hub at `root` into `out` (default `root/site`), waiting
    up to `lock_timeout` seconds for another build of the same output. With `cache`,
    what the last build left in `.cohub-cache/` spares parsing, validating and
    rendering whatever did not change (`engine.cache`). With `search`, Pagefind
    indexes the staged site before it is swapped in (`search`)."""
    watch = Stopwatch()
    out = out or root / "site"
    if base_url is not None and (problem := url_problem(base_url, site=True)) is not None:
        # The same judge as base_url in hub.yaml: the option and the file agree.
        raise UsageError(
            f"--base-url must be an absolute http(s) URL, found {base_url!r} ({problem})"
        )
    check_out_dir(root, out)  # before resolving: a link in the hub is checked as a link
    out = out.resolve()
    prefix = git_prefix(root)
    options = (f"drafts={drafts}", f"base_url={base_url}", f"git={prefix}", f"search={search}")
    key = site_key(root, options)
    store = Cache(root, out) if cache else None
    inputs, hashed = _inputs(root, key, environ) if store is not None else ("", {})
    if store is not None and (done := _up_to_date(store, inputs, out, watch)) is not None:
        return done
    state = store.load() if store is not None else None
    files = Files(store.load_items() if store is not None else {}, hashed)
    reading = read_hub(root, drafts=drafts, environ=environ, files=files)
    watch.lap(f"read: config, load, validate, model ({files.reused} files from the cache)")
    env = theme_environment(root)
    if reading.config is not None:  # what `check` says of the language, the build says
        config = reading.config
        check_language(root, config.language, config.language_at, env, reading.problems)
    if reading.problems.errors or reading.hub is None:
        check_templates(env, reading.problems)  # every problem in one run
        return BuildResult(False, reading.problems, out)
    hub = reading.hub
    routes = plan(hub)
    feeds = sum(1 for r in routes if r.is_feed)
    shown, notice = display(root, out), progress or sys.stderr
    with Staging(out, shown=shown, wait=lock_timeout, notice=notice) as stage:
        # Under the output's lock: the last site cannot change while it is compared.
        before = _before(state, key, out)
        revision = Revision(hub, before.revision if before is not None else None)
        renderer = Renderer(
            revision,
            routes,
            root,
            base_url or hub.config.base_url,
            prefix,
            search="indexed" if search else "off",
        )
        check_templates(renderer.env, reading.problems)  # compiled once, for the render too
        watch.lap("plan URLs, compile templates")
        if reading.problems.errors:
            return BuildResult(False, reading.problems, out)
        todo = to_render(before, key, revision, routes)
        watch.lap(f"find what changed: {len(todo)} of {len(routes)} pages and feeds to render")
        # Pages first: feed entries then reuse the Markdown the pages rendered.
        ordered = sorted(todo, key=lambda r: r.is_feed)
        faults, rendered = render_routes(
            renderer, ordered, stage, jobs, _Progress(progress, watch, len(todo))
        )
        watch.lap(f"render and write {len(todo)} pages and feeds ({jobs} jobs)")
        if faults:  # left without commit: the staged files go, the old site stays
            faults.report(reading.problems)
            return BuildResult(False, reading.problems, out)
        kept = carried(before, routes, todo)
        for entry in kept:  # unchanged: the very file of the last site, not rewritten
            stage.link(entry.route.file, out / entry.route.file)
        for asset in renderer.assets:
            stage.write(f"static/{asset.name}", asset.data)
        redirects = netlify_redirects(renderer, routes)
        if redirects:
            stage.write("_redirects", redirects)
        written = len(routes) + len(renderer.assets) + (1 if redirects else 0)
        watch.lap(f"link {len(kept)} unchanged files, write assets")
        if search:  # the staged site, so that a site and its index are one build's
            indexed = index_search(stage.path, hub.config.language)
            watch.lap(f"index {indexed} pages for search (Pagefind)")
        stage.commit()
        watch.lap("swap the site in")
        if store is not None:  # still under the output's lock: it describes this site
            revision.settle()
            every = {entry.route.url: entry for entry in kept} | rendered
            # Fragments are kept as hashes: made again when asked for, not stored.
            memos = {name: memo.unkept() for name, memo in revision.memos.items()}
            state = State(key, hub, memos, every)
            extras = [f"static/{a.name}" for a in renderer.assets] + (
                ["_redirects"] if redirects else []
            )
            state.manifest = manifest(out, [*(r.file for r in routes), *extras])
            counts = (len(routes) - feeds, feeds, written)
            stamp = Stamp(inputs, tuple(reading.problems.items), counts, state.manifest)
            store.save(state, stamp)
            if files.changed:
                store.save_items(files.now)
            watch.lap("save the cache")
    return BuildResult(
        True,
        reading.problems,
        out,
        len(routes) - feeds,
        written,
        watch.seconds,
        feeds,
        tuple(watch.laps),
    )


def _inputs(root: Path, key: str, environ: Mapping[str, str] | None) -> tuple[str, dict]:
    """The hash of everything this build would read (`cache.inputs_key`), with the
    listing of content/ as the load stage makes it."""
    listing = Problems()
    listed = list_content(root, listing)
    extra = [str(build_date(environ)), *(d.text() for d in listing.items)]
    return inputs_key(key, listed, extra)


def _up_to_date(store: Cache, inputs: str, out: Path, watch: Stopwatch) -> BuildResult | None:
    """The result of the last build, when it was made of exactly these inputs and
    its site is still exactly as written: then nothing is read, rendered or written."""
    stamp = store.load_stamp()
    if stamp is None or stamp.inputs != inputs:
        return None
    if len(intact(out, stamp.manifest)) != len(stamp.manifest):
        return None
    problems = Problems()
    problems.extend(stamp.diagnostics)
    watch.lap("nothing changed since the last build: the site is up to date")
    pages, feeds, files = stamp.counts
    return BuildResult(True, problems, out, pages, files, watch.seconds, feeds, tuple(watch.laps))


def _before(state: State | None, key: str, out: Path) -> Built | None:
    """What the last build left, as the engine takes it: only its routes whose file
    is still in the output exactly as it was written (one edited or removed by hand
    is rendered again)."""
    if state is None or state.key != key or state.hub is None:
        return None
    good = intact(out, state.manifest)
    lost = frozenset(url for url, entry in state.rendered.items() if entry.route.file not in good)
    return Built(key, Revision.restored(state.hub, state.memos), state.rendered, lost)


def netlify_redirects(renderer: Renderer, routes: list[Route]) -> str:
    """Netlify's `_redirects`: real 301s for aliases, beside the HTML redirect pages
    that serve every other host."""
    lines = [
        f"{renderer.links.path(r.url)} {renderer.links.path(r.target)} 301"
        for r in routes
        if r.kind == "redirect"
    ]
    return "\n".join(lines) + "\n" if lines else ""


class _Progress:
    """A progress line on a terminal, shown only once a build has taken a second."""

    def __init__(self, stream: TextIO | None, watch: Stopwatch, total: int) -> None:
        self.stream = stream if stream is not None and stream.isatty() else None
        self.watch, self.total, self.shown = watch, total, False

    def update(self, n: int) -> None:
        if self.stream and n % 50 == 0 and self.watch.seconds > 1:
            self.stream.write(f"\rrendering {min(n, self.total)}/{self.total} pages")
            self.stream.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown and self.stream:
            self.stream.write("\r\033[K")
            self.stream.flush()
