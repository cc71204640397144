"""`cohub new update`: append an answer to an idea, changing nothing else in its file.

The file is edited as text, never re-dumped: `splice` (which `cohub intake` uses
too) says where the `updates` list ends (or puts a new `updates:` key at the end of
the front matter) and in what style and indentation the list is written, and keeps
the file's line endings and BOM, so comments, quoting and key order everywhere else
stay byte for byte. What is this command's own: the ways to write the update's note,
and which candidate edit to keep.

Every candidate edit is read back through the same loader and validator as `cohub
check` before it is written, and the file on disk is read back once more after the
atomic replace: what was there must come back unchanged and the new update exactly as
given, or the original bytes are put back. `cohub new update` therefore refuses, up
front and with the command line's words, whatever `check` would reject.

Exit codes: a refusal that another command line would fix (an unknown idea or status,
a `declined` without a note, a date out of order) is a usage error, exit 2; a file that
cannot take an answer as it stands (it has errors already, or the edit does not read
back) is `Refused`, exit 1.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from .config import load_config
from .content import (
    FrontMatterError,
    Source,
    load_file,
    parse_front_matter,
    read_text,
    split_front_matter,
)
from .errors import Problems, UsageError
from .limits import DEFAULT_LIMITS, Limits
from .model import Stamp, Who
from .schema import IDEA, STATUS_SYNONYMS, STATUSES, UPDATE
from .slugs import SLUG_RULE, did_you_mean, is_slug, one_edit_apart, slugify
from .splice import SpliceError, Style, edits, quoted, scalar
from .validate import FORBIDDEN, Item, parse_stamp, validate

#: Lines the edit writes are wrapped to this width, like the example hub's notes.
WIDTH = 88


class Refused(Exception):
    """The idea file cannot take an answer as it stands (exit 1). `details` are
    diagnostics to print before the message."""

    def __init__(self, message: str, details: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.details = details


@dataclass(frozen=True)
class Answer:
    """A validated update, as given on the command line."""

    status: str
    by: str
    note: str | None
    date: str  # as written, already known to parse
    stamp: Stamp

    def values(self) -> dict[str, Any]:
        """The update as the validator reads it back."""
        values = {"date": self.stamp, "status": self.status, "by": Who(self.by, self.by)}
        if self.note is not None:
            values["note"] = self.note
        return values


def answer(
    root: Path,
    idea: str,
    *,
    status: str | None,
    by: str | None,
    note: str | None,
    when: str | None,
    today: date,
) -> Path:
    """Append an update to `content/ideas/IDEA.md`; return the file's path."""
    if not status:
        raise UsageError(
            "cohub new update needs --status STATUS (one of " + ", ".join(STATUSES) + ")"
        )
    if not by:
        raise UsageError("cohub new update needs --by HANDLE (who answered)")
    slug = _idea_slug(root, idea)
    given = _answer(root, status, by, note, when, today)
    path = root / "content" / IDEA.folder / f"{slug}.md"
    rel = path.relative_to(root).as_posix()
    config = load_config(root, Problems())
    products = frozenset(config.products) if config else None
    # Read as check reads it: with the hub's own limits, not the defaults.
    limits = config.limits if config else DEFAULT_LIMITS

    target = Path(os.path.realpath(path))
    try:
        # Read before validating: if the file changes in between, the write notices.
        original = target.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {rel}: {exc.strerror or exc}") from None
    problems = Problems()
    before = validate(
        load_file(path, rel, IDEA.folder, problems, limits), problems, products, limits
    )
    errors = [d for d in problems.sorted() if d.severity == "error"]
    if errors:
        count = f"{len(errors)} error{'s' if len(errors) > 1 else ''}"
        raise Refused(
            f"{rel} has {count} (above): fix {'it' if len(errors) == 1 else 'them'} first",
            tuple(d.text() for d in errors),
        )
    _check_order(before, given, dated=when is not None)
    found = _edit(original, before, given, products, limits)
    if found is None:
        raise Refused(
            f"cannot add the update to {rel} without changing what it says (add it by hand)"
        )
    data, expected = found
    _replace(target, data, rel, expect=original)
    problems = Problems()
    after = validate(
        load_file(path, rel, IDEA.folder, problems, limits), problems, products, limits
    )
    if problems.errors or after.values != expected or after.source.body != before.source.body:
        _replace(target, original, rel, expect=data)
        raise Refused(
            f"the edit of {rel} did not read back as written, so the file is as it was "
            "(a bug in cohub: please report it)"
        )
    return path


# Checking what was asked, before anything is read from the idea's file.


