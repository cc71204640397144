"""`cohub intake EVENT.json`: an accepted GitHub issue becomes an idea or a supporter.

A customer fills one of the hub's issue forms; a maintainer labels the issue
`accepted`; the workflow runs this on the event's payload and opens a pull request
with the change, which is the review before anything is public (SPEC §6).

Nothing from the issue reaches the front matter except as a quoted value, and every
change is read back through the same pipeline as `cohub check`: a change that would
add an error is undone, so intake never leaves the hub worse than it found it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from .content import FrontMatterError, parse_front_matter, split_front_matter
from .event import IntakeError, Issue, clean, handle_for, one_line, read_event, shown
from .forms import Form, Forms, find_forms, missing_headings, parse_body, product_for
from .pipeline import Reading, read_hub
from .slugs import close_to, slugify
from .splice import SpliceError, append_item, quoted, scalar
from .urls import RESERVED
from .validate import Item, valid
from .yamltree import Scalar, Sequence

#: Slugs past this length are cut at a hyphen: a URL, not the whole title.
SLUG_LIMIT = 80
#: Idea slugs whose URLs the site keeps for itself (/ideas/page/, /ideas/status/).
_RESERVED_SLUGS = frozenset(
    prefix.removeprefix("/ideas/").strip("/")
    for prefix, _ in RESERVED
    if prefix.startswith("/ideas/") and prefix != "/ideas/"
)


@dataclass
class Change:
    """What intake means to write: `new` replaces `old` (None: a new file)."""

    rel: str
    new: bytes | None = None
    old: bytes | None = None
    summary: str = ""
    #: Checked on the hub as read after writing; False undoes the change.
    verify: Callable[[Reading], bool] | None = None


def intake(
    root: Path,
    event: Path,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Take in the issue of an `issues` event; print the path written (from the hub
    root) on `out` and a summary on `err`. Returns the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        issue = read_event(event)
        forms = find_forms(root)
        role, form, values = identify(issue, forms, root)
        before = read_hub(root, drafts=True, environ=environ)
        if before.config is None:
            raise IntakeError("hub.yaml cannot be read: run cohub check and fix it first")
        if role == "idea":
            change = plan_idea(root, issue, form, values, before)
        else:
            change = plan_supporter(root, issue, values, before)
        if change.new is None:
            print(f"cohub: {change.summary}", file=err)
            return 0
        warnings = apply(root, change, before, environ)
    except IntakeError as exc:
        print(f"cohub: {exc}", file=err)
        return 1
    for line in warnings:
        print(line, file=err)
    print(change.rel, file=out)
    print(f"cohub: {change.summary}", file=err)
    return 0


# -- which form ---------------------------------------------------------------------


def identify(issue: Issue, forms: Forms, root: Path) -> tuple[str, Form, dict[str, str]]:
    """Which form the issue was made with, told by its body's headings (its labels
    break a tie), and the value of each field."""
    roles = [(r, f) for r, f in (("idea", forms.idea), ("me-too", forms.me_too)) if f]
    matched = [(r, f, v) for r, f in roles if (v := parse_body(f, issue.body)) is not None]
    if len(matched) > 1:
        labelled = [m for m in matched if _labelled(issue, m[1])]
        matched = labelled if len(labelled) == 1 else matched[:1]
    if matched:
        return matched[0]
    name = {r: _form_name(f, forms, root) for r, f in roles}
    for role, form in roles:
        labels = _labelled(issue, form)
        if labels:
            missing = missing_headings(form, issue.body)
            why = (
                "it has no " + ", ".join(f"'### {label}'" for label in missing)
                if missing
                else f"its headings are not {form.headings} in that order, each with its answer"
            )
            raise IntakeError(
                f"issue #{issue.number} is labelled '{labels[0]}' but its body does not "
                f"follow {name[role]}: {why} (was it edited?)"
            )
    if forms.default:
        folders = " or ".join(_rel(f, root) for f in forms.looked_in)
        broken = "".join(f"; {_rel(path, root)}: {why}" for path, why in forms.unreadable)
        raise IntakeError(
            f"issue #{issue.number} was not made with a form cohub knows: there are no "
            f"forms cohub can read in {folders}, and its body has neither the headings of "
            f"cohub's idea form ({forms.idea.headings}) nor those of its me-too form "
            f"({forms.me_too.headings}){broken}"
        )
    headings = [f"the headings of {name[r]} ({f.headings})" for r, f in roles]
    lacks = (
        f"has neither {headings[0]} nor {headings[1].replace('the headings', 'those', 1)}"
        if len(headings) > 1
        else f"lacks {headings[0]}"
    )
    raise IntakeError(f"issue #{issue.number} was not made with the hub's forms: its body {lacks}")


def _labelled(issue: Issue, form: Form) -> list[str]:
    """The form's labels the issue carries (GitHub's label names ignore case)."""
    carried = {label.casefold() for label in issue.labels}
    return [label for label in form.labels if label.casefold() in carried]


def _form_name(form: Form, forms: Forms, root: Path) -> str:
    return f"cohub's default {form.path.stem} form" if forms.default else _rel(form.path, root)


def _rel(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


# -- the idea form ------------------------------------------------------------------


def plan_idea(root: Path, issue: Issue, form: Form, values: dict, reading: Reading) -> Change:
    ideas = _ideas(reading)
    for item in ideas.values():
        if item.values.get("source") == issue.url:
            return Change(
                item.path,
                summary=f"issue #{issue.number} was already taken in as {item.path}; nothing to do",
            )
    notes: list[str] = []
    removed = 0
    body, count = clean(values.get("idea", ""))
    removed += count
    body = body.rstrip()
    if not _without_comments(body).strip():
        label = form.field("idea").label
        raise IntakeError(
            f"issue #{issue.number}: the idea is empty ('### {label}' holds no text); "
            "there is nothing to take in"
        )
    title, count = one_line(issue.title)
    removed += count
    prefix = form.title.strip()
    if prefix and title.startswith(prefix) and title != prefix:
        title = title[len(prefix) :].strip()
    if not title or title == prefix:
        raise IntakeError(f"issue #{issue.number} has no title to give the idea")
    handle = handle_for(issue.login)
    if not handle:
        raise IntakeError(
            f"issue #{issue.number}: the login '{shown(issue.login)}' gives no handle"
        )
    front = {"title": title, "submitted": issue.opened.isoformat(), "author": handle}
    said = [f"by {handle}"]
    asked, count = one_line(values.get("product", ""))
    removed += count
    config = reading.config
    if asked:
        key = None if "products" in config.broken else product_for(asked, config.products)
        if key is not None:
            front["product"] = key
            said.append(f"product {key}")
        else:
            notes.append(f"product '{shown(asked)}'")
    tags, strays = _tags(values.get("tags", ""), ideas.values())
    if tags:
        front["tags"] = tags
        said.append("tags " + ", ".join(tags))
    notes += [f"tag '{shown(tag)}'" for tag in strays]
    front["source"] = issue.url
    slug, clashed = _free_slug(root, title, issue.number, ideas, reading)
    rel = f"content/ideas/{slug}.md"
    if clashed:
        said.append(f"content/ideas/{clashed}.md exists: a duplicate?")
    if notes:
        said.append("not in the hub, left out: " + ", ".join(notes))
    if removed:
        said.append(f"removed {_count(removed, 'invisible control character')}")
    text = _idea_text(front, body)
    _same_words(text, front, body)

    def verify(after: Reading) -> bool:
        item = _ideas(after).get(slug)
        return item is not None and item.values.get("title") == title

    return Change(
        rel,
        new=text.encode("utf-8"),
        summary=f"took in issue #{issue.number} as {rel} ({'; '.join(said)})",
        verify=verify,
    )


def _ideas(reading: Reading) -> dict[str, Item]:
    return {item.slug: item for item in reading.items if item.source.folder == "ideas"}


def _tags(asked: str, ideas) -> tuple[list[str], list[str]]:
    """The tags asked for that the hub already has, in the hub's spelling (the one
    its tag pages show: the most common, SPEC §8), and those it has not."""
    spellings: dict[str, Counter] = {}
    for item in ideas:
        for _, tag in valid(item.values.get("tags")):
            if slug := slugify(tag):
                spellings.setdefault(slug, Counter())[tag] += 1
    found, strays = [], []
    for word in asked.split(","):
        word = one_line(word)[0]
        if not word:
            continue
        counts = spellings.get(slugify(word))
        if counts is None:
            strays.append(word)
            continue
        spelling = min(counts, key=lambda tag: (-counts[tag], tag))
        if spelling not in found:
            found.append(spelling)
    return found, strays


def bounded_slug(title: str, limit: int = SLUG_LIMIT) -> str:
    """The title's slug, cut at a hyphen to at most `limit` characters."""
    slug = slugify(title)
    if len(slug) <= limit:
        return slug
    cut = slug[: limit + 1]
    return (cut[: cut.rindex("-")] if "-" in cut else slug[:limit]).strip("-")


