"""The persistent build cache, `.cohub-cache/` in the hub (ignored by git).

It keeps what the last build of one output made: each content file's validated item
(by the file's content hash), the model, the revision's memos, and for every route
what it read and a digest of what it wrote. The next build then parses and validates
only files whose bytes changed, renders only routes whose reads changed, and
hard-links every other file from the last site into the new one, which still
replaces the output whole (`output.Staging`).

What can make a cache wrong is in its keys: cohub's own code and the libraries it
renders with (`code_key`: a hash of the files, not a version number), the hub's
templates and static files, hub.yaml, and the build's options (`site_key`); the
model is compared record by record (`reads.changes`). The output itself is checked
too: a file of the last site that is not the one written (edited, removed, replaced)
is rendered again.

The cache is a pickle, so it is signed: with a key kept outside the hub, in the
user's cache folder, so that a `.cohub-cache/` committed to a pull request is
refused, never loaded. A cache that cannot be read, verified or written is ignored:
the build is a cold one.
"""

from __future__ import annotations

import contextlib
import copyreg
import hashlib
import hmac
import os
import pickle
import secrets
import stat
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from types import MappingProxyType

from ..files import read_regular
from ..limits import Limits
from ..theme import default_theme

FOLDER = ".cohub-cache"
STATE = "build.pickle"
MAGIC = b"cohub-cache 1\n"
#: The libraries whose output is part of the site.
LIBRARIES = (
    "jinja2",
    "markdown-it-py",
    "mdit-py-plugins",
    "markdown-it-pyrs",
    "pygments",
    "feedgen",
    "nh3",
    "pyyaml",
)


@lru_cache(maxsize=1)
def code_key() -> str:
    """A hash of cohub's code, its default theme and its libraries' versions: any
    change to any of them (a commit, not only a release) makes every cache cold."""
    digest = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parents[1]
    for root in (package, default_theme()):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()


def site_key(root: Path, options: Iterable[str]) -> str:
    """Everything every page depends on besides the model: cohub's code, the hub's
    templates and static files, hub.yaml's bytes and the build's options."""
    digest = hashlib.blake2b(code_key().encode(), digest_size=16)
    for option in options:
        digest.update(option.encode() + b"\0")
    config = root / "hub.yaml"
    with contextlib.suppress(OSError):
        digest.update(read_regular(config))
    templates = root / "templates"
    if templates.is_dir() and not templates.is_symlink():
        for path in sorted(templates.rglob("*")):
            rel = path.relative_to(templates).as_posix()
            if path.is_symlink():
                digest.update(f"link {rel} {os.readlink(path)}\0".encode())
            elif path.is_file():
                digest.update(f"file {rel}\0".encode())
                with contextlib.suppress(OSError):
                    digest.update(read_regular(path))
    return digest.hexdigest()


@dataclass
class State:
    """What one build leaves for the next build of the same output (of the cohub
    whose `code_key` heads its file)."""

    key: str
    hub: object = None
    memos: dict = field(default_factory=dict)
    rendered: dict = field(default_factory=dict)
    #: Every file of the output as written: rel -> (size, mtime_ns, inode).
    manifest: dict[str, tuple[int, int, int]] = field(default_factory=dict)


class Files:
    """Load and validate one file, or take its item from the cache when its bytes,
    the hub's product keys and the limits are those it was validated with."""

    def __init__(
        self, kept: Mapping[str, tuple], hashed: Mapping[str, tuple] | None = None
    ) -> None:
        """`hashed`: rel -> (the file's `signature`, its content hash) of files this
        build hashed already (`inputs_key`), which are not read again while their
        signature holds."""
        self.kept = kept
        self.hashed = hashed or {}
        self.now: dict[str, tuple] = {}
        self.reused = 0
        self.validated = 0

    @property
    def changed(self) -> bool:
        """Whether what is kept now differs from what was kept before."""
        return bool(self.validated) or self.kept.keys() != self.now.keys()

    def read(self, path: Path, rel: str, folder: str, products, limits: Limits, validate_file):
        kept = self.kept.get(rel)
        data = None
        try:
            info = os.stat(path)
            seen = self.hashed.get(rel)
            if seen is not None and seen[0] == signature(info):
                digest = seen[1]
            elif info.st_size <= limits.file_size:
                data = read_regular(path)
                digest = hashlib.blake2b(data, digest_size=16).digest()
            else:  # too big: the stage says so
                return validate_file(path, rel, folder, products, limits)
        except OSError:  # unreadable: the stage says so
            return validate_file(path, rel, folder, products, limits)
        if kept is not None and kept[:3] == (digest, products, limits):
            self.now[rel] = kept
            self.reused += 1
            return kept[3], kept[4]
        item, found = validate_file(path, rel, folder, products, limits, data=data)
        self.validated += 1
        light = replace(item, source=replace(item.source, front=None))  # the tree is spent
        self.now[rel] = (digest, products, limits, light, tuple(found))
        return item, found


@dataclass(frozen=True)
class Stamp:
    """What a build made of exactly these inputs: when they are all the same again
    and the output is as it was written, the site is up to date as it stands."""

    inputs: str
    diagnostics: tuple
    counts: tuple[int, int, int]  # pages, feeds, files
    manifest: dict[str, tuple[int, int, int]]


