"""Edit -> updated page served, for `cohub serve` on a synthetic hub.

    python bench/serve_latency.py [--ideas 10000] [--edits 30] [--graph-edits 3]

Starts `cohub serve` in its own process on a free loopback port (as a marketer runs
it, with the browser elsewhere), then rewrites ideas the way a marketer does and, as
the page's reload script does, waits for the server's next build event and fetches
the idea's page; the time from the edit to that page showing it is what a marketer
waits, the watcher included. Reports medians and p95s.

- Rewording: one idea's title per edit, taking turns over an idea of every status
  (a shipped one is on the impact page, the release and its feeds; a declined one on
  the roadmap; every one on its author's, supporters' and answerer's pages).
- Answering (`--graph-edits`): a new status for an idea, which changes the graph
  (lists, counts, the roadmap, figures), so the whole hub is linked again.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import write_hub

TIMEOUT = 600
STATUSES = ("new", "under-review", "planned", "in-progress", "shipped", "declined")


def fetch(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode("utf-8")
    finally:
        connection.close()


def one_of_each_status(root: Path) -> list[tuple[str, Path]]:
    """(status, file) of the first idea of each status (duplicates left out)."""
    found: dict[str, Path] = {}
    for path in sorted((root / "content/ideas").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "duplicate_of:" in text:
            continue
        statuses = re.findall(r"status: (\S+)", text)
        found.setdefault(statuses[-1] if statuses else "new", path)
        if len(found) == len(STATUSES):
            break
    return [(s, found[s]) for s in STATUSES if s in found]


class BuildEvents:
    """The server's build announcements, read as the reload script's EventSource
    reads them."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        # The Host a browser sends: the preview answers no other (serve.HostGuard).
        request = f"GET /__cohub/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        self.sock.sendall(request.encode("ascii"))
        self.stream = self.sock.makefile("rb")
        while self.stream.readline() not in (b"\r\n", b""):
            pass  # the response's headers
        self.next()  # the build being served now

    def next(self) -> int:
        while True:
            line = self.stream.readline()
            if not line:
                raise SystemExit("the server closed its event stream")
            if line.startswith(b"data: "):
                return int(line[6:])

    def close(self) -> None:
        self.stream.close()
        self.sock.close()


def timed(port: int, events: BuildEvents, path: Path, text: str, marker: str) -> float:
    """Write `text` to `path`, then wait for builds until the idea's page shows `marker`."""
    url = f"/ideas/{path.stem}/"
    start = time.perf_counter()
    path.write_text(text, encoding="utf-8")
    while True:
        events.next()
        if marker in fetch(port, url):
            return time.perf_counter() - start
        if time.perf_counter() - start > TIMEOUT:
            raise SystemExit(f"{path.name}: the edit was not served within {TIMEOUT} s")


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--graph-edits", type=int, default=3)
    args = parser.parse_args()
    os.environ["SOURCE_DATE_EPOCH"] = "1795305600"
    with tempfile.TemporaryDirectory() as tmp:
        root = write_hub(Path(tmp), args.ideas)
        with socket.socket() as probe:  # a free port, handed to the server
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", "--root", str(root), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        start = time.perf_counter()
        while True:
            try:
                fetch(port, "/")
                break
            except OSError:
                if server.poll() is not None or time.perf_counter() - start > TIMEOUT:
                    raise SystemExit("the preview did not start") from None
                time.sleep(0.1)
        startup = time.perf_counter() - start
        time.sleep(5)  # the server indexes the first build after serving it
        events = BuildEvents(port)
        targets = one_of_each_status(root)
        originals = {path: path.read_text(encoding="utf-8") for _, path in targets}
        by_status: dict[str, list[float]] = {}
        for n in range(args.edits):
            status, path = targets[n % len(targets)]
            marker = f"Edited title {n}"
            text = originals[path].replace('title: "', f'title: "{marker} ', 1)
            by_status.setdefault(status, []).append(timed(port, events, path, text, marker))
        answers = []
        for n in range(args.graph_edits):
            time.sleep(3)  # after a new graph the server tidies up; a person pauses too
            _, path = targets[n % len(targets)]
            text = path.read_text(encoding="utf-8")
            note = f"Answer number {n}"
            head, _, body = text.partition("\n---\n")
            if "updates:" not in head:
                head += "\nupdates:"
            head += (
                f"\n  - date: 2026-11-20\n    status: planned\n    by: person-1\n    note: {note}"
            )
            answers.append(timed(port, events, path, head + "\n---\n" + body, note))
        events.close()
        server.terminate()
        server.wait(TIMEOUT)
    rewording = [t for times in by_status.values() for t in times]
    print(f"synthetic hub: {args.ideas} ideas; first build and start {startup:.1f} s")
    print(f"  reword a title -> page served ({len(rewording)} edits): {summary(rewording)}")
    for status, times in by_status.items():
        print(f"    {status:<13} {summary(times)}")
    if answers:
        print(f"  answer an idea -> page served ({len(answers)} edits): {summary(answers)}")


if __name__ == "__main__":
    main()