def _free_slug(
    root: Path, title: str, number: int, ideas: dict[str, Item], reading: Reading
) -> tuple[str, str]:
    """A slug no idea, file or alias has: the title's, else `idea-NUMBER`, with -2,
    -3, … on a clash; and the idea whose slug it clashed with, if one did."""
    taken = set(ideas) | _RESERVED_SLUGS
    folder = root / "content" / "ideas"
    if folder.is_dir():
        taken |= {p.stem.lower() for p in folder.iterdir()}  # case-blind file systems
    for item in reading.items:
        for _, alias in valid(item.values.get("aliases")):
            if alias.startswith("/ideas/"):
                taken.add(alias.removeprefix("/ideas/").strip("/"))
    base = bounded_slug(title) or f"idea-{number}"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug, (base if slug != base and base in ideas else "")


def _idea_text(front: dict, body: str) -> str:
    lines = ["---"]
    for key, value in front.items():
        if key == "tags":
            value = "[" + ", ".join(scalar(tag) for tag in value) + "]"
        elif key == "submitted":
            pass  # a date, written as one
        elif key in ("author", "product"):
            value = scalar(value)
        else:
            value = quoted(value)
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body + "\n"


def _same_words(text: str, front: dict, body: str) -> None:
    """Read the file back as `check` will: the same words, or nothing is written."""
    try:
        front_text, read_body, _ = split_front_matter(text)
        node = parse_front_matter(front_text, "an idea")
    except FrontMatterError as exc:  # pragma: no cover - quoting makes this unreachable
        raise IntakeError(f"cohub could not write this issue safely: {exc.message}") from None

    def plain(value):
        if isinstance(value, Sequence):
            return [plain(i) for i in value.items]
        return value.value if isinstance(value, Scalar) else None

    read = {entry.key: plain(entry.value) for entry in node.entries}
    if read != front or read_body != body + "\n":  # pragma: no cover - likewise
        raise IntakeError("cohub could not write this issue safely: its words changed")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- the "I want this too" form -------------------------------------------------------


