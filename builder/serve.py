"""`cohub serve`: a live preview on the same pipeline as `cohub build`.

The site is rendered into memory. Each rebuild makes a new immutable `Snapshot` and
publishes it with one assignment, so a request always reads one complete build. A
browser learns of a new build through Server-Sent Events and reloads only then. When
the content has errors the last good build stays up, with every diagnostic shown
over it, until a good build heals it.
"""

from __future__ import annotations

import errno
import gc
import html
import ipaddress
import mimetypes
import re
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO

from watchfiles import Change, DefaultFilter, watch

from .check import git_prefix
from .clock import Stopwatch
from .config import CONFIG_FILE
from .engine.reading import Reader
from .engine.revision import Revision
from .engine.site import Built, Readers, carried, render_routes, to_render
from .errors import Diagnostic, Problems, Severity, UsageError
from .languages import check_language
from .pipeline import Reading
from .render import Renderer, theme_environment
from .templating import check_templates
from .urls import plan

EVENTS_PATH = "/__cohub/events"

#: Injected before </body> of pages served by `serve` only; `cohub build` output never
#: carries it. It reloads once the server announces a newer complete build.
RELOAD_SCRIPT = """<script>
(function () {
  var epoch = %d;
  var source = new EventSource("%s?epoch=" + epoch);
  source.addEventListener("build", function (event) {
    if (Number(event.data) !== epoch) { source.close(); location.reload(); }
  });
})();
</script>"""


@dataclass(frozen=True)
class Snapshot:
    """One complete build as served: every file by path, and the diagnostics of the
    newest attempt (errors mean the files are those of the last good build), sorted
    as `cohub check` prints them when there are errors, else as found (a big hub's
    warnings are not worth sorting after every edit)."""

    epoch: int
    files: Mapping[str, bytes] = field(default_factory=dict)
    problems: tuple[Diagnostic, ...] = ()

    @property
    def broken(self) -> bool:
        return any(d.severity == "error" for d in self.problems)


class MemoryOutput:
    """The writer `engine.site.render_routes` writes into when previewing: a dict, not a folder."""

    def __init__(self, files: Mapping[str, bytes] | None = None) -> None:
        self.files: dict[str, bytes] = dict(files or {})

    def write(self, rel: str, data: bytes | str) -> None:
        self.files[rel] = data.encode("utf-8") if isinstance(data, str) else data


