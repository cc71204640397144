"""Where a build's time goes: each stage's median over runs and its share, in process.

    python bench/build_stages.py [--ideas 1000] [--runs 3] [--synthetic] [--profile [--top 20]]

On the shared corpus (the documents `versus_hugo.py` builds, see corpus.py), or with
`--synthetic` on the small-bodied hub of synthetic.py. Reports read (load + validate
+ model), renderer setup, page rendering and feed generation separately, then a whole
`build()` into an empty folder: what it takes beyond those stages (template checks,
writing, the swap) is shown as the rest. `--profile` also runs one cold `cohub build`
under cProfile and prints the top functions by cumulative time (the profile is saved in
bench/out/ for `python -m pstats`).
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import OUT, corpus
from synthetic import write_hub

from builder.build import build
from builder.engine.revision import Revision
from builder.pipeline import read_hub
from builder.render import Renderer
from builder.urls import plan

ENV = {"SOURCE_DATE_EPOCH": "1795305600"}


def run_once(root: Path, out: Path) -> dict[str, float]:
    times = {}
    t0 = time.perf_counter()
    reading = read_hub(root, environ=ENV)
    t1 = time.perf_counter()
    routes = plan(reading.hub)
    renderer = Renderer(Revision(reading.hub), routes, root, reading.hub.config.base_url)
    t2 = time.perf_counter()
    pages = [r for r in routes if r.kind not in ("atom", "rss")]
    feeds = [r for r in routes if r.kind in ("atom", "rss")]
    for route in pages:
        renderer.render(route)
    t3 = time.perf_counter()
    for route in feeds:
        renderer.render(route)
    t4 = time.perf_counter()
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(root / ".cohub-cache", ignore_errors=True)  # a cold build
    result = build(root, out, environ=ENV)
    t5 = time.perf_counter()
    if not result.ok:
        raise SystemExit(f"the build failed: {result.problems.sorted()[:5]}")
    times["read (load, validate, model)"] = t1 - t0
    times["renderer setup"] = t2 - t1
    times[f"render {len(pages)} pages"] = t3 - t2
    times[f"generate {len(feeds)} feeds (events included)"] = t4 - t3
    times["whole build()"] = t5 - t4
    return times


def profile(root: Path, out: Path, ideas: int, top: int) -> None:
    """One cold `cohub build` in a fresh interpreter under cProfile, as a user runs it."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(root / ".cohub-cache", ignore_errors=True)
    saved = OUT / f"profile-{ideas}.prof"
    saved.parent.mkdir(parents=True, exist_ok=True)
    command = ["-m", "builder", "build", "--root", str(root), "--out", str(out)]
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(saved), *command],
        env={**os.environ, **ENV},
        stderr=subprocess.DEVNULL,
        check=True,
    )
    text = io.StringIO()
    stats = pstats.Stats(str(saved), stream=text).strip_dirs().sort_stats("cumulative")
    stats.print_stats(top)
    print(f"\ncProfile of one cold `cohub build`, top {top} by cumulative time ({saved}):")
    print(text.getvalue().split("\n", 3)[-1].rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--synthetic", action="store_true", help="synthetic.py's hub instead")
    parser.add_argument("--profile", action="store_true", help="and one cold build in cProfile")
    parser.add_argument("--top", type=int, default=20, help="functions the profile lists")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.synthetic:
            root, name = write_hub(Path(tmp) / "hub", args.ideas), "synthetic hub"
        else:
            root, name = corpus(args.ideas)[1], "shared corpus"
        out = Path(tmp) / "site"
        runs = [run_once(root, out) for _ in range(args.runs)]
        if args.profile:
            profile(root, out, args.ideas, args.top)
    medians = {name: statistics.median(r[name] for r in runs) for name in runs[0]}
    whole = medians.pop("whole build()")
    staged = sum(medians.values())
    medians["the rest of build() (checks, writing, swap)"] = max(0.0, whole - staged)
    print(f"\n{name}: {args.ideas:,} ideas, median of {args.runs} runs, in process")
    for stage, seconds in medians.items():
        print(f"  {stage:<44} {seconds:8.2f} s  {seconds / whole:6.1%}")
    print(f"  {'whole build()':<44} {whole:8.2f} s")
    feed_share = sum(v for k, v in medians.items() if "feeds" in k) / whole
    print(f"  feeds are {feed_share:.1%} of the build")


if __name__ == "__main__":
    main()