def plan_supporter(root: Path, issue: Issue, values: dict, reading: Reading) -> Change:
    ideas = _ideas(reading)
    slug = _which_idea(issue, values.get("idea", ""), ideas)
    item = ideas[slug]
    notes = ""
    original = item.values.get("duplicate_of")
    if original in ideas and original != slug:
        # The original is the record the team answers and the roadmap counts; a
        # duplicate's supporters would join it anyway (SPEC §8).
        notes = f" ({item.path}, which was asked for, is a duplicate of it)"
        item = ideas[original]
    handle = handle_for(issue.login)
    if not handle:
        raise IntakeError(
            f"issue #{issue.number}: the login '{shown(issue.login)}' gives no handle"
        )
    asked = _askers(item, ideas)
    if handle in asked:
        return Change(
            item.path,
            summary=f"issue #{issue.number}: {handle} {asked[handle]} {item.slug}; nothing to do",
        )
    if item.source.front is None:
        raise IntakeError(
            f"issue #{issue.number}: {item.path} has errors in its front matter; "
            "fix them first (cohub check)"
        )
    path = root / item.path
    old = path.read_bytes()
    try:
        new = append_item(old, "supporters", scalar(handle))
    except SpliceError as exc:
        raise IntakeError(
            f"issue #{issue.number}: cannot add {handle} to the supporters of {item.path}: "
            f"{exc} (add the line by hand)"
        ) from None
    before = {k: v for k, v in item.values.items() if k != "supporters"}
    supporters = tuple(who for _, who in valid(item.values.get("supporters")))

    def verify(after: Reading) -> bool:
        now = _ideas(after).get(item.slug)
        if now is None:
            return False
        kept = {k: v for k, v in now.values.items() if k != "supporters"}
        added = tuple(who for _, who in valid(now.values.get("supporters")))
        return (
            kept == before
            and added[:-1] == supporters
            and added[-1:] != ()
            and added[-1].key == handle
        )

    return Change(
        item.path,
        new=new,
        old=old,
        summary=f"issue #{issue.number}: added {handle} to the supporters of {item.path}{notes}",
        verify=verify,
    )


