"""Edit -> updated page served, for `cohub serve` on a synthetic hub.

    python bench/serve_latency.py [--ideas 10000] [--edits 10]

Starts the preview on a free loopback port, then repeatedly rewrites one idea's
title and polls its page until the new title is served; reports the median and p95
of those times (the watcher's wait included, as a marketer would feel it).
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from synthetic import write_hub

from builder.serve import serve

TIMEOUT = 600


def fetch(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode("utf-8")
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    os.environ["SOURCE_DATE_EPOCH"] = "1795305600"
    with tempfile.TemporaryDirectory() as tmp:
        root = write_hub(Path(tmp), args.ideas)
        ready, stop, port = threading.Event(), threading.Event(), []
        log = io.StringIO()

        def started(bound: int) -> None:
            port.append(bound)
            ready.set()

        thread = threading.Thread(
            target=serve,
            args=(root,),
            kwargs={"port": 0, "out": log, "on_ready": started, "stop": stop},
        )
        thread.start()
        if not ready.wait(TIMEOUT):
            raise SystemExit("the preview did not start")
        time.sleep(0.5)
        target = root / "content/ideas/idea-00001.md"
        original = target.read_text(encoding="utf-8")
        times = []
        for n in range(args.edits):
            marker = f"Edited title {n}"
            start = time.perf_counter()
            target.write_text(
                original.replace('title: "', f'title: "{marker} ', 1), encoding="utf-8"
            )
            while marker not in fetch(port[0], "/ideas/idea-00001/"):
                if time.perf_counter() - start > TIMEOUT:
                    raise SystemExit(f"edit {n} was not served within {TIMEOUT} s")
                time.sleep(0.005)
            times.append(time.perf_counter() - start)
        stop.set()
        thread.join(TIMEOUT)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"synthetic hub: {args.ideas} ideas, {args.edits} edits of one idea's title")
    print(
        f"  edit -> updated page served: median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