def inputs_key(
    key: str, listed: Iterable[tuple[Path, str, str]], extra: Iterable[str]
) -> tuple[str, dict[str, tuple]]:
    """A hash of everything a build reads: `key` (the site key), each content file's
    path and bytes, and `extra` (the build date, what the listing warned about); and
    for `Files`, each file's signature and content hash as found."""
    digest = hashlib.blake2b(key.encode(), digest_size=16)
    for text in extra:
        digest.update(text.encode("utf-8", "surrogatepass") + b"\0")
    hashed = {}
    for path, rel, _ in listed:
        digest.update(rel.encode("utf-8", "surrogatepass") + b"\0")
        try:
            info = os.stat(path)
            content = hashlib.blake2b(read_regular(path), digest_size=16).digest()
        except OSError:
            digest.update(b"unreadable")
            continue
        hashed[rel] = (signature(info), content)
        digest.update(content)
    return digest.hexdigest(), hashed


def signature(info: os.stat_result) -> tuple[int, int, int]:
    """What says a file is the one hashed a moment ago in this build."""
    return (info.st_size, info.st_mtime_ns, info.st_ino)


class Cache:
    """The cache folder of one hub: the validated items of its files, shared by every
    build and `check`, and for each output folder (`out`) what its last build left."""

    def __init__(self, root: Path, out: Path | None = None) -> None:
        self.folder = root / FOLDER
        self.items_path = self.folder / "items.pickle"
        name = hashlib.blake2b(str(out).encode(), digest_size=8).hexdigest()
        self.path = self.folder / f"{name}-{STATE}"
        self.stamp_path = self.folder / f"{name}-stamp.pickle"

    def load_items(self) -> dict[str, tuple]:
        """rel -> (content hash, products, limits, item, its diagnostics) (`Files`)."""
        items = self._load(self.items_path)
        return items if isinstance(items, dict) else {}

    def save_items(self, items: dict[str, tuple]) -> None:
        self._save(self.items_path, items)

    def load(self) -> State | None:
        state = self._load(self.path)
        return state if isinstance(state, State) else None

    def save(self, state: State, stamp: Stamp) -> None:
        self._save(self.path, state)
        self._save(self.stamp_path, stamp)

    def load_stamp(self) -> Stamp | None:
        stamp = self._load(self.stamp_path)
        return stamp if isinstance(stamp, Stamp) else None

    def usable(self) -> bool:
        """A real folder of the hub (or none yet): never a link to elsewhere."""
        try:
            mode = os.lstat(self.folder).st_mode
        except FileNotFoundError:
            return True
        except OSError:
            return False
        return stat.S_ISDIR(mode)

    def _load(self, path: Path):
        if not self.usable():
            return None
        try:
            data = read_regular(path)
        except OSError:
            return None
        header = _header()
        if not data.startswith(header):
            return None  # not a cache, or one of another cohub: never unpickled
        tag, payload = data[len(header) : len(header) + 32], data[len(header) + 32 :]
        key = signing_key()
        if key is None or not hmac.compare_digest(tag, hmac.digest(key, payload, "sha256")):
            return None  # not made by this user's cohub: never unpickled
        try:
            return pickle.loads(payload)  # signed above: made by this user's cohub
        except Exception:
            return None

    def _save(self, path: Path, value) -> None:
        """Write beside the old file and rename into place, signing as it streams
        (a big hub's state is hundreds of megabytes: no second copy in memory); a
        cache that cannot be written is only a slower next build."""
        key = signing_key()
        if key is None or not self.usable():
            return
        temp = None
        try:
            self.folder.mkdir(exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".new-", dir=self.folder)
            with os.fdopen(fd, "wb") as handle:
                header = _header()
                handle.write(header + bytes(32))  # the signature, once it is known
                signed = _Signed(handle, hmac.new(key, digestmod="sha256"))
                pickler = pickle.Pickler(signed, protocol=pickle.HIGHEST_PROTOCOL)
                # The model's mappings are read-only views, which pickle cannot take.
                pickler.dispatch_table = copyreg.dispatch_table | {MappingProxyType: _reduce_proxy}
                pickler.dump(value)
                handle.seek(len(header))
                handle.write(signed.mac.digest())
            os.replace(temp, path)
        except OSError:
            if temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp)


def _header() -> bytes:
    """What a cache file starts with: the format and `code_key`, so that the cache
    of another version of cohub is told apart before anything is read from it."""
    return MAGIC + code_key().encode("ascii") + b"\n"


class _Signed:
    """A file to write to that signs what passes through it."""

    def __init__(self, handle, mac) -> None:
        self.handle, self.mac = handle, mac

    def write(self, data) -> int:
        self.mac.update(data)
        return self.handle.write(data)


def _reduce_proxy(proxy: MappingProxyType):
    return _proxy, (dict(proxy),)


def _proxy(mapping: dict) -> MappingProxyType:
    return MappingProxyType(mapping)


def signing_key() -> bytes | None:
    """This user's key for signing caches, made on first use: in
    $XDG_CACHE_HOME/cohub (else ~/.cache/cohub), readable by the user alone."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "cohub" / "signing-key"
    with contextlib.suppress(OSError):
        key = path.read_bytes()
        if len(key) == 32:
            return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with contextlib.suppress(OSError):
            key = path.read_bytes()
            return key if len(key) == 32 else None
        return None
    except OSError:
        return None
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def manifest(out: Path, files: Iterable[str]) -> dict[str, tuple[int, int, int]]:
    """(size, mtime_ns, inode) of each output file as it is now."""
    found = {}
    for rel in files:
        with contextlib.suppress(OSError):
            info = os.lstat(out / rel)
            if stat.S_ISREG(info.st_mode):
                found[rel] = signature(info)
    return found


def intact(out: Path, recorded: Mapping[str, tuple[int, int, int]]) -> set[str]:
    """The files of `recorded` still in `out` exactly as written."""
    now = manifest(out, recorded)
    return {rel for rel, seen in recorded.items() if now.get(rel) == seen}
