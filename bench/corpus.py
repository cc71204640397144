"""The shared benchmark corpus (shared/bench/), generated once per size into bench/out/.

The same documents as a Hugo site and as a cohub hub, made by the shared folder's
`gen_corpus.py --flavor hugo` and `to_cohub.py`. Both are deterministic, so a corpus
is kept and reused until the scripts change (their hash is in the stamp file).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
SCRIPTS = ("gen_corpus.py", "to_cohub.py")
#: Appended to an idea's body by the edit scenario, and cut off again.
EDIT_MARK = "\nEdited by the benchmark, run "


def shared_bench() -> Path:
    """The shared folder's bench/: $COHUB_SHARED_BENCH, else shared/bench beside the
    repository or beside any folder above it (/work/shared for /work/main)."""
    if override := os.environ.get("COHUB_SHARED_BENCH"):
        candidates = [Path(override)]
    else:
        candidates = [parent / "shared" / "bench" for parent in REPO.parents]
        candidates.append(Path("/work/shared/bench"))
    for folder in candidates:
        if all((folder / name).is_file() for name in SCRIPTS):
            return folder
    raise SystemExit(
        "the shared benchmark corpus scripts (gen_corpus.py, to_cohub.py) were not found in "
        + ", ".join(str(c) for c in candidates)
        + ": lay the shared folder beside the repository or set COHUB_SHARED_BENCH"
    )


def corpus(ideas: int, log=sys.stderr) -> tuple[Path, Path]:
    """(Hugo site, cohub hub) of the corpus with `ideas` documents, generated when it
    is missing or was made by other scripts."""
    shared = shared_bench()
    digest = hashlib.sha256()
    for name in SCRIPTS:
        digest.update((shared / name).read_bytes())
    stamp_text = f"{ideas} {digest.hexdigest()}\n"
    folder = OUT / "corpus" / str(ideas)
    stamp = folder / "stamp"
    hugo, hub = folder / "hugo", folder / "cohub"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == stamp_text:
        restore_edit(hub)
        return hugo, hub
    print(f"generating the {ideas:,}-idea corpus into {folder} ...", file=log, flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    partial = folder.with_name(f"{ideas}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    run = [sys.executable, "-X", "utf8"]
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    gen = [str(shared / "gen_corpus.py"), "--flavor", "hugo", "-n", str(ideas)]
    subprocess.run([*run, *gen, str(partial / "hugo")], **quiet)
    to_cohub = [str(shared / "to_cohub.py"), str(partial / "hugo"), str(partial / "cohub")]
    subprocess.run([*run, *to_cohub], **quiet)
    (partial / "stamp").write_text(stamp_text, encoding="utf-8")
    partial.rename(folder)  # only a whole corpus is ever reused
    return hugo, hub


def edited_idea(hub: Path) -> Path:
    """The idea the edit scenario rewrites: the middle one, by name."""
    ideas = sorted((hub / "content" / "ideas").glob("*.md"))
    return ideas[len(ideas) // 2]


def restore_edit(hub: Path) -> None:
    """Undo an edit an interrupted run left in the corpus."""
    path = edited_idea(hub)
    text = path.read_text(encoding="utf-8")
    if EDIT_MARK in text:
        path.write_text(text[: text.index(EDIT_MARK)], encoding="utf-8")