def _idea_slug(root: Path, idea: str) -> str:
    folder = root / "content" / IDEA.folder
    known = sorted(p.stem for p in folder.glob("*.md") if not p.name.startswith("."))
    slug = idea
    written = PurePosixPath(idea.replace("\\", "/"))
    if written.suffix == ".md" and written.parent.parts[-2:] in ((), ("content", IDEA.folder)):
        slug = written.stem  # a path, as a shell completes it
    if slug in known:
        return slug
    hint = did_you_mean(slugify(slug) or slug, known) or "give the idea's file name without .md"
    raise UsageError(f"no idea '{idea}' in content/{IDEA.folder}/ ({hint})")


def _answer(
    root: Path, status: str, by: str, note: str | None, when: str | None, today: date
) -> Answer:
    if status not in STATUSES:
        meant = dict(STATUS_SYNONYMS).get(status.strip().lower())
        hint = f"did you mean '{meant}'?" if meant else did_you_mean(status, STATUSES)
        raise UsageError(f"unknown status '{status}' ({hint or 'one of ' + ', '.join(STATUSES)})")
    if note is not None:
        _check_note(note)
    elif status == "declined":
        raise UsageError(
            "a 'declined' update needs --note TEXT saying why (telling people why is the point)"
        )
    _check_handle(root, by)
    written = (when if when is not None else today.isoformat()).strip()
    stamp, hint = parse_stamp(written)
    if stamp is None:
        raise UsageError(f"--date: expected a date (YYYY-MM-DD), found '{written}' ({hint})")
    return Answer(status, by, note, written, stamp)


def _check_note(note: str) -> None:
    if not note.strip():
        raise UsageError("--note is empty (leave it out, or write the answer)")
    # The characters no text may hold are validate's one rule (SPEC §7); only how
    # the command line says so is its own.
    found = FORBIDDEN.search(note)
    if found is None:
        return
    char, code = found[0], ord(found[0])
    before = note[: found.start()]
    where = f"at line {before.count(chr(10)) + 1}, column {len(before) - before.rfind(chr(10))}"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of the command line
        raise UsageError(f"--note is not UTF-8 (byte 0x{code - 0xDC00:02x} {where})")
    if 0xD800 <= code <= 0xDFFF:
        raise UsageError(f"--note is not UTF-8 (a lone surrogate U+{code:04X} {where})")
    if unicodedata.category(char) == "Cc":
        raise UsageError(f"--note holds a control character (U+{code:04X}) {where} (remove it)")
    raise UsageError(f"--note holds a Unicode non-character (U+{code:04X}) {where} (remove it)")


def _check_handle(root: Path, by: str) -> None:
    if not is_slug(by):
        bare = by.lstrip("@")
        hint = f" (write {bare}: handles have no @)" if is_slug(bare) else ""
        raise UsageError(f"--by must be a handle ({SLUG_RULE}), found '{by}'{hint}")
    folder = root / "content" / "people"
    people = sorted(p.stem for p in folder.glob("*.md"))
    if by not in people:
        near = [h for h in people if one_edit_apart(by, h)]
        if near:
            raise UsageError(
                f"--by '{by}' has no profile in content/people/ (did you mean '{near[0]}'?)"
            )


def _check_order(item: Item, given: Answer, *, dated: bool) -> None:
    shown = f"--date {given.date}" if dated else f"today, {given.date},"
    tail = "" if dated else " (pass --date D)"
    days = [u["date"].day for u in item.values.get("updates", ()) if "date" in u]
    if days and given.stamp.day < max(days):
        raise UsageError(f"{shown} is before the idea's last update, {max(days)}{tail}")
    submitted = item.values.get("submitted")
    if submitted is not None and given.stamp.day < submitted.day:
        raise UsageError(f"{shown} is before the idea was submitted, {submitted.day}{tail}")


# Where the new lines go, and in what style, is splice's to say.


def _edits(data: bytes, item: Item, given: Answer) -> Iterator[bytes]:
    """Candidate files, the most natural first; the caller keeps the first that reads
    back exactly. An update is a mapping: an empty `updates` takes it on lines of its
    own before it tries `[{…}]`."""
    flow = tuple(_flow_items(given))
    try:
        yield from edits(
            data, "updates", lambda style: _block_fields(given, style), flow, inline=False
        )
    except SpliceError as exc:
        raise Refused(
            f"cannot add an update to {item.source.path}: {exc} (add the update by hand)"
        ) from None


# Writing the update itself.


def _values(given: Answer) -> dict[str, str]:
    """Each field of the update but the note, as a scalar (the order is the schema's)."""
    written = {"date": given.date, "status": scalar(given.status), "by": scalar(given.by)}
    return {f.name: written[f.name] for f in UPDATE.fields if f.name in written}