def _which_idea(issue: Issue, asked: str, ideas: dict[str, Item]) -> str:
    """The idea a me-too issue names: its slug as the site's link prefills it, or,
    typed by hand, its URL or its title."""
    text = one_line(asked)[0]
    if not text:
        raise IntakeError(f"issue #{issue.number} does not say which idea it wants too")
    word = text
    if "/" in word:
        path = urlsplit(word).path if "://" in word else word
        parts = [p for p in path.split("/") if p]
        if "ideas" in parts[:-1]:
            parts = parts[parts.index("ideas") + 1 :]
        word = parts[0] if parts else ""
    for candidate in (word.lower(), slugify(word)):
        if candidate in ideas:
            return candidate
    titles = {slugify(str(item.values.get("title", ""))): slug for slug, item in ideas.items()}
    if slugify(text) in titles:
        return titles[slugify(text)]
    near = close_to(slugify(word) or word, ideas)
    hint = f" (did you mean '{near[0]}'?)" if near else ""
    raise IntakeError(
        f"issue #{issue.number} wants an idea that does not exist: '{shown(text)}'{hint}"
    )


def _askers(item: Item, ideas: dict[str, Item]) -> dict[str, str]:
    """Handle → how they already asked for this idea: its author, a supporter, or
    through one of its duplicates."""
    asked: dict[str, str] = {}
    for slug, other in ideas.items():
        if other.values.get("duplicate_of") == item.slug and slug != item.slug:
            for who in (other.values.get("author"), *_supporters(other)):
                if who is not None and who.key:
                    asked[who.key] = f"already asked for it in {other.path}, a duplicate of"
    for who in _supporters(item):
        if who.key:
            asked[who.key] = "is already a supporter of"
    author = item.values.get("author")
    if author is not None and author.key:
        asked[author.key] = "is the author of"
    return asked


def _supporters(item: Item):
    return [who for _, who in valid(item.values.get("supporters"))]


# -- writing, checked -----------------------------------------------------------------


def apply(
    root: Path, change: Change, before: Reading, environ: Mapping[str, str] | None
) -> list[str]:
    """Write the change, read the hub again, and undo it if it added an error or did
    not do what it meant to. Returns the warnings it added."""
    path = root / change.rel
    made: list[Path] = []
    wrote = False
    for folder in reversed(path.parents):
        if folder.is_relative_to(root) and not folder.exists():
            folder.mkdir()
            made.append(folder)
    try:
        if change.old is None:
            try:
                handle = path.open("xb")
            except FileExistsError:
                raise IntakeError(f"{change.rel} appeared while cohub was writing it") from None
            wrote = True
            with handle:
                handle.write(change.new)
        else:
            wrote = True
            _replace(path, change.new)
        after = read_hub(root, drafts=True, environ=environ)
    except BaseException:
        _undo(path, change, made, wrote)
        raise
    added = Counter(_key(d) for d in after.problems.items) - Counter(
        _key(d) for d in before.problems.items
    )
    new = [d for d in after.problems.sorted() if added[_key(d)]]
    errors = [d for d in new if d.severity == "error"]
    if errors or not change.verify(after):
        _undo(path, change, made, wrote)
        detail = "".join(f"\n{d.text()}" for d in errors)
        raise IntakeError(
            f"{change.rel} would not pass cohub check, so nothing was changed{detail}"
            if errors
            else f"{change.rel} did not read back as written, so nothing was changed"
        )
    return [d.text() for d in new]


def _key(diagnostic) -> tuple:
    # Lines move when a line is inserted; what a problem says does not.
    return (diagnostic.path, diagnostic.severity, diagnostic.message, diagnostic.field)


def _replace(path: Path, data: bytes) -> None:
    """Swap the file in whole, so no reader sees half of it."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _undo(path: Path, change: Change, made: list[Path], wrote: bool) -> None:
    if wrote and change.old is None:
        path.unlink(missing_ok=True)
    elif wrote:
        _replace(path, change.old)
    for folder in reversed(made):
        folder.rmdir()


def _without_comments(text: str) -> str:
    """`text` less its HTML comments (GitHub's forms leave some), in one pass: the
    regex `<!--.*?-->` rescans the rest of the text from every unclosed `<!--`."""
    kept, at = [], 0
    while (start := text.find("<!--", at)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            break  # an unclosed comment is text, as the regex left it
        kept.append(text[at:start])
        at = end + 3
    kept.append(text[at:])
    return "".join(kept)
