"""Build stages on a synthetic hub: medians over runs, and each stage's share.

    python bench/build_stages.py [--ideas 10000] [--runs 3]

Reports read (load + validate + model), page rendering and feed generation
separately, so the cost of feeds is visible as a share of the whole build.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from synthetic import write_hub

from builder.pipeline import read_hub
from builder.render import Renderer
from builder.urls import plan

ENV = {"SOURCE_DATE_EPOCH": "1795305600"}


def run_once(root: Path) -> dict[str, float]:
    times = {}
    t0 = time.perf_counter()
    reading = read_hub(root, environ=ENV)
    t1 = time.perf_counter()
    routes = plan(reading.hub)
    renderer = Renderer(reading.hub, routes, root, reading.hub.config.base_url)
    t2 = time.perf_counter()
    pages = [r for r in routes if r.kind not in ("atom", "rss")]
    feeds = [r for r in routes if r.kind in ("atom", "rss")]
    for route in pages:
        renderer.render(route)
    t3 = time.perf_counter()
    for route in feeds:
        renderer.render(route)
    t4 = time.perf_counter()
    times["read (load, validate, model)"] = t1 - t0
    times["renderer setup"] = t2 - t1
    times[f"render {len(pages)} pages"] = t3 - t2
    times[f"generate {len(feeds)} feeds (events included)"] = t4 - t3
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = write_hub(Path(tmp), args.ideas)
        runs = [run_once(root) for _ in range(args.runs)]
    medians = {name: statistics.median(r[name] for r in runs) for name in runs[0]}
    total = sum(medians.values())
    print(f"synthetic hub: {args.ideas} ideas, median of {args.runs} runs")
    for name, seconds in medians.items():
        print(f"  {name:<36} {seconds:8.2f} s  {seconds / total:6.1%}")
    feed_share = sum(v for k, v in medians.items() if "feeds" in k) / total
    print(f"  {'total':<36} {total:8.2f} s")
    print(f"  feeds are {feed_share:.1%} of the build")


if __name__ == "__main__":
    main()