def _block_fields(given: Answer, style: Style) -> Iterator[str]:
    """The new item as block lines in the list's `style`, its fields in the order of
    the list's last item (then the schema's): one rendering per way of writing the
    note, the most readable first."""
    names = [f.name for f in UPDATE.fields]
    order = [k for k in style.keys if k in names]
    order += [k for k in names if k not in order]
    notes = [None] if given.note is None else list(_note_forms(given.note, style.rest))
    for note in notes:
        lines: list[str] = []
        values = {**_values(given), **({"note": note} if note is not None else {})}
        for name in (k for k in order if k in values):
            head, *rest = values[name].split("\n")
            lines.append(f"{style.rest if lines else style.first}{name}: {head}".rstrip())
            lines.extend(rest)
        yield "".join(line + "\n" for line in lines)


def _note_forms(note: str, indent: str) -> Iterator[str]:
    """Ways to write the note (first line after `note: `, then whole lines)."""
    inner = indent + "  "
    if "\n" not in note and note == note.strip():
        fits = len(f"{indent}note: {note}") <= WIDTH
        if fits:
            yield note
        wrapped = _wrap(note, WIDTH - len(inner))
        if len(wrapped) > 1:
            yield ">-\n" + "\n".join(inner + line for line in wrapped)
        if not fits:
            yield note
    elif not any(line != line.rstrip() for line in note.split("\n")):
        # Trailing whitespace is a hard line break in Markdown, and editors drop it
        # unseen: such a note is written quoted, where it shows.
        body = note.removesuffix("\n")
        chomp = "-" if body == note else ""
        if not body.endswith("\n"):
            lines = "\n".join(inner + line if line else "" for line in body.split("\n"))
            yield f"|{chomp}\n{lines}"
            yield f"|2{chomp}\n{lines}"  # a first line that starts with spaces
    yield quoted(note)
    yield quoted(note, True)


def _wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` (where words allow), broken only at single
    spaces, so that folding them back gives `text`."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and word and not line.endswith(" ") and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line or lines else word
    return [*lines, line]


def _flow_items(given: Answer) -> Iterator[str]:
    """The new item as one `{…}` mapping, for a list written `[…]`."""
    notes = [None] if given.note is None else [quoted(given.note), quoted(given.note, True)]
    for when in (given.date, quoted(given.date)):
        for note in notes:
            fields = {**_values(given), "date": when}
            if note is not None:
                fields["note"] = note
            yield "{" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + "}"


# Reading back and writing.


def _edit(
    data: bytes, before: Item, given: Answer, products: frozenset[str] | None, limits: Limits
) -> tuple[bytes, dict[str, Any]] | None:
    """The first candidate edit that reads back as it should, and what it says."""
    for expected in _readings(before.values, given):
        for edited in _edits(data, before, given):
            if _reads_back(edited, before, products, limits, expected):
                return edited, expected
    return None


def _readings(values: dict[str, Any], given: Answer) -> Iterator[dict[str, Any]]:
    """What the file must say after the edit: what it said, plus the new update.

    Then, only if no edit can say exactly that, the one difference that cannot be
    helped: a last note written `|` at the very end of the front matter has no line
    break to keep there, and gains it once another item follows it (the same bytes,
    and the same Markdown)."""
    updates = values.get("updates", ())
    yield {**values, "updates": (*updates, given.values())}
    note = updates[-1].get("note") if updates else None
    if note is not None and not note.endswith("\n"):
        last = {**updates[-1], "note": note + "\n"}
        yield {**values, "updates": (*updates[:-1], last, given.values())}


def _reads_back(
    data: bytes,
    before: Item,
    products: frozenset[str] | None,
    limits: Limits,
    expected: dict[str, Any],
) -> bool:
    """Whether `data`, read as `cohub check` reads it, says exactly `expected`, with
    the body `before` had."""
    source = before.source
    try:
        front_text, body, body_line = split_front_matter(read_text(data))
        front = parse_front_matter(front_text, IDEA.noun, limits)
    except (FrontMatterError, UnicodeDecodeError):
        return False
    problems = Problems()
    edited = Source(source.folder, source.slug, source.path, front, body, body_line)
    item = validate(edited, problems, products, limits)
    return not problems.errors and item.values == expected and body == source.body


def _replace(target: Path, data: bytes, rel: str, *, expect: bytes) -> None:
    """Write `data` to `target` whole or not at all (a temporary file in the same
    folder, then a rename), unless the file changed since it was read."""
    try:
        mode = target.stat().st_mode
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, mode & 0o7777)
            if target.read_bytes() != expect:
                raise Refused(f"{rel} changed while the update was written; run it again")
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UsageError(f"cannot write {rel}: {exc.strerror or exc}") from None
