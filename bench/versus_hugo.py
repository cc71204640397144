"""cohub against Hugo on the shared corpus, in the terms the performance targets use.

    python bench/versus_hugo.py [--ideas 1000,10000] [--runs 3] [--minutes 20] [--jobs N] [--keep]

For each size, the same documents (shared/bench/, see corpus.py) are built by Hugo
and by cohub, each as its user runs it, as a subprocess:

- Hugo's cold build: `hugo --source … --destination EMPTY --cacheDir FRESH --quiet`
  (a fresh cache folder each run, so nothing Hugo kept makes it warm).
- cohub's cold build: `cohub build --root … --out …` with its defaults, the output
  folder and the hub's `.cohub-cache/` deleted first.
- no-op rebuild: the same command again, with the output (and any cache) in place.
- one idea edited: one idea's text changed (differently each run), then a rebuild.
- `cohub check --root …`.

Every ratio is to Hugo's cold build of the same documents. Machine speed drifts (and
other work shares this machine), so the builders alternate within each run -- Hugo,
cohub cold, cohub no-op, Hugo, cohub edit, cohub check -- each cohub figure is paired
with the Hugo build just before it, and a ratio is the median of those pair-by-pair
ratios. Memory is the largest single process of each command's process tree (the
ru_maxrss that wait4 reports: the process or any of its reaped children, such as
`--jobs` workers), paired the same way. Disk reads come from the page cache for both.
Every size runs once, smallest first, then again pass after pass up to `--runs`; a run
expected (from its size's last run) to end past `--minutes` is skipped, so the report
says how many runs each size had. The table is printed and saved to bench/out/report.md.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from corpus import EDIT_MARK, OUT, REPO, corpus, edited_idea, restore_edit

#: (key, scenario, target ratio to Hugo's cold build)
SCENARIOS = (
    ("cold", "cold build (no cache, empty output)", 0.8),
    ("noop", "no-op rebuild", 0.15),
    ("edit", "one idea edited, rebuild", 0.2),
    ("check", "`cohub check`", 0.2),
)
MEMORY_TARGET = 0.25
#: A fixed build day, so the same corpus gives the same site on any day.
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1795305600"}
MIB = 1024 * 1024


@dataclass(frozen=True)
class Run:
    seconds: float
    rss: int  # bytes: the largest single process of the command's tree


@dataclass
class Size:
    ideas: int
    hugo: list[Run] = field(default_factory=list)
    #: scenario -> [(cohub run, the Hugo run it is paired with)]
    pairs: dict[str, list[tuple[Run, Run]]] = field(default_factory=dict)
    outputs: dict[str, tuple[int, int]] = field(default_factory=dict)  # files, bytes
    summary: str = ""

    def cohub(self, key: str) -> list[Run]:
        return [c for c, _ in self.pairs[key]]

    def seconds(self, key: str) -> float:
        return statistics.median(r.seconds for r in self.cohub(key))

    def ratio(self, key: str) -> float:
        return statistics.median(c.seconds / h.seconds for c, h in self.pairs[key])

    def memory_ratio(self) -> float:
        return statistics.median(c.rss / h.rss for c, h in self.pairs["cold"])


def cohub_command() -> list[str]:
    """`cohub` as installed beside this interpreter (the venv's console script)."""
    script = Path(sys.executable).with_name("cohub")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "builder"]


def timed(argv: list[str], log: Path) -> Run:
    """Run `argv` to completion, its output to `log`; its wall time and peak RSS."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=ENV)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        raise SystemExit(f"{' '.join(argv)} exited with {code} ({log}):\n" + "\n".join(tail))
    return Run(seconds, usage.ru_maxrss * 1024)  # Linux reports KiB


def tree_size(folder: Path) -> tuple[int, int]:
    files = size = 0
    for parent, _, names in os.walk(folder):
        for name in names:
            files += 1
            size += os.lstat(os.path.join(parent, name)).st_size
    return files, size


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


class Sized:
    """One size's corpus, folders, commands and figures."""

    def __init__(self, ideas: int, jobs: int | None) -> None:
        self.hugo_src, self.hub = corpus(ideas)
        self.work = OUT / "runs" / str(ideas)
        remove(self.work)
        self.work.mkdir(parents=True)
        self.hugo_out, self.cohub_out = self.work / "hugo-site", self.work / "cohub-site"
        cohub = cohub_command()
        self.build = [*cohub, "build", "--root", str(self.hub), "--out", str(self.cohub_out)]
        if jobs:
            self.build += ["--jobs", str(jobs)]
        self.check = [*cohub, "check", "--root", str(self.hub)]
        self.idea = edited_idea(self.hub)
        self.original = self.idea.read_text(encoding="utf-8")
        self.size = Size(ideas, pairs={key: [] for key, *_ in SCENARIOS})
        self.label = f"{ideas:,} ideas"
        self.round_seconds = 0.0  # how long its last run took

    def restore(self, keep: bool) -> None:
        self.idea.write_text(self.original, encoding="utf-8")
        restore_edit(self.hub)
        if not keep:
            remove(self.work)


