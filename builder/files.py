"""Read from a hub: every file cohub reads is a regular file inside the hub root.

A hub arrives by pull request, and git carries symbolic links: a pull request with
`templates/static/env.txt → /proc/self/environ` would publish the build's environment
(in CI, the deploy token), one with `content/rounds → /somewhere` someone else's files.
So every entry of the hub is vetted here, where it is listed, before anything reads it:

- a symbolic link (the entry itself, or a folder on the way to it) must resolve to a
  path inside the hub root and outside its hidden folders (`.git/config` holds the
  token `actions/checkout` leaves behind); a link that stays inside is fine;
- only regular files and folders are read: a FIFO, a socket or a device is refused
  from its mode, before anything opens it (opening a FIFO waits for a writer forever);
- hidden entries (`.name`) are not part of the hub: never listed, never read.

A refusal is an error at the link's or the file's own path, naming where the link
points, so `check` fails the pull request and `build` writes nothing. The default
theme ships with cohub and is trusted; only the hub's own files pass through here.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .errors import Pos, Problems

#: What a hub may not hold, by the file type bits of its mode.
SPECIAL = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}

ONLY_REGULAR = "cohub reads only regular files and folders"


@dataclass(frozen=True)
class Refusal:
    """Why one entry of the hub is not read: an error at that entry's path."""

    rel: str
    message: str
    hint: str = ""

    def report(self, problems: Problems) -> None:
        problems.error(self.rel, Pos(), self.message, hint=self.hint)


@dataclass(frozen=True)
class Entry:
    """An entry of the hub that may be read: a regular file or a folder, reached
    through links that stay inside the hub."""

    path: Path  # as listed, under the hub root (links not resolved)
    rel: str  # from the hub root
    is_dir: bool

    @property
    def name(self) -> str:
        return self.path.name


class HubFiles:
    """The entries of one hub, each vetted before it is handed out."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real = Path(os.path.realpath(root))

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def vet(self, path: Path) -> Entry | Refusal | None:
        """`path` (under the root), checked from the root down, every folder on the
        way included; None when it does not exist or has a hidden part."""
        found: Entry | Refusal | None = None
        current = self.root
        for part in path.relative_to(self.root).parts:
            if part.startswith(".") or (found is not None and not found.is_dir):
                return None
            current = current / part
            found = self.inspect(current)
            if not isinstance(found, Entry):
                return found
        return found

    def inspect(self, path: Path, mode: int | None = None) -> Entry | Refusal | None:
        """One entry whose folder is vetted already: its own type (from `lstat`, or
        `mode` when a listing knows it), and where it leads if it is a link. None
        when it has gone since it was listed."""
        if mode is None:
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                return None
        if stat.S_ISLNK(mode):
            return self._link(path)
        return self._kind(path, mode, "")

    def _kind(self, path: Path, mode: int, via: str) -> Entry | Refusal:
        if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
            return Entry(path, self.rel(path), stat.S_ISDIR(mode))
        kind = SPECIAL.get(stat.S_IFMT(mode), "not a regular file")
        return Refusal(self.rel(path), f"{via}{kind}: {ONLY_REGULAR}", "remove it")

    def _link(self, path: Path) -> Entry | Refusal:
        """A symbolic link, followed only where it stays inside the hub."""
        rel = self.rel(path)
        target = os.readlink(path)
        real = Path(os.path.realpath(path))
        if not real.is_relative_to(self.real):
            return Refusal(
                rel,
                f"a symbolic link to {target}, outside the hub: cohub reads only files "
                "inside the hub",
                "replace the link with the files it points to",
            )
        hidden = next((p for p in real.relative_to(self.real).parts if p.startswith(".")), None)
        if hidden is not None:
            return Refusal(
                rel,
                f"a symbolic link to {target}, inside the hidden {hidden}: cohub reads no "
                "hidden files",
                "replace the link with the files it points to",
            )
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            return Refusal(
                rel,
                f"a symbolic link to {target}, which does not exist",
                "remove the link, or point it at a file inside the hub",
            )
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            return Refusal(
                rel, f"a symbolic link to {target} that loops back on itself", "remove it"
            )
        return self._kind(path, mode, f"a symbolic link to {target}, ")

    def listdir(self, folder: Path, problems: Problems) -> list[Entry]:
        """The readable entries of a vetted folder, sorted by name so that nothing
        depends on the file system's order; refusals go to `problems`."""
        found: list[Entry] = []
        with os.scandir(folder) as scan:
            listed = sorted((e.name, e) for e in scan if not e.name.startswith("."))
        for _, dir_entry in listed:
            entry = self.inspect(Path(dir_entry.path), _mode(dir_entry))
            if isinstance(entry, Refusal):
                entry.report(problems)
            elif entry is not None:
                found.append(entry)
        return found

    def walk(self, folder: Path, problems: Problems) -> list[Entry]:
        """Every readable file under a vetted folder, sorted by path.

        A folder a link leads to is read once: a link to a folder read already (a
        loop, most often) is a warning, not another pass, so links can neither make
        a walk go round forever nor multiply it."""
        files: list[Entry] = []
        seen = {os.path.realpath(folder)}
        pending = [folder]
        while pending:
            for entry in self.listdir(pending.pop(), problems):
                if not entry.is_dir:
                    files.append(entry)
                    continue
                real = os.path.realpath(entry.path)
                if real in seen and entry.path.is_symlink():
                    problems.warning(
                        entry.rel,
                        Pos(),
                        f"not read: a symbolic link to {os.readlink(entry.path)}, a folder "
                        "read already",
                    )
                    continue
                seen.add(real)
                pending.append(entry.path)
        return sorted(files, key=lambda e: e.rel)


