"""The preview answers only its own Host: a page elsewhere whose name it points at
127.0.0.1 (DNS rebinding) gets nothing from it, the event stream included.

Each test runs the real server on a free port, as tests/test_serve.py does, and
sends raw requests with exactly the Host header under test.
"""

from __future__ import annotations

import io
import socket
import threading

import pytest
from conftest import EPOCH, write_hub

from builder.serve import HostGuard, serve

IDEA = "---\ntitle: Dark mode\nsubmitted: 2026-03-02\nauthor: bob\n---\nPlease.\n"
TIMEOUT = 15


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    """A preview of a small hub, bound to 127.0.0.1 as `cohub serve` is by default."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = write_hub(tmp_path_factory.mktemp("hub"), {"content/ideas/dark-mode.md": IDEA})
    stop, ready, found = threading.Event(), threading.Event(), []

    def started(port: int) -> None:
        found.append(port)
        ready.set()

    log = io.StringIO()
    thread = threading.Thread(
        target=serve,
        args=(root,),
        kwargs={"host": "127.0.0.1", "port": 0, "out": log, "on_ready": started, "stop": stop},
        daemon=True,
    )
    thread.start()
    assert ready.wait(TIMEOUT), log.getvalue()
    yield found[0]
    stop.set()
    thread.join(TIMEOUT)
    mp.undo()


def request(port: int, path: str, host: str | None) -> tuple[int, bytes]:
    """(status, body) of one GET with `host` as the Host header (None: no Host)."""
    lines = [f"GET {path} HTTP/1.1"]
    if host is not None:
        lines.append(f"Host: {host}")
    lines += ["Connection: close", "", ""]
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as conn:
        conn.sendall("\r\n".join(lines).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                break
            head += chunk
        status_line, _, rest = head.partition(b"\r\n")
        headers, _, body = rest.partition(b"\r\n\r\n")
        length = next(
            (
                int(h.split(b":")[1])
                for h in headers.split(b"\r\n")
                if h.lower().startswith(b"content-length")
            ),
            None,
        )
        while length is not None and len(body) < length:
            chunk = conn.recv(4096)
            if not chunk:
                break
            body += chunk
    return int(status_line.split()[1]), body


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST"])
def test_its_own_host_is_answered(port, name):
    status, body = request(port, "/ideas/dark-mode/", f"{name}:{port}")
    assert status == 200 and b"<h1>Dark mode</h1>" in body


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "evil.example",
        "127.0.0.1.evil.example:{port}",
        "localhost.evil.example:{port}",
        "127.0.0.1:1",
        "localhost:{port}@evil.example",
        "[::1]:{port}",  # not bound there
        "10.0.0.1:{port}",
        "",
        None,
    ],
)
@pytest.mark.parametrize("path", ["/", "/ideas/dark-mode/", "/feed.xml", "/__cohub/events"])
def test_any_other_host_is_refused_on_every_path(port, host, path):
    status, body = request(port, path, None if host is None else host.format(port=port))
    assert status == 421
    assert body == f"cohub serve answers only for 127.0.0.1:{port}, localhost:{port}\n".encode()


def test_the_host_it_was_given_and_its_address_are_answered():
    guard = HostGuard.of("preview.test", ("127.0.0.1", 8000))
    assert [guard.allows(h) for h in ("preview.test:8000", "127.0.0.1:8000", "localhost:8000")] == [
        True,
        True,
        True,
    ]
    assert not guard.allows("preview.test:8001")
    assert not guard.allows("other.test:8000")


def test_ipv6_loopback_is_answered_when_bound_there():
    guard = HostGuard.of("::1", ("::1", 8000, 0, 0))
    assert guard.allows("[::1]:8000")
    assert not guard.allows("127.0.0.1:8000")
    assert guard.refusal() == b"cohub serve answers only for [::1]:8000, localhost:8000\n"


def test_bound_to_every_address_any_address_is_answered_but_no_other_name():
    guard = HostGuard.of("0.0.0.0", ("0.0.0.0", 8000))
    assert guard.allows("192.168.1.20:8000")
    assert guard.allows("localhost:8000")
    assert not guard.allows("evil.example:8000")
    assert guard.refusal() == b"cohub serve answers only for localhost:8000\n"


def test_port_80_may_be_left_out():
    guard = HostGuard.of("127.0.0.1", ("127.0.0.1", 80))
    assert guard.allows("localhost") and guard.allows("127.0.0.1:80")