class Bench:
    def __init__(self, runs: int, jobs: int | None, keep: bool, minutes: float) -> None:
        self.runs, self.jobs, self.keep, self.budget = runs, jobs, keep, minutes * 60
        self.start = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def say(self, text: str) -> None:
        print(f"[{self.elapsed() / 60:5.1f} min] {text}", file=sys.stderr, flush=True)

    def measure(self, sizes: list[int]) -> list[Size]:
        """Every size once, smallest first; then again, pass after pass, each run that is
        expected (from its size's last run) to end within the budget."""
        sized: list[Sized] = []
        try:
            for ideas in sizes:
                sized.append(Sized(ideas, self.jobs))
            for n in range(self.runs):
                for one in sized:
                    if len(one.size.hugo) < 2 * n:
                        continue  # a run it skipped: the later ones would not fit either
                    if n and self.budget and self.elapsed() + one.round_seconds > self.budget:
                        self.say(f"{one.label}: run {n + 1} would end past the budget, skipped")
                        continue
                    started = time.perf_counter()
                    self.round(one, n)
                    one.round_seconds = time.perf_counter() - started
        finally:
            for one in sized:
                one.restore(self.keep)
        return [one.size for one in sized]

    def round(self, one: Sized, n: int) -> None:
        size, work, label = one.size, one.work, one.label

        def hugo() -> Run:
            remove(one.hugo_out)
            cache = work / "hugo-cache"
            remove(cache)  # a fresh cache folder: nothing Hugo kept makes it warm
            argv = ["hugo", "--source", str(one.hugo_src), "--destination", str(one.hugo_out)]
            run = timed([*argv, "--cacheDir", str(cache), "--quiet"], work / "hugo.log")
            remove(cache)
            size.hugo.append(run)
            self.say(f"{label}: hugo cold build {run.seconds:7.2f} s {run.rss / MIB:6.0f} MiB")
            return run

        def cohub(key: str, argv: list[str], paired: Run) -> None:
            run = timed(argv, work / f"cohub-{key}.log")
            size.pairs[key].append((run, paired))
            self.say(
                f"{label}: cohub {key:<5}       {run.seconds:7.2f} s {run.rss / MIB:6.0f} MiB"
                f"  ({run.seconds / paired.seconds:.2f}x Hugo)"
            )

        self.say(f"{label}: run {n + 1} of {self.runs}")
        paired = hugo()
        if n == 0:
            size.outputs["Hugo"] = tree_size(one.hugo_out)
        remove(one.cohub_out)
        remove(one.hub / ".cohub-cache")
        cohub("cold", one.build, paired)
        if n == 0:
            size.outputs["cohub"] = tree_size(one.cohub_out)
            logged = (work / "cohub-cold.log").read_text(encoding="utf-8").splitlines()
            size.summary = next((s for s in reversed(logged) if " built " in s), "")
        cohub("noop", one.build, paired)
        paired = hugo()
        one.idea.write_text(f"{one.original}{EDIT_MARK}{n + 1}.\n", encoding="utf-8")
        cohub("edit", one.build, paired)
        cohub("check", one.check, paired)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def yes(met: bool) -> str:
    return "yes" if met else "**no**"


def code_state() -> str:
    """The commit cohub runs from, and whether its code has uncommitted changes."""
    git = ["git", "-C", str(REPO)]
    commit = subprocess.run(
        [*git, "log", "-1", "--format=%h %cs"], capture_output=True, text=True
    ).stdout.strip()
    diff = subprocess.run(
        [*git, "diff", "HEAD", "--", "builder", "templates"], capture_output=True
    ).stdout
    new = subprocess.run(
        [*git, "ls-files", "--others", "--exclude-standard", "--", "builder", "templates"],
        capture_output=True,
    ).stdout
    if not diff and not new:
        return commit
    changed = hashlib.sha256(diff + new).hexdigest()[:8]
    return f"{commit} with uncommitted changes ({changed})"


