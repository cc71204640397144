"""The `cohub` command line: parse arguments, run a command, map outcomes to exit codes.

Exit status: 0 success, 1 content errors, 2 usage errors (SPEC §6). Content problems
are diagnostics, never tracebacks; an unexpected exception is a bug in cohub and says
so, with the traceback only under --debug.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from . import __version__
from .build import build
from .check import run_check
from .clock import build_date
from .config import CONFIG_FILE
from .errors import UsageError
from .init_hub import add_parser as add_init_parser
from .init_hub import run as run_init
from .intake import intake
from .render import plural
from .scaffold import NEW_KINDS, run_new
from .serve import serve

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 70


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root", type=Path, default=Path("."), help="the hub's root folder (default: .)"
    )
    common.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")

    main = argparse.ArgumentParser(
        prog="cohub",
        description="Build a co-creation hub: ideas, answers, feedback rounds and changelogs.",
    )
    main.add_argument("--version", action="version", version=f"cohub {__version__}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check", parents=[common], help="validate content (for pull requests)"
    )
    check.add_argument("--format", choices=("text", "github", "json"), default="text")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")

    build = commands.add_parser("build", parents=[common], help="build the site")
    build.add_argument("--out", type=Path, help="output folder (default: ROOT/site)")
    build.add_argument("--drafts", action="store_true", help="include drafts")
    build.add_argument("--base-url", help="publish under this URL (deploy previews)")
    build.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="render with N processes (default: one per available core)",
    )
    build.add_argument("--timings", action="store_true", help="print each stage's time")
    build.add_argument(
        "--no-search",
        action="store_true",
        help="skip the search index (Pagefind); /search/ then says search is off",
    )
    build.add_argument(
        "--no-cache",
        action="store_true",
        help="build from scratch: neither read nor write .cohub-cache/",
    )

    serve = commands.add_parser("serve", parents=[common], help="live-reloading preview")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)"
    )
    serve.add_argument("--drafts", action="store_true", help="include drafts")

    new = commands.add_parser(
        "new", parents=[common], help="scaffold a content file, or answer an idea (new update)"
    )
    new.add_argument("kind", choices=NEW_KINDS)
    new.add_argument(
        "title", help="the title (for a person: their name; for an update: the idea's slug)"
    )
    new.add_argument("--author", help="the handle of who raised the idea (required for an idea)")
    new.add_argument("--status", help="update: the idea's status from now on")
    new.add_argument("--by", help="update: the handle of who answers")
    new.add_argument(
        "--note", help="update: the answer, in Markdown (--note=TEXT if it starts with -)"
    )
    new.add_argument("--date", help="update: its date (default: the build date)")

    intake = commands.add_parser(
        "intake", parents=[common], help="an accepted GitHub issue-form submission → a change"
    )
    intake.add_argument("event", type=Path, metavar="EVENT.json", help="the issues event payload")

    add_init_parser(commands)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args)
    except UsageError as exc:
        print(f"cohub: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug in cohub, not in the content
        if args.debug:
            traceback.print_exc()
        else:
            print(
                f"cohub: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
                file=sys.stderr,
            )
        return EXIT_BUG


def run(args: argparse.Namespace) -> int:
    if args.command == "init":  # no --root: its folder is its argument
        return run_init(args)
    root: Path = args.root
    if not root.is_dir():
        raise UsageError(f"--root {root}: no such folder")
    if args.command == "check":
        return run_check(root, format=args.format, strict=args.strict)
    if args.command == "build":
        return run_build(args)
    if args.command == "serve":
        if not (root / CONFIG_FILE).is_file():
            raise UsageError(
                f"no {CONFIG_FILE} in {root}: run cohub serve from a hub's root or pass --root"
            )
        return serve(root, host=args.host, port=args.port, drafts=args.drafts)
    if args.command == "new":
        if not (root / CONFIG_FILE).is_file():
            raise UsageError(
                f"no {CONFIG_FILE} in {root}: run cohub new from a hub's root or pass --root"
            )
        return run_new(root, args, build_date())
    if args.command == "intake":
        if not (root / CONFIG_FILE).is_file():
            raise UsageError(
                f"no {CONFIG_FILE} in {root}: run cohub intake from a hub's root or pass --root"
            )
        return intake(root, args.event)
    raise UsageError(f"unknown command {args.command}")


def cores() -> int:
    """The cores this process may run on (a CI container may have fewer than the
    machine), which is how many render processes a build uses by default."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_build(args: argparse.Namespace) -> int:
    jobs = cores() if args.jobs is None else args.jobs
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, found {jobs}")
    result = build(
        args.root,
        args.out,
        drafts=args.drafts,
        base_url=args.base_url,
        jobs=jobs,
        cache=not args.no_cache,
        search=not args.no_search,
        progress=sys.stderr,
    )
    if args.timings:
        for stage, seconds in result.timings:
            print(f"cohub: {seconds:8.3f} s  {stage}", file=sys.stderr)
    diagnostics = result.problems.sorted()
    for diagnostic in diagnostics:
        print(diagnostic.text(), file=sys.stderr)
    if not result.ok:
        errors = len(result.problems.errors)
        print(
            f"cohub: {plural(errors, 'error')}: nothing was written, {result.out} is as it was",
            file=sys.stderr,
        )
        return EXIT_CONTENT
    print(f"cohub: {result.summary()}", file=sys.stderr)
    return EXIT_OK