def _mode(entry: os.DirEntry) -> int | None:
    """An entry's type from the listing itself where the file system says (no
    system call per file); None for `inspect` to ask."""
    if entry.is_symlink():
        return stat.S_IFLNK
    if entry.is_dir(follow_symlinks=False):
        return stat.S_IFDIR
    if entry.is_file(follow_symlinks=False):
        return stat.S_IFREG
    return None


def read_regular(path: Path) -> bytes:
    """The bytes of a regular file, or OSError without waiting: the file is opened
    non-blocking and checked on the open descriptor, so a FIFO that took a listed
    file's place since it was vetted cannot hang a build or the preview."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = SPECIAL.get(stat.S_IFMT(mode), "not a regular file")
            raise OSError(errno.EINVAL, f"{kind}: {ONLY_REGULAR}", str(path))
        return handle.read()


class HubTemplates(jinja2.BaseLoader):
    """The hub's own `templates/`, read only where `HubFiles` allows.

    A template the hub may not hold (a link out of the hub, a FIFO) is treated as
    absent, so the default theme's serves: the refusal itself is reported once, by
    `check_tree` over `templates/` when the hub is read, which fails `check` and
    stops `build` before anything renders."""

    def __init__(self, hub_root: Path) -> None:
        self.files = HubFiles(hub_root)
        self.folder = hub_root / "templates"

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        path = self.folder.joinpath(*pieces)
        entry = self.files.vet(path) if pieces else None
        if not isinstance(entry, Entry) or entry.is_dir:
            raise jinja2.TemplateNotFound(template)
        try:
            data = read_regular(path)
        except FileNotFoundError:
            raise jinja2.TemplateNotFound(template) from None
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise jinja2.TemplateSyntaxError(
                f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8",
                line,
                template,
                str(path),
            ) from None
        return source, str(path), lambda: False

    def list_templates(self) -> list[str]:
        """The hub's readable templates, as `get_source` would find them."""
        entry = self.files.vet(self.folder)
        if not isinstance(entry, Entry) or not entry.is_dir:
            return []
        found = self.files.walk(self.folder, Problems())
        return [e.path.relative_to(self.folder).as_posix() for e in found]


def check_tree(root: Path, rel: str, problems: Problems) -> list[Entry]:
    """Every readable file under the hub's folder `rel` (none when it is missing),
    each problem of the folder or of what it holds reported to `problems`."""
    files = HubFiles(root)
    folder = files.vet(root / rel)
    if isinstance(folder, Refusal):
        folder.report(problems)
        return []
    if folder is None or not folder.is_dir:
        return []
    return files.walk(folder.path, problems)
