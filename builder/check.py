"""`cohub check`: validate a hub for a pull request and report every problem at once."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from .engine.cache import Cache, Files
from .errors import as_json
from .forms import form_problems
from .languages import check_language
from .pipeline import read_hub
from .render import theme_environment
from .templating import check_templates


def run_check(
    root: Path,
    *,
    format: str = "text",
    strict: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Print diagnostics in `format`; return the exit status (1 on errors, or on
    warnings with `strict`)."""
    out, err = out or sys.stdout, err or sys.stderr
    # Items a build validated are taken from its cache (read only: check writes nothing).
    files = Files(Cache(root).load_items())
    reading = read_hub(root, drafts=True, environ=environ, files=files)
    config = reading.config
    if config is not None and "products" not in config.broken:
        form_problems(root, config.products, reading.problems)
    env = theme_environment(root)
    check_templates(env, reading.problems)  # what the build will render
    if config is not None:
        check_language(root, config.language, config.language_at, env, reading.problems)
    diagnostics = reading.problems.sorted()
    if format == "json":
        print(as_json(diagnostics), file=out)
    elif format == "github":
        prefix = git_prefix(root)
        for diagnostic in diagnostics:
            print(diagnostic.github(prefix), file=out)
    else:
        for diagnostic in diagnostics:
            print(diagnostic.text(), file=out)
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    print(summary(errors, warnings, len(reading.items)), file=err)
    return 1 if errors or (strict and warnings) else 0


def summary(errors: int, warnings: int, files: int) -> str:
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return (
        f"{count(errors, 'error')}, {count(warnings, 'warning')} in {count(files, 'content file')}"
    )


def git_prefix(root: Path) -> str:
    """The hub root relative to its git work tree, because GitHub annotations want
    paths from the repository top (a hub may live in a subfolder)."""
    root = root.resolve()
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            rel = root.relative_to(folder).as_posix()
            return "" if rel == "." else rel
    return ""
