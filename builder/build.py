"""`cohub build`: the whole pipeline, config → load → validate → model → render → write.

Nothing is written unless the content has no errors; then every page is rendered
into a staging folder that replaces the output whole (see `output`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .check import git_prefix
from .clock import Stopwatch
from .errors import Problems, UsageError, WriteError
from .output import LOCK_TIMEOUT, Staging, check_out_dir, display
from .pipeline import read_hub
from .render import Renderer, theme_environment
from .templating import Faults, TemplateFault, check_templates
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
) -> BuildResult:
    """Build the site of the hub at `root` into `out` (default `root/site`), waiting
    up to `lock_timeout` seconds for another build of the same output."""
    watch = Stopwatch()
    out = out or root / "site"
    if base_url is not None and (problem := url_problem(base_url, site=True)) is not None:
        # The same judge as base_url in hub.yaml: the option and the file agree.
        raise UsageError(
            f"--base-url must be an absolute http(s) URL, found {base_url!r} ({problem})"
        )
    check_out_dir(root, out)  # before resolving: a link in the hub is checked as a link
    out = out.resolve()
    reading = read_hub(root, drafts=drafts, environ=environ)
    watch.lap("read: config, load, validate, model")
    if reading.problems.errors or reading.hub is None:
        check_templates(theme_environment(root), reading.problems)  # every problem in one run
        return BuildResult(False, reading.problems, out)
    hub = reading.hub
    routes = plan(hub)
    renderer = Renderer(hub, routes, root, base_url or hub.config.base_url, git_prefix(root))
    check_templates(renderer.env, reading.problems)  # compiled once, for the render too
    watch.lap("plan URLs, compile templates")
    if reading.problems.errors:
        return BuildResult(False, reading.problems, out)
    shown, notice = display(root, out), progress or sys.stderr
    with Staging(out, shown=shown, wait=lock_timeout, notice=notice) as stage:
        faults = render_all(renderer, routes, stage, jobs, _Progress(progress, watch, len(routes)))
        watch.lap(f"render and write {len(routes)} pages and feeds ({jobs} jobs)")
        if faults:  # left without commit: the staged files go, the old site stays
            faults.report(reading.problems)
            return BuildResult(False, reading.problems, out)
        for asset in renderer.assets:
            stage.write(f"static/{asset.name}", asset.data)
        redirects = netlify_redirects(renderer, routes)
        if redirects:
            stage.write("_redirects", redirects)
        files = len(routes) + len(renderer.assets) + (1 if redirects else 0)
        stage.commit()
    watch.lap("write assets, swap the site in")
    feeds = sum(1 for r in routes if r.is_feed)
    return BuildResult(
        True,
        reading.problems,
        out,
        len(routes) - feeds,
        files,
        watch.seconds,
        feeds,
        tuple(watch.laps),
    )


def render_all(
    renderer: Renderer, routes: list[Route], stage: Staging, jobs: int, progress
) -> Faults:
    """Render every route into the staging folder; return the template errors met.

    Once a route fails, nothing more is written (the caller commits nothing then),
    but every route is still tried, so each distinct error is reported once with the
    number of pages it broke. With `jobs` > 1 the routes are split between forked
    workers: each writes its own files straight into the staging folder and hands
    its template errors back through a pipe; where fork is unavailable the build
    renders in one process.
    """
    # Pages first: feed entries then reuse the Markdown the pages rendered.
    routes = sorted(routes, key=lambda r: r.is_feed)
    jobs = max(1, min(jobs, len(routes)))
    faults = Faults()
    if jobs == 1 or not hasattr(os, "fork"):
        for n, route in enumerate(routes, start=1):
            _render_one(renderer, route, stage, faults)
            progress.update(n)
        progress.done()
        return faults
    sys.stdout.flush()
    sys.stderr.flush()
    workers = []
    for chunk in (routes[i::jobs] for i in range(1, jobs)):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            status = 0
            try:
                os.close(read_end)
                found = Faults()
                for route in chunk:
                    _render_one(renderer, route, stage, found)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(found.dumps())
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
    mine = routes[0::jobs]
    try:
        for n, route in enumerate(mine, start=1):
            _render_one(renderer, route, stage, faults)
            progress.update(n * jobs)
    except BaseException:
        _stop(workers)  # before the staging folder goes, or they would write into it again
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
            faults.merge(Faults.loads(handed))
    progress.done()
    if cannot_write is not None:
        raise cannot_write
    if failed:
        raise RuntimeError(f"{failed} of {jobs} render workers failed")
    return faults


#: The exit status of a render worker that could not write (its `WriteError` in its pipe).
WORKER_CANNOT_WRITE = 3


def _stop(workers: list[tuple[int, int]]) -> None:
    """End the render workers of a build that failed in the parent, and reap them."""
    for pid, read_end in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)


def _render_one(renderer: Renderer, route: Route, stage, faults: Faults) -> None:
    """Render one route and write it, unless this build already failed."""
    try:
        text = renderer.render(route)
    except TemplateFault as fault:
        faults.add(fault)
        return
    if not faults:
        stage.write(route.file, text)


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
