"""Search (SPEC §9): Pagefind indexes the built site, after the write stage.

It hangs off the pipeline like the feeds do: it reads the pages the render stage
wrote into the staging folder, and what it indexes is marked by the templates
themselves (`data-pagefind-body` on the pages worth finding, `data-pagefind-filter`
for section, status and product), so a hub's own theme decides what search finds.
The index goes into `pagefind/` of the staged site before it is swapped in, so a
site and its index are always of the same build.

Pagefind comes as a Python package that ships its binary (`pagefind[bin]`), so a
hub needs nothing but pip; its UI files (`pagefind-ui.js`, `pagefind-ui.css`) are
written by the same binary into the same folder, and nothing is loaded from
another host.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .errors import UsageError

#: Where the index lives in the site (`urls.RESERVED` keeps it from content).
FOLDER = "pagefind"

#: Indexing 10,000 pages takes seconds; a binary that hangs must not hold the
#: output's lock for ever.
TIMEOUT = 600


class SearchError(UsageError):
    """The index could not be made: what happened, in one line, exit 2 like what
    cannot be written, since the fix is in the machine, not in the content."""


def executable() -> Path:
    """The Pagefind binary of the installed `pagefind_bin` package."""
    try:
        import pagefind_bin
    except ImportError as exc:
        raise SearchError(
            "Pagefind is not installed (pip install 'pagefind[bin]'), or build with --no-search"
        ) from exc
    try:
        return pagefind_bin.get_executable()
    except (FileNotFoundError, OSError) as exc:
        raise SearchError(f"Pagefind's binary is missing from its package ({exc})") from exc


def index(site: Path, language: str) -> int:
    """Index the HTML pages of `site` into `site/pagefind/`; returns how many
    pages were indexed. `language` is the hub's, forced so that every page is one
    index (a page's own `lang` cannot split the hub's search in two)."""
    command = [
        str(executable()),
        "--site",
        str(site),
        "--output-subdir",
        FOLDER,
        "--force-language",
        language.split("-")[0].lower() or "en",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise SearchError(f"Pagefind did not finish indexing within {TIMEOUT} s") from exc
    except OSError as exc:
        raise SearchError(f"Pagefind could not be started: {exc}") from exc
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise SearchError(
            f"Pagefind failed to index the site (exit {done.returncode}): "
            + (said[-1] if said else "no message")
        )
    return _indexed(done.stdout)


def _indexed(log: str) -> int:
    """The page count from Pagefind's summary ("Indexed 120 pages")."""
    for line in log.splitlines():
        words = line.split()
        if len(words) == 3 and words[0] == "Indexed" and words[2] in ("page", "pages"):
            return int(words[1])
    return 0