class HubFilter(DefaultFilter):
    """watchfiles' defaults (editor swap files, .git, caches) plus the output folder
    and anything outside what a hub is made of."""

    def __init__(self, root: Path, out: Path) -> None:
        super().__init__(ignore_paths=[str(out)])
        self.root = root.resolve()

    def __call__(self, change: Change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        try:
            rel = Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return False
        return rel == CONFIG_FILE or rel.startswith(("content/", "templates/"))


def classify(root: Path, changes: Iterable[tuple[Change, str]]) -> set[str]:
    """What changed: `content`, `template`, `static` or `config` (SPEC: a content edit
    needs less work than a template or config change)."""
    kinds = set()
    for _, path in changes:
        rel = Path(path).resolve().relative_to(root.resolve()).as_posix()
        if rel == CONFIG_FILE:
            kinds.add("config")
        elif rel.startswith("templates/static/"):
            kinds.add("static")
        elif rel.startswith("templates/"):
            kinds.add("template")
        elif rel.startswith("content/"):
            kinds.add("content")
    return kinds


class Preview:
    """Builds a hub into memory and keeps the newest complete snapshot.

    After a content edit only the changed files are read again (`Reader`), and only
    the routes whose recorded reads changed are rendered again (`engine`); a
    template, static or config change renders everything.
    """

    def __init__(
        self, root: Path, *, drafts: bool = False, environ: Mapping[str, str] | None = None
    ) -> None:
        self.root = root
        self.drafts = drafts
        self.reader = Reader(root, environ=environ)
        self.renderer: Renderer | None = None  # of the last good build
        self.built: Built | None = None  # what its render leaves for the next one
        self.snapshot = Snapshot(0)
        self.rendered = 0  # files rendered by the last rebuild, for the log
        #: Whether the last rebuild's model was patched (`Reader`), not linked whole.
        self.patched = False
        self.changed = threading.Condition()
        #: The URL path last asked for: rendered first by the next rebuild.
        self.wanted: str | None = None

    def rebuild(self, changed: Iterable[str] | None = None, kinds: Iterable[str] = ()) -> Snapshot:
        """Build again, after `changed` (paths from the hub root; None: anything);
        publish the result whole, or keep the last good files and publish the
        diagnostics beside them. Nothing an edit does stops the preview: an error
        in a template is a diagnostic like one in content, and even a bug in cohub
        is shown over the last good build, which the next good build replaces."""
        kinds = set(kinds)
        epoch = self.snapshot.epoch + 1
        whole = (
            changed is None
            or self.renderer is None
            or bool(kinds & {"template", "static", "config"})
        )
        try:
            problems, files = self.attempt(changed, whole)
        except Exception as exc:  # a bug in cohub, not in the hub
            self.forget()
            self.reader = Reader(self.root, environ=self.reader.environ)
            problems, files = Problems(), None
            problems.extend([internal_error(exc)])
        failed = files is None
        listed = tuple(problems.sorted() if failed else problems.items)
        if failed:
            self.rendered = 0
            snapshot = Snapshot(epoch, self.snapshot.files, listed)
        else:
            snapshot = Snapshot(epoch, files, listed)
        self.publish(snapshot)
        if not failed and whole:
            # After publishing, so the edit is not kept waiting: ready for the next.
            try:
                self.built.readers = Readers(self.built)
                _settle_heap()
            except Exception:  # the next edit then checks every route instead
                pass
        return snapshot

    def attempt(self, changed: Iterable[str] | None, whole: bool):
        """(every diagnostic, the files of the new build or None when it failed)."""
        reading = self.reader.read(drafts=self.drafts, changed=None if whole else changed)
        problems = reading.problems
        self.patched = reading.patched is not None
        if whole and reading.config is not None:  # catalogs are theme files: read then
            config = reading.config
            env = theme_environment(self.root)
            check_language(self.root, config.language, config.language_at, env, problems)
        if problems.errors or reading.hub is None:
            if whole:  # templates too, as `cohub check` reports them
                check_templates(theme_environment(self.root), problems)
            return problems, None
        return problems, self.render(reading, whole, problems)

    def forget(self) -> None:
        """Drop what the next build would start from, so that it renders whole from
        what is on disk."""
        self.renderer, self.built = None, None

    def render(self, reading: Reading, whole: bool, problems: Problems) -> dict[str, bytes] | None:
        """The files of the new build, or None when its templates failed (reported
        to `problems`; the last good build stays what the next one starts from)."""
        hub = reading.hub
        before = None if whole else self.built
        revision = Revision(hub, before.revision if before is not None else None)
        # A patched model has the last one's structure, so its URL table too.
        routes = self.renderer.routes if before is not None and reading.patched else plan(hub)
        renderer = Renderer(
            revision,
            routes,
            self.root,
            hub.config.base_url,
            git_prefix(self.root),
            previous=None if whole else self.renderer,
            search="preview",  # the preview does not index: /search/ says so
        )
        if before is None:
            check_templates(renderer.env, problems)  # a new theme: compiled first
            if problems.errors:
                self.forget()
                return None
            out = MemoryOutput()
            for asset in renderer.assets:
                out.write(f"static/{asset.name}", asset.data)
        else:
            kept = {r.file for r in routes} | {f"static/{a.name}" for a in renderer.assets}
            out = MemoryOutput({k: v for k, v in self.snapshot.files.items() if k in kept})
        todo = to_render(before, PREVIEW, revision, routes)
        todo.sort(key=lambda r: r.url != self.wanted)  # the page being looked at first
        faults, rendered = render_routes(renderer, todo, out)
        if faults:
            faults.report(problems)
            self.forget()  # the reader has the new graph, the last good renderer the old
            return None
        revision.settle()
        kept_routes = carried(before, routes, todo)
        built = Built(PREVIEW, revision, {r.route.url: r for r in kept_routes} | rendered)
        if before is not None and before.readers is not None:
            built.readers = before.readers
            built.readers.update(before, built, (r.url for r in todo))
        self.built = built
        self.renderer, self.rendered = renderer, len(todo)
        return out.files

    def publish(self, snapshot: Snapshot) -> None:
        with self.changed:
            self.snapshot = snapshot  # one assignment: readers see old or new, whole
            self.changed.notify_all()

    def wait_for_newer(self, epoch: int, timeout: float) -> Snapshot:
        with self.changed:
            self.changed.wait_for(lambda: self.snapshot.epoch != epoch, timeout=timeout)
            return self.snapshot


#: The preview renders with one theme and settings until a template, static file or
#: hub.yaml changes, and then renders whole: its key never needs to differ.
PREVIEW = "preview"


def internal_error(exc: Exception) -> Diagnostic:
    """A bug in cohub met while previewing, as the one diagnostic shown over the
    last good build: the preview keeps serving, as `cohub build` would say."""
    return Diagnostic(
        "cohub",
        1,
        1,
        Severity.ERROR,
        f"internal error: {type(exc).__name__}: {exc}",
        hint="a bug in cohub, not in the hub; cohub build --debug shows where",
    )


def _settle_heap() -> None:
    """Exempt the new graph's objects from the cyclic garbage collector's scans.

    A 10,000-idea hub is millions of long-lived objects, and every full collection
    walks them all: tens of milliseconds, at any moment of a patch's rebuild. Frozen
    after each new graph (old ones unfrozen and collected first), they are left
    alone until the graph changes again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


#: A Host header as browsers send it: a name or an IPv4 address, or an IPv6 address
#: in brackets, and an optional port.
_HOST_HEADER = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?")
_ANY_ADDRESS = ("", "0.0.0.0", "::")


@dataclass(frozen=True)
class HostGuard:
    """The `Host` headers the preview answers: `localhost`, the address it is bound
    to and the host it was given, at its port.

    A web page on any site can make the reader's browser call the preview once its
    own name resolves to 127.0.0.1 (DNS rebinding), and then read the answers as its
    own; such a request names the page's site in `Host`, never one of these. Bound
    to every address (`--host 0.0.0.0`, to preview on a phone), any IP address is
    answered too: rebinding needs a name, and the machine's addresses are not known
    in advance."""

    names: frozenset[str]
    port: int
    any_address: bool

    @classmethod
    def of(cls, given: str | None, address: tuple) -> HostGuard:
        bound, port = str(address[0]), int(address[1])
        names = {"localhost", bound.lower()}
        if given:
            names.add(given.strip("[]").lower())
        return cls(frozenset(names), port, bound in _ANY_ADDRESS)

    def allows(self, header: str | None) -> bool:
        match = _HOST_HEADER.fullmatch(header or "")
        if match is None:
            return False
        name, port = match.group(1).strip("[]").lower(), int(match.group(2) or 80)
        if port != self.port:
            return False
        return name in self.names or (self.any_address and _is_address(name))

    def refusal(self) -> bytes:
        """What a refused request is told, in one line."""
        shown = sorted(f"[{n}]" if ":" in n else n for n in self.names - set(_ANY_ADDRESS))
        hosts = ", ".join(f"{name}:{self.port}" for name in shown)
        return f"cohub serve answers only for {hosts}\n".encode()


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def make_handler(preview: Preview, stopping: threading.Event, host: str | None = None):
    """The request handler of a preview; `host` is the one it was asked to serve at
    (`--host`), which `HostGuard` answers besides localhost and the bound address."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "cohub-serve"

        def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows builds
            pass

        @property
        def guard(self) -> HostGuard:
            server = self.server
            guard = getattr(server, "cohub_guard", None)
            if guard is None:
                guard = server.cohub_guard = HostGuard.of(host, server.server_address)
            return guard

        def do_GET(self) -> None:
            if not self.guard.allows(self.headers.get("Host")):
                self.refuse()
                return
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path == EVENTS_PATH:
                self.events()
                return
            snapshot = preview.snapshot  # one snapshot for the whole request
            found = resolve(snapshot, path)
            if found is None:
                self.send_page(snapshot, "404.html", HTTPStatus.NOT_FOUND)
            elif (
                found != path.lstrip("/")
                and not path.endswith("/")
                and found.endswith("index.html")
            ):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                if found.endswith("index.html"):
                    preview.wanted = "/" + found.removesuffix("index.html")
                self.send_page(snapshot, found, HTTPStatus.OK)

        def refuse(self) -> None:
            """421 for a request naming another host (or none): see `HostGuard`."""
            body = self.guard.refusal()
            self.send_response(HTTPStatus.MISDIRECTED_REQUEST)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def send_page(self, snapshot: Snapshot, rel: str, status: HTTPStatus) -> None:
            data = snapshot.files.get(rel)
            if data is None:  # no build has succeeded yet
                data, rel = b"<!doctype html><title>cohub</title><body></body>", "index.html"
            kind = mimetypes.guess_type(rel)[0] or "application/octet-stream"
            if kind == "text/html":
                data = inject(data, snapshot)
                kind += "; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def events(self) -> None:
            """Server-Sent Events: the current build's epoch now, and each newer one."""
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            epoch = -1
            try:
                while not stopping.is_set():
                    snapshot = preview.wait_for_newer(epoch, timeout=15)
                    if snapshot.epoch != epoch:
                        epoch = snapshot.epoch
                        self.wfile.write(f"event: build\ndata: {epoch}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


def resolve(snapshot: Snapshot, path: str) -> str | None:
    """The file a URL path names: `/x/` and `/x` serve `x/index.html`."""
    rel = path.lstrip("/")
    if ".." in rel.split("/"):
        return None
    for candidate in (
        rel,
        rel + "index.html" if rel.endswith("/") or not rel else rel + "/index.html",
    ):
        if candidate in snapshot.files:
            return candidate
    return None


def inject(page: bytes, snapshot: Snapshot) -> bytes:
    """The reload script, and the diagnostics overlay when the newest build failed."""
    extra = RELOAD_SCRIPT % (snapshot.epoch, EVENTS_PATH)
    if snapshot.broken:
        extra = overlay(snapshot.problems) + extra
    marker = b"</body>"
    at = page.rfind(marker)
    addition = extra.encode("utf-8")
    return page[:at] + addition + page[at:] if at >= 0 else page + addition


def overlay(problems: Iterable[Diagnostic]) -> str:
    """Every diagnostic, over the last good build, as Zola's dev server does."""
    items = "".join(
        f"<li><code>{html.escape(d.path)}:{d.line}:{d.column}</code> "
        f"<strong>{d.severity}</strong> {html.escape(d.text().split(': ', 2)[-1])}</li>"
        for d in problems
    )
    return (
        '<div id="cohub-overlay" role="alert" style="position:fixed;inset:auto 1rem 1rem 1rem;'
        "max-height:60vh;overflow:auto;z-index:2147483647;background:#fff5f5;color:#7f1d1d;"
        "border:2px solid #b91c1c;border-radius:10px;padding:1rem 1.25rem;"
        'font:15px/1.5 system-ui,sans-serif;box-shadow:0 8px 30px rgba(0,0,0,.25)">'
        '<p style="margin:0 0 .5rem;font-weight:700">The content has errors; this is the last good build.</p>'
        f'<ul style="margin:0;padding-left:1.2rem">{items}</ul></div>'
    )


def serve(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    drafts: bool = False,
    out: TextIO | None = None,
    on_ready: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Build, serve and watch until Ctrl-C (or until `stop` is set). `on_ready`
    receives the bound port once requests can be served."""
    out = out or sys.stderr
    stop = stop or threading.Event()
    preview = Preview(root, drafts=drafts)
    report(preview.rebuild(), Stopwatch(), out, rendered=preview.rendered)
    try:
        server = ThreadingHTTPServer((host, port), make_handler(preview, stop, host))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is in use; try --port {port + 1}") from None
        raise
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="cohub-serve", daemon=True)
    thread.start()
    print(
        f"cohub: serving {root.resolve()} at http://{host}:{server.server_address[1]}/ (Ctrl-C stops)",
        file=out,
    )
    if on_ready is not None:
        on_ready(server.server_address[1])
    try:
        # The whole root is watched (filtered), so a content/ or templates/ folder
        # created after start is seen too.
        watch_filter = HubFilter(root, root / "site")
        for changes in watch(
            root, watch_filter=watch_filter, stop_event=stop, debounce=400, step=5
        ):
            kinds = classify(root, changes)
            watch_clock = Stopwatch()
            changed = {_relative(root, path) for _, path in changes}
            report(preview.rebuild(changed, kinds), watch_clock, out, kinds, preview.rendered)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        with preview.changed:
            preview.changed.notify_all()
        server.shutdown()
        server.server_close()
    print("cohub: stopped", file=out)
    return 0


def _relative(root: Path, path: str) -> str:
    return Path(path).resolve().relative_to(root.resolve()).as_posix()


def report(
    snapshot: Snapshot,
    watch_clock: Stopwatch,
    out: TextIO,
    kinds: Iterable[str] = (),
    rendered: int = 0,
) -> None:
    what = f" ({', '.join(sorted(kinds))} changed)" if kinds else ""
    if snapshot.broken:
        for diagnostic in snapshot.problems:
            print(diagnostic.text(), file=out)
        print(
            f"cohub: build {snapshot.epoch}{what} has errors; serving the last good build", file=out
        )
    else:
        print(
            f"cohub: build {snapshot.epoch}{what}: rendered {rendered} of {len(snapshot.files)} "
            f"files in {watch_clock.seconds:.2f} s",
            file=out,
        )
    out.flush()
