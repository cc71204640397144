"""Write: stage the whole site beside the output folder, then swap it in by renames.

A reader (Netlify's deploy, a browser on `cohub serve`) or a crash at any moment sees
either the old site or the new one, never a mix; a failed build leaves the old one
untouched. The output folder is replaced only when a previous build marked it as
cohub's, so a mistyped `--out` cannot delete someone's folder, and never through a
link in the hub that leads outside it.

One build writes an output at a time (SPEC §7): a `Staging` holds a lock beside the
output from before it tidies leftovers until it has committed or given up, so a second
build of the same output waits for the first, and every staging folder it finds is a
dead build's. The kernel drops a killed build's lock, so none is ever stuck behind one.

What the file system refuses (a read-only or full disk, a permission, a name too long)
is a `WriteError`: one line naming the file, exit 2, the old site untouched.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path, PurePosixPath
from typing import TextIO

from .errors import UsageError, WriteError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: builds of one output are not serialised
    fcntl = None

MARKER = ".cohub-build"
MARKER_TEXT = "This folder is written by cohub build and replaced whole by the next build.\n"

#: How long a build waits for another build of the same output (SPEC §7).
LOCK_TIMEOUT = 600.0


def check_out_dir(root: Path, out: Path) -> None:
    """Refuse output folders that would destroy sources or someone else's files, or
    that a link in the hub would carry outside it."""
    _refuse_links_out(root, out)
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
    try:
        foreign = out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file()
    except OSError as exc:
        raise WriteError(f"cannot read --out {out}: {exc.strerror or exc}") from None
    if foreign:
        raise UsageError(
            f"--out {out} is not empty and was not written by cohub; "
            "empty it or choose another folder (cohub replaces its output whole)"
        )


def _refuse_links_out(root: Path, out: Path) -> None:
    """A `site` in the hub (or a folder on the way to `--out`) that is a symbolic link
    out of the hub would make the build write wherever a pull request points it. An
    `--out` named outside the hub is the caller's own choice, links and all."""
    top, path = Path(os.path.abspath(root)), Path(os.path.abspath(out))
    if not path.is_relative_to(top):
        return
    inside = top.resolve()
    current = top
    for part in path.relative_to(top).parts:
        current = current / part
        if current.is_symlink() and not current.resolve().is_relative_to(inside):
            raise UsageError(
                f"{current.relative_to(top).as_posix()} is a symbolic link to "
                f"{os.readlink(current)}, outside the hub: cohub does not write through it "
                f"(remove the link, or pass --out {current.resolve()} to build there)"
            )


def display(root: Path, out: Path) -> str:
    """The output folder as messages name it: from the hub root when inside it."""
    root, out = root.resolve(), out.resolve()
    return f"{out.relative_to(root).as_posix()}/" if out.is_relative_to(root) else f"{out}/"