def report(sizes: list[Size], args: argparse.Namespace, minutes: float, code: str) -> str:
    runs, jobs = args.runs, args.jobs
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout
    budget = f", as a {args.minutes:g}-minute budget allows" if args.minutes else ""
    command = "cohub build" + (f" --jobs {jobs}" if jobs else "") + " (defaults)"
    lines = [
        f"# cohub versus Hugo, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"cohub at {code}, run as `{command}`;"
        f" {hugo_version.split(' BuildDate')[0].strip()}; Python {platform.python_version()},"
        f" {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end;"
        f" up to {plural(runs, 'run')} per size{budget}; {minutes:.0f} min in all.",
        "Each ratio is the median of pair-by-pair ratios to the Hugo cold build run just"
        " before (the builders alternate); medians are over runs.",
    ]
    for size in sizes:
        hugo_s = statistics.median(r.seconds for r in size.hugo)
        hugo_rss = statistics.median(r.rss for r in size.hugo)
        lines += [
            "",
            f"## {size.ideas:,} ideas ({plural(len(size.hugo) // 2, 'run')})",
            "",
            "| scenario | cohub median (s) | Hugo cold median (s) | ratio | target | met? |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for key, name, target in SCENARIOS:
            ratio = size.ratio(key)
            lines.append(
                f"| {name} | {size.seconds(key):.2f} | {hugo_s:.2f} | {ratio:.2f}x"
                f" | ≤ {target}x | {yes(ratio <= target)} |"
            )
        cold_rss = statistics.median(r.rss for r in size.cohub("cold"))
        memory = size.memory_ratio()
        lines.append(
            f"| peak memory, cold build (MiB) | {cold_rss / MIB:.0f} | {hugo_rss / MIB:.0f}"
            f" | {memory:.2f}x | ≤ {MEMORY_TARGET}x | {yes(memory <= MEMORY_TARGET)} |"
        )
        others = ", ".join(
            f"{key} {statistics.median(r.rss for r in size.cohub(key)) / MIB:.0f} MiB"
            for key, *_ in SCENARIOS[1:]
        )
        lines += ["", f"cohub's peak memory in the other scenarios: {others}."]
        outputs = "; ".join(
            f"{who} {files:,} files, {nbytes / 1e6:,.1f} MB ({nbytes:,} bytes)"
            for who, (files, nbytes) in size.outputs.items()
        )
        lines += [f"Output of a cold build: {outputs}."]
        if size.summary:
            lines.append(f"cohub's own summary of its first cold build: `{size.summary.strip()}`")
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        linear = large.ideas / small.ideas
        lines += [
            "",
            f"## Growth, {small.ideas:,} → {large.ideas:,} ideas ({linear:g}x the ideas)",
            "",
            "| scenario | cohub grows | Hugo cold grows | ratio to Hugo grows | linear or better? |",
            "|---|---:|---:|---:|---|",
        ]
        hugo_growth = statistics.median(r.seconds for r in large.hugo) / statistics.median(
            r.seconds for r in small.hugo
        )
        for key, name, _ in SCENARIOS:
            growth = large.seconds(key) / small.seconds(key)
            lines.append(
                f"| {name} | {growth:.2f}x | {hugo_growth:.2f}x"
                f" | {large.ratio(key) / small.ratio(key):.2f}x | {yes(growth <= linear)} |"
            )
        cohub_rss = [statistics.median(r.rss for r in s.cohub("cold")) for s in (small, large)]
        hugo_rss = [statistics.median(r.rss for r in s.hugo) for s in (small, large)]
        growth = cohub_rss[1] / cohub_rss[0]
        lines.append(
            f"| peak memory, cold build | {growth:.2f}x | {hugo_rss[1] / hugo_rss[0]:.2f}x"
            f" | {large.memory_ratio() / small.memory_ratio():.2f}x | {yes(growth <= linear)} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", default="1000,10000", help="sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs of every scenario per size")
    parser.add_argument("--jobs", type=int, help="pass --jobs N to cohub build (default: none)")
    parser.add_argument(
        "--minutes",
        type=float,
        default=20,
        help="start no run expected to end later than this; every size runs once (0: no limit)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the outputs in bench/out/runs/")
    args = parser.parse_args()
    sizes = [int(n.replace("_", "")) for n in args.ideas.split(",")]
    if args.runs < 1 or any(n < 1 for n in sizes):
        parser.error("--runs and every size must be at least 1")
    if shutil.which("hugo") is None:
        raise SystemExit(
            "hugo is not installed: `make bench` installs Debian's hugo when run as root;"
            " otherwise run `sudo apt-get install hugo` (or put any hugo on PATH)"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / ".lock", "w") as lock:  # one benchmark at a time on this machine
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("waiting for another benchmark to finish ...", file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        code = code_state()
        bench = Bench(args.runs, args.jobs, args.keep, args.minutes)
        measured = bench.measure(sizes)
        minutes = bench.elapsed() / 60
    if (now := code_state()) != code:
        code = f"{code}, then {now}: the code changed during the run"
    text = report(measured, args, minutes, code)
    (OUT / "report.md").write_text(text, encoding="utf-8")
    print(text)
    print(f"(saved to {OUT / 'report.md'})", file=sys.stderr)


if __name__ == "__main__":
    main()
