"""Load: read every content file and split its front matter, keeping line numbers.

A file whose front matter is missing or unreadable gets exactly one error but still
yields a `Source` (with `front=None`), because its slug exists: references to it from
other files must not pile "unknown idea" errors on top of the real problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import yamltree
from .errors import Pos, Problems, clip
from .files import HubFiles, Refusal, read_regular
from .limits import DEFAULT_LIMITS, SLUG_LENGTH, Limits, over_limit, slug_too_long
from .schema import CONTENT_TYPES
from .slugs import SLUG_RULE, is_slug, slugify


@dataclass(frozen=True)
class Source:
    """One content file as read from disk, before validation."""

    folder: str
    slug: str
    path: str
    front: yamltree.Mapping | None
    body: str
    body_line: int


class FrontMatterError(Exception):
    def __init__(self, pos: Pos, message: str, hint: str = "", field: str = "") -> None:
        super().__init__(message)
        self.pos, self.message, self.hint, self.field = pos, message, hint, field


def content_files(root: Path, problems: Problems) -> list[tuple[Path, str, str]]:
    """(path, path from the hub root, folder) of every `content/<type>/*.md` file,
    sorted so output order never depends on the file system; what is not content
    gets a warning, what cohub may not read (a link out of the hub, a FIFO) an error
    (`files`). Listing is cheap, so a preview lists on every change
    and reads only the files that changed."""
    hub = HubFiles(root)
    content = hub.vet(root / "content")
    if isinstance(content, Refusal):
        content.report(problems)
        return []
    if content is None or not content.is_dir:
        return []
    found: list[tuple[Path, str, str]] = []
    for entry in hub.listdir(content.path, problems):
        if not entry.is_dir or entry.name not in CONTENT_TYPES:
            problems.warning(
                entry.rel,
                Pos(),
                "not read: content/ holds only the folders " + ", ".join(CONTENT_TYPES),
            )
            continue
        for file in hub.listdir(entry.path, problems):
            if file.is_dir or file.path.suffix != ".md":
                problems.warning(
                    file.rel, Pos(), f"not read: only .md files in {entry.rel}/ are content"
                )
                continue
            found.append((file.path, file.rel, entry.name))
    return found


def load_file(
    path: Path,
    rel: str,
    folder: str,
    problems: Problems,
    limits: Limits = DEFAULT_LIMITS,
    data: bytes | None = None,
) -> Source:
    """One content file, read within `limits` (or its bytes, `data`, when the
    caller read them already); its problems go to `problems`."""
    slug = path.stem
    _check_file_name(path, rel, problems)
    try:
        text = read_text(data if data is not None else read_bounded(path, limits.file_size))
        front_text, body, body_line = split_front_matter(text)
        front = parse_front_matter(front_text, CONTENT_TYPES[folder].noun, limits)
    except FrontMatterError as exc:
        problems.error(rel, exc.pos, exc.message, field=exc.field, hint=exc.hint)
        return Source(folder, slug, rel, None, "", 1)
    except OSError as exc:
        # Unreadable (permissions), or gone since it was listed (an editor saving
        # under the preview): a problem with that file, not a crash of the build.
        problems.error(rel, Pos(), f"cannot be read: {exc.strerror or exc}")
        return Source(folder, slug, rel, None, "", 1)
    return Source(folder, slug, rel, front, body, body_line)


def _check_file_name(path: Path, rel: str, problems: Problems) -> None:
    """A file's name is its slug: the spelling rule, and a length its output files
    and URLs can take (`limits.SLUG_LENGTH`)."""
    slug = path.stem
    if not is_slug(slug):
        suggestion = slugify(slug)[:SLUG_LENGTH].rstrip("-")
        problems.error(
            rel,
            Pos(),
            f"file name '{clip(path.name)}' is not a valid slug ({SLUG_RULE})",
            hint=f"rename it to {suggestion}.md" if suggestion else "",
        )
    elif too_long := slug_too_long(slug):
        problems.error(rel, Pos(), f"the file name {too_long}", hint="rename it")


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a content file of at most `limit` bytes. The size is taken from
    `stat` before anything is read, so a 50 MB file costs nothing; a file that grew
    past the limit since is refused after reading, all the same."""
    size = path.stat().st_size
    if size <= limit:
        data = read_regular(path)
        size = len(data)
        if size <= limit:
            return data
    raise FrontMatterError(
        Pos(),
        f"the file is {size} bytes, over the limit of {limit} bytes",
        over_limit("file_size", "shorten it"),
    )


def read_text(data: bytes) -> str:
    """UTF-8 with an optional BOM; CRLF and CR become LF so line numbers are the
    editor's."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        before = data[line_start : exc.start].removeprefix(b"\xef\xbb\xbf")
        column = len(before.decode("utf-8", errors="replace")) + 1  # characters, not bytes
        raise FrontMatterError(
            Pos(line, column),
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x})",
            "save it as UTF-8",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(YAML text, Markdown body, the body's first line number)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise FrontMatterError(
            Pos(),
            "missing front matter: the first line must be '---'",
            "start the file with '---', the fields, then another '---'",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return front, body, index + 2
    raise FrontMatterError(
        Pos(),
        "front matter opened on line 1 is never closed",
        "add a line '---' after the last field",
    )


def parse_front_matter(text: str, noun: str, limits: Limits = DEFAULT_LIMITS) -> yamltree.Mapping:
    try:
        node = yamltree.parse(text, first_line=2, limits=limits)
    except yamltree.YamlError as exc:
        raise FrontMatterError(exc.pos, exc.message, exc.hint, exc.field) from None
    if node is None:
        raise FrontMatterError(Pos(), f"the front matter is empty; {noun} needs its fields")
    if not isinstance(node, yamltree.Mapping):
        raise FrontMatterError(
            node.pos,
            f"the front matter must be a mapping of fields, found {yamltree.kind_of(node)}",
            "write one 'field: value' per line",
        )
    return node