class Staging:
    """A temporary folder that becomes the output folder on `commit()`.

    Use as a context manager: entering takes the output's lock (waiting up to `wait`
    seconds for another build, saying so once on `notice`); leaving the block without
    committing (an exception, a Ctrl-C) removes the staged files and leaves the output
    as it was. `shown` names the output in messages (`site/`).
    """

    def __init__(
        self,
        out: Path,
        *,
        shown: str | None = None,
        wait: float = LOCK_TIMEOUT,
        notice: TextIO | None = None,
    ) -> None:
        self.out = out.resolve()
        self.shown = shown or f"{self.out}/"
        self.prefix = f".{self.out.name}.cohub-"
        self.lock = OutputLock(self.out.parent / (self.prefix + "lock"), self.shown, wait, notice)
        self.path = self.out.parent / (self.prefix + "new")  # set on entering
        self.files = 0
        self.committed = False
        self._made: set[Path] = set()
        self._removal: threading.Thread | None = None

    def __enter__(self) -> Staging:
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(cannot_write(self.shown, exc)) from None
        self.lock.acquire()
        try:
            _remove_leftovers(self.out.parent, self.prefix)
            self.path = Path(tempfile.mkdtemp(prefix=self.prefix + "new-", dir=self.out.parent))
        except OSError as exc:
            self.lock.release()
            raise WriteError(cannot_write(self.shown, exc)) from None
        except BaseException:
            self.lock.release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self._removal is not None:
                self._removal.join()
            if not self.committed:
                shutil.rmtree(self.path, ignore_errors=True)
        finally:
            self.lock.release()

    def write(self, rel: str, data: bytes | str) -> None:
        """Write one file, refusing any path that would land outside the folder."""
        target = self.path / safe_relative(rel)
        if isinstance(data, str):
            data = data.encode("utf-8")
        try:
            self._folder(target.parent)
            target.write_bytes(data)
        except OSError as exc:
            raise WriteError(cannot_write(self.shown + rel, exc)) from None
        self.files += 1

    def _folder(self, folder: Path) -> None:
        """Make a folder of the staged site once: a site is tens of thousands of
        files in a few thousand folders, and asking again for each file costs."""
        if folder not in self._made:
            folder.mkdir(parents=True, exist_ok=True)
            self._made.add(folder)

    def link(self, rel: str, source: Path) -> None:
        """Put the file `source` (of the last site) at `rel` without writing it again:
        a hard link where the file system allows one, else a copy."""
        target = self.path / safe_relative(rel)
        try:
            self._folder(target.parent)
            try:
                os.link(source, target, follow_symlinks=False)
            except OSError:
                shutil.copyfile(source, target, follow_symlinks=False)
        except OSError as exc:
            raise WriteError(cannot_write(self.shown + rel, exc)) from None
        self.files += 1

    def commit(self) -> None:
        """Swap the staged folder in. Where the kernel can exchange two paths in one
        step (Linux renameat2), it does; elsewhere the old folder is moved aside and
        the new one renamed in its place, which leaves no moment of a mixed site (and,
        should the second rename fail, the old one is put back)."""
        try:
            (self.path / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            os.chmod(self.path, 0o755)  # mkdtemp makes it private; a web server must read it
            if self.out.exists():
                if not _exchange(self.path, self.out):
                    aside = Path(tempfile.mkdtemp(prefix=self.prefix + "old-", dir=self.out.parent))
                    os.rename(self.out, aside / "site")
                    try:
                        os.rename(self.path, self.out)
                    except OSError:
                        os.rename(aside / "site", self.out)
                        aside.rmdir()
                        raise
                    self.path = aside
                # The old site goes while the build finishes (its cache is written):
                # removing tens of thousands of files waits on the disk, not the CPU.
                # Gone before the lock is released (`__exit__`).
                self._removal = threading.Thread(
                    target=shutil.rmtree, args=(self.path,), kwargs={"ignore_errors": True}
                )
                self._removal.start()
            else:
                os.rename(self.path, self.out)
        except OSError as exc:
            raise WriteError(cannot_write(self.shown, exc)) from None
        self.committed = True


class OutputLock:
    """The lock that lets one build at a time write an output: `flock` on a file
    beside it (`.site.cohub-lock`), which the kernel releases when its holder exits,
    however it exits.

    The file is removed on release, so a finished build leaves nothing behind; a
    build that locked a file removed meanwhile sees that it is no longer the one at
    the path, and takes the new one instead."""

    POLL = 0.1  # seconds between attempts while another build holds the lock

    def __init__(self, path: Path, shown: str, wait: float, notice: TextIO | None) -> None:
        self.path, self.shown, self.wait, self.notice = path, shown, wait, notice
        self.fd: int | None = None

    def acquire(self) -> None:
        if fcntl is None:
            return
        deadline = time.monotonic() + self.wait
        told = False
        while True:
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                if not told:
                    print(
                        f"cohub: waiting for another build of {self.shown} to finish…",
                        file=self.notice or sys.stderr,
                        flush=True,
                    )
                    told = True
                if time.monotonic() >= deadline:
                    raise UsageError(
                        f"gave up after waiting {_duration(self.wait)} for another build of "
                        f"{self.shown} (let it finish, or stop it, then build again)"
                    ) from None
                time.sleep(self.POLL)
                continue
            if self._holds_the_path(fd):
                self.fd = fd
                return
            os.close(fd)  # the last holder removed this file as we locked it: again

    def release(self) -> None:
        if self.fd is None:
            return
        # Removed before unlocking (see _holds_the_path); a read-only folder keeps it.
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
        os.close(self.fd)
        self.fd = None

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            shown = PurePosixPath(self.shown.rstrip("/")).parent / self.path.name
            raise WriteError(cannot_write(str(shown), exc)) from None

    def _holds_the_path(self, fd: int) -> bool:
        try:
            now = os.stat(self.path)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)


def _duration(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{seconds:g} seconds"


#: What to do about what the file system refused, by errno.
_ADVICE = {
    errno.ENOSPC: "free some space, or build elsewhere with --out",
    errno.EROFS: "build elsewhere with --out",
    errno.EACCES: "let this user write there, or build elsewhere with --out",
    errno.EPERM: "let this user write there, or build elsewhere with --out",
    errno.ENAMETOOLONG: "shorten the name it comes from",
    errno.EBUSY: "a mount point cannot be replaced whole: point --out at a folder inside it",
}
if hasattr(errno, "EDQUOT"):
    _ADVICE[errno.EDQUOT] = _ADVICE[errno.ENOSPC]


def cannot_write(shown: str, exc: OSError) -> str:
    """`cannot write site/x/index.html: No space left on device (free some space, …)`."""
    advice = _ADVICE.get(exc.errno or 0)
    return f"cannot write {shown}: {exc.strerror or exc}" + (f" ({advice})" if advice else "")


def safe_relative(rel: str) -> PurePosixPath:
    """`rel` as a path that cannot escape its folder (no absolute path, no `..`)."""
    parts = rel.split("/")
    if any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    return PurePosixPath(*parts)


def _remove_leftovers(parent: Path, prefix: str) -> None:
    """A build killed mid-way leaves its staging folder behind; the next one tidies.
    Called under the output's lock, so every such folder is a dead build's."""
    for pattern in ("new-*", "old-*"):
        for entry in parent.glob(prefix + pattern):
            if entry.is_dir() and not entry.is_symlink():
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
