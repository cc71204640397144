"""`cohub serve`: a real server on a free loopback port, watching a temp hub."""

from __future__ import annotations

import http.client
import io
import threading
import time
from pathlib import Path

import pytest
from conftest import EPOCH, write_hub
from watchfiles import Change

from builder.errors import UsageError
from builder.serve import HubFilter, classify, serve

IDEA = "---\ntitle: {title}\nsubmitted: 2026-03-02\nauthor: bob\n---\nPlease.\n"
TIMEOUT = 15


class Server:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.log = io.StringIO()
        self.port = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        serve(self.root, port=0, out=self.log, on_ready=self.started, stop=self.stop)

    def started(self, port: int) -> None:
        self.port = port
        self.ready.set()

    def get(self, path: str) -> tuple[int, str, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8"), dict(response.getheaders())
        finally:
            connection.close()

    def wait_for(self, path: str, predicate, what: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            status, body, _ = self.get(path)
            if predicate(status, body):
                return body
            time.sleep(0.05)
        raise AssertionError(
            f"{what} did not happen within {TIMEOUT} s; log:\n{self.log.getvalue()}"
        )


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = write_hub(tmp_path, {"content/ideas/dark-mode.md": IDEA.format(title="Dark mode")})
    running = Server(root)
    running.thread.start()
    assert running.ready.wait(TIMEOUT), running.log.getvalue()
    time.sleep(0.3)  # let the watcher start before the test edits files
    yield running
    running.stop.set()
    running.thread.join(TIMEOUT)
    assert not running.thread.is_alive()


def test_serves_pages_with_live_reload_and_pretty_urls(server):
    status, body, headers = server.get("/ideas/dark-mode/")
    assert status == 200 and "<h1>Dark mode</h1>" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert 'new EventSource("/__cohub/events?epoch=" + epoch)' in body
    status, _, headers = server.get("/ideas/dark-mode")
    assert status == 301 and headers["Location"] == "/ideas/dark-mode/"
    status, body, _ = server.get("/nowhere/")
    assert status == 404 and "Page not found" in body
    status, _, headers = server.get("/feed.xml")
    assert status == 200 and headers["Content-Type"] == "application/xml"
    assert "serving" in server.log.getvalue()


def test_an_edit_is_served_after_a_complete_rebuild(server):
    (server.root / "content/ideas/dark-mode.md").write_text(
        IDEA.format(title="Night mode"), encoding="utf-8"
    )
    body = server.wait_for("/ideas/dark-mode/", lambda s, b: "<h1>Night mode</h1>" in b, "the edit")
    assert "Dark mode" not in body.split("<main", 1)[1]
    assert "content changed" in server.log.getvalue()


def test_broken_content_shows_an_overlay_over_the_last_good_build_and_heals(server):
    path = server.root / "content/ideas/dark-mode.md"
    path.write_text(
        "---\ntitle: Dark mode\nsubmitted: 2026-13-45\nauthor: bob\n---\n", encoding="utf-8"
    )
    body = server.wait_for("/ideas/dark-mode/", lambda s, b: "cohub-overlay" in b, "the overlay")
    assert "content/ideas/dark-mode.md:3:12" in body
    assert "expected a date (YYYY-MM-DD), found &#x27;2026-13-45&#x27;" in body
    assert "<h1>Dark mode</h1>" in body  # the last good build is still served
    assert "has errors; serving the last good build" in server.log.getvalue()
    path.write_text(IDEA.format(title="Dark mode, fixed"), encoding="utf-8")
    body = server.wait_for("/ideas/dark-mode/", lambda s, b: "cohub-overlay" not in b, "healing")
    assert "<h1>Dark mode, fixed</h1>" in body


def test_a_rename_and_a_delete_are_followed(server):
    old = server.root / "content/ideas/dark-mode.md"
    old.rename(server.root / "content/ideas/night-mode.md")
    server.wait_for("/ideas/night-mode/", lambda s, b: s == 200, "the renamed page")
    status, _, _ = server.get("/ideas/dark-mode/")
    assert status == 404
    (server.root / "content/ideas/night-mode.md").unlink()
    server.wait_for("/ideas/night-mode/", lambda s, b: s == 404, "the deletion")


def test_events_announce_each_complete_build(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    connection.request("GET", "/__cohub/events?epoch=1")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    first = response.fp.readline() + response.fp.readline()
    assert first == b"event: build\ndata: 1\n"
    response.fp.readline()
    (server.root / "content/ideas/dark-mode.md").write_text(
        IDEA.format(title="Changed"), encoding="utf-8"
    )
    second = response.fp.readline() + response.fp.readline()
    assert second == b"event: build\ndata: 2\n"
    connection.close()


def test_a_port_in_use_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = write_hub(tmp_path, {})
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(
            UsageError, match=f"port {port} on 127.0.0.1 is in use; try --port {port + 1}"
        ):
            serve(root, port=port, out=io.StringIO())


def test_the_watcher_ignores_what_is_not_the_hub(tmp_path):
    root = tmp_path
    keep = HubFilter(root, root / "site")
    assert keep(Change.modified, str(root / "content/ideas/a.md"))
    assert keep(Change.modified, str(root / "hub.yaml"))
    assert keep(Change.added, str(root / "templates/idea.html"))
    for ignored in (
        "content/ideas/.a.md.swp",
        "content/ideas/a.md~",
        ".git/index",
        "site/index.html",
        "README.md",
        "templates/__pycache__/x.pyc",
    ):
        assert not keep(Change.modified, str(root / ignored)), ignored


def test_changes_are_classified(tmp_path):
    def kinds(*paths):
        return classify(tmp_path, [(Change.modified, str(tmp_path / p)) for p in paths])

    assert kinds("content/ideas/a.md") == {"content"}
    assert kinds("templates/idea.html") == {"template"}
    assert kinds("templates/static/style.css") == {"static"}
    assert kinds("hub.yaml", "content/rounds/r.md") == {"config", "content"}
