"""Write: stage the whole site beside the output folder, then swap it in by renames.

A reader (Netlify's deploy, a browser on `cohub serve`) or a crash at any moment sees
either the old site or the new one, never a mix; a failed build leaves the old one
untouched. The output folder is replaced only when a previous build marked it as
cohub's, so a mistyped `--out` cannot delete someone's folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from .errors import UsageError

MARKER = ".cohub-build"
MARKER_TEXT = "This folder is written by cohub build and replaced whole by the next build.\n"


def check_out_dir(root: Path, out: Path) -> None:
    """Refuse output folders that would destroy sources or someone else's files."""
    root, out = root.resolve(), out.resolve()
    protected = {
        root: "the hub root",
        root / "content": "content/",
        root / "templates": "templates/",
    }
    for path, name in protected.items():
        if out == path or path.is_relative_to(out):
            raise UsageError(
                f"--out {out} would replace {name}; choose a folder such as {root / 'site'}"
            )
        if out.is_relative_to(path) and path != root:
            raise UsageError(
                f"--out {out} is inside {name}, which cohub reads; choose another folder"
            )
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(
            f"--out {out} is not empty and was not written by cohub; "
            "empty it or choose another folder (cohub replaces its output whole)"
        )


class Staging:
    """A temporary folder that becomes the output folder on `commit()`.

    Use as a context manager: leaving the block without committing (an exception, a
    Ctrl-C) removes the staged files and leaves the output as it was.
    """

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.prefix = f".{self.out.name}.cohub-"
        _remove_leftovers(self.out.parent, self.prefix)
        self.path = Path(tempfile.mkdtemp(prefix=self.prefix + "new-", dir=self.out.parent))
        self.files = 0
        self.committed = False

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc) -> None:
        if not self.committed:
            shutil.rmtree(self.path, ignore_errors=True)

    def write(self, rel: str, data: bytes | str) -> None:
        """Write one file, refusing any path that would land outside the folder."""
        target = self.path / safe_relative(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        target.write_bytes(data)
        self.files += 1

    def commit(self) -> None:
        """Swap the staged folder in. Where the kernel can exchange two paths in one
        step (Linux renameat2), it does; elsewhere the old folder is moved aside and
        the new one renamed in its place, which leaves no moment of a mixed site."""
        (self.path / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        os.chmod(self.path, 0o755)  # mkdtemp makes it private; a web server must read it
        if self.out.exists():
            if not _exchange(self.path, self.out):
                aside = Path(tempfile.mkdtemp(prefix=self.prefix + "old-", dir=self.out.parent))
                os.rename(self.out, aside / "site")
                os.rename(self.path, self.out)
                self.path = aside
            shutil.rmtree(self.path, ignore_errors=True)
        else:
            os.rename(self.path, self.out)
        self.committed = True


def safe_relative(rel: str) -> PurePosixPath:
    """`rel` as a path that cannot escape its folder (no absolute path, no `..`)."""
    parts = rel.split("/")
    if any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    return PurePosixPath(*parts)


def _remove_leftovers(parent: Path, prefix: str) -> None:
    """A build killed mid-way leaves its staging folder behind; the next one tidies."""
    for entry in parent.glob(prefix + "*"):
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders with renameat2(RENAME_EXCHANGE); False where the
    platform or file system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name or not hasattr(os, "O_DIRECTORY"):
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
