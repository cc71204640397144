"""Validate: check each file against its schema and collect every problem.

The result of validating a file is an `Item`: the values that passed, and the position
of every field (`updates[2].status`, counting from 1 as people do) so that the model
stage can point at the right line too. A field that fails is left out of `values`
rather than guessed at; an item missing a required field is not built into the model,
but its slug still counts as existing.

This is `check`'s gate for `build`: every value is held here to what every later
stage can take, so that whatever passes builds. Text (every text field, the names of
people, Markdown fields and the body) may hold no control character and no Unicode
non-character, which feeds' XML cannot carry (SPEC §7); dates fall in years a date's
arithmetic can take; URLs parse, and are safe in an HTML attribute as they are; slugs
fit in a file name; Markdown stays within its nesting and table limits.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from . import schema as s
from .content import Source
from .errors import Pos, Problems, clip
from .limits import DEFAULT_LIMITS, FIRST_YEAR, LAST_YEAR, Limits, over_limit, slug_too_long
from .markdown import markdown_excess
from .model import Stamp, Who
from .slugs import SLUG_RULE, Suggester, did_you_mean, is_slug, slugify
from .yamltree import Mapping, Node, Scalar, Sequence, kind_of

_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_LOOSE_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_PATH_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")

#: What no text may hold (SPEC §7): control characters but tab and newline (a CR of
#: a CRLF is gone since loading), Unicode non-characters (U+FDD0 to U+FDEF, and the last
#: two code points of every plane), and the lone surrogates YAML's escapes can make.
#: XML 1.0 refuses most of them, so a feed would fail to build; none is ever meant.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(1, 17))
    + "]"
)

#: The characters of FORBIDDEN that ASCII holds.
FORBIDDEN_ASCII = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class Item:
    """A validated file: what passed, and where each field sits."""

    source: Source
    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, Pos] = field(default_factory=dict)
    #: Fields written but rejected (already reported): rules skip them rather than
    #: report "missing" on top.
    invalid: set[str] = field(default_factory=set)
    complete: bool = True

    @property
    def slug(self) -> str:
        return self.source.slug

    @property
    def path(self) -> str:
        return self.source.path

    def pos(self, name: str) -> Pos:
        """The position of a field path, falling back to its parents, then line 1."""
        while name:
            if name in self.where:
                return self.where[name]
            name = name.rpartition(".")[0] if "." in name else ""
        return Pos()


class _Invalid:
    """Marks a value that failed validation (its error is already reported)."""


INVALID = _Invalid()


@dataclass
class Validator:
    """Checks nodes against field types, reporting into `problems` for one file."""

    path: str
    problems: Problems
    products: frozenset[str] | None
    where: dict[str, Pos] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)
    limits: Limits = DEFAULT_LIMITS

    def error(self, pos: Pos, name: str, message: str, hint: str = "") -> _Invalid:
        self.problems.error(self.path, pos, message, field=name, hint=hint)
        self.invalid.add(name)
        return INVALID

    def expected(self, node: Node, name: str, ftype: s.FieldType, hint: str = "") -> _Invalid:
        found = kind_of(node)
        if isinstance(node, Scalar) and node.kind in ("number", "boolean", "date"):
            found += f" ({node.value})"
            if isinstance(ftype, s.Text | s.Markdown) and not hint:
                hint = "quote it"
        elif isinstance(node, Scalar) and node.kind == "text":
            found = f"'{clip(str(node.value))}'"
            if isinstance(ftype, s.ListOf) and not isinstance(ftype.item, s.Record) and not hint:
                hint = f"a list of one is written [{clip(str(node.value))}]"
        # A list of choices already holds commas; a semicolon keeps "found" apart.
        joint = ";" if "," in ftype.describe else ","
        return self.error(node.pos, name, f"expected {ftype.describe}{joint} found {found}", hint)

    def record(self, node: Node, record: s.Record, prefix: str = "", anchor: Pos | None = None):
        """A mapping's fields as a dict; unknown keys and missing required fields are
        errors. Returns INVALID only when the node is not a mapping at all."""
        if not isinstance(node, Mapping):
            return self.expected(node, prefix, record)
        self.where[prefix] = anchor or node.anchor
        values: dict[str, Any] = {}
        known = [f.name for f in record.fields]
        for entry in node.entries:
            name = f"{prefix}.{entry.key}" if prefix else entry.key
            spec = record.field(entry.key)
            if spec is None:
                hint = did_you_mean(entry.key, known) or "known fields: " + ", ".join(known)
                self.error(
                    entry.key_pos, name, f"unknown field '{clip(entry.key)}' in {record.name}", hint
                )
                continue
            self.where[name] = entry.value.pos
            if isinstance(entry.value, Scalar) and entry.value.kind == "null":
                # `tags:` with nothing after it means "none yet", as in Hugo. The
                # key is what a reader finds, not the empty spot after it.
                self.where[name] = entry.key_pos
                if spec.required:
                    self.error(
                        entry.value.pos, name, f"expected {spec.type.describe}, found nothing"
                    )
                continue
            value = self.value(entry.value, spec.type, name)
            if value is not INVALID:
                values[entry.key] = value
        for spec in record.fields:
            if spec.required and node.get(spec.name) is None:
                name = f"{prefix}.{spec.name}" if prefix else spec.name
                self.error(
                    anchor or node.anchor,
                    name,
                    f"missing required field '{spec.name}', {spec.type.describe}",
                )
        return values

    def value(self, node: Node, ftype: s.FieldType, name: str) -> Any:
        match ftype:
            case s.Text() | s.Markdown():
                return self.text(node, name, ftype)
            case s.Date():
                return self.date(node, name)
            case s.Boolean():
                if isinstance(node, Scalar) and node.kind == "boolean":
                    return node.value
                return self.expected(node, name, ftype)
            case s.Integer():
                if (
                    isinstance(node, Scalar)
                    and node.kind == "number"
                    and isinstance(node.value, int)
                ):
                    if ftype.maximum is not None and not (
                        ftype.minimum <= node.value <= ftype.maximum
                    ):
                        return self.error(
                            node.pos,
                            name,
                            f"expected a whole number from {ftype.minimum} to {ftype.maximum}, found {node.value}",
                        )
                    if node.value < ftype.minimum:
                        return self.error(
                            node.pos,
                            name,
                            f"expected a whole number of at least {ftype.minimum}, found {node.value}",
                        )
                    return node.value
                return self.expected(node, name, ftype)
            case s.Url():
                return self.url(node, name, ftype)
            case s.UrlPath():
                return self.url_path(node, name, ftype)
            case s.Choice():
                if not (isinstance(node, Scalar) and node.kind == "text"):
                    return self.expected(node, name, ftype)
                if node.value not in ftype.values:
                    word = str(node.value)
                    meant = dict(ftype.synonyms).get(word.strip().lower())
                    hint = f"did you mean '{meant}'?" if meant else did_you_mean(word, ftype.values)
                    return self.expected(node, name, ftype, hint)
                return node.value
            case s.Slug():
                return self.slug(node, name, ftype)
            case s.Person():
                return self.person(node, name)
            case s.ListOf():
                if not isinstance(node, Sequence):
                    return self.expected(node, name, ftype)
                items = []
                for number, child in enumerate(node.items, start=1):
                    child_name = f"{name}[{number}]"
                    self.where[child_name] = child.pos
                    if isinstance(ftype.item, s.Record):
                        value = self.record(child, ftype.item, child_name)
                    else:
                        value = self.value(child, ftype.item, child_name)
                    items.append(value)
                # Positions stay aligned with the file: invalid entries are kept as
                # INVALID here and skipped by whoever reads the list.
                return tuple(items)
            case s.EitherOf():
                for option in ftype.options:
                    if _shape_fits(node, option):
                        return self.value(node, option, name)
                return self.expected(node, name, ftype)
            case s.MappingOf():
                if not isinstance(node, Mapping):
                    return self.expected(node, name, ftype)
                result = {}
                for entry in node.entries:
                    key_name = f"{name}.{entry.key}"
                    self.where[key_name] = entry.value.pos
                    if not is_slug(entry.key):
                        self.error(
                            entry.key_pos,
                            key_name,
                            f"key '{clip(entry.key)}' is not a valid slug ({SLUG_RULE})",
                        )
                        continue
                    if too_long := slug_too_long(entry.key):
                        self.error(entry.key_pos, key_name, f"the key {too_long}", "shorten it")
                        continue
                    value = self.value(entry.value, ftype.value, key_name)
                    if value is not INVALID:
                        result[entry.key] = value
                return result
            case s.Record():
                return self.record(node, ftype, name)
        raise TypeError(f"no validator for {ftype!r}")

    def text(self, node: Node, name: str, ftype: s.Text | s.Markdown) -> str | _Invalid:
        """A text or Markdown field: where text enters, so where it is checked once."""
        if not (isinstance(node, Scalar) and node.kind == "text"):
            return self.expected(node, name, ftype)
        text = str(node.value)
        if not text.strip():
            return self.error(node.pos, name, f"expected {ftype.describe}, found an empty string")
        if not self.clean(text, node.pos, name):
            return INVALID
        if isinstance(ftype, s.Text) and ftype.pattern and not re.fullmatch(ftype.pattern, text):
            return self.expected(node, name, ftype)
        if (
            isinstance(ftype, s.Text)
            and ftype.slugged
            and (too_long := slug_too_long(slugify(text)))
        ):
            return self.error(
                node.pos, name, f"the URL made from '{clip(text)}' {too_long}", "shorten it"
            )
        if isinstance(ftype, s.Markdown) and not self.markdown(text, node.pos, name):
            return INVALID
        return text

    def clean(self, text: str, pos: Pos, name: str) -> bool:
        """False, with the error reported, when `text` holds a character no text may."""
        problem = forbidden_character(text)
        if problem is not None:
            self.error(pos, name, problem[1], "remove it")
        return problem is None

    def markdown(self, text: str, pos: Pos, name: str, first_line: int | None = None) -> bool:
        """False, with the error reported, when Markdown `text` goes past a limit.
        A body says where (`first_line` is the line its text starts on); a field
        written in YAML is pointed at as a whole."""
        excess = markdown_excess(text, self.limits.markdown_nesting, self.limits.table_rows)
        if excess is None:
            return True
        line, message, limit, fix = excess
        where = Pos(first_line + line, 1) if first_line is not None else pos
        self.error(where, name, message, over_limit(limit, fix))
        return False

    def date(self, node: Node, name: str) -> Stamp | _Invalid:
        if not (isinstance(node, Scalar) and node.kind in ("date", "text")):
            return self.expected(node, name, s.Date())
        text = str(node.value).strip()
        stamp, hint = parse_stamp(text)
        if stamp is None:
            return self.error(
                node.pos, name, f"expected a date (YYYY-MM-DD), found '{clip(text)}'", hint
            )
        return stamp

    def url(self, node: Node, name: str, ftype: s.Url) -> str | _Invalid:
        if not (isinstance(node, Scalar) and node.kind == "text"):
            return self.expected(node, name, ftype)
        text = str(node.value).strip()
        problem = url_problem(text, site=ftype.site)
        if problem is None and ftype.placeholder and ftype.placeholder not in text:
            problem = f"write {ftype.placeholder} where the address goes"
        if problem is not None:
            return self.error(
                node.pos, name, f"expected {ftype.describe}, found '{clip(text)}'", problem
            )
        return text

    def url_path(self, node: Node, name: str, ftype: s.UrlPath) -> str | _Invalid:
        if not (isinstance(node, Scalar) and node.kind == "text"):
            return self.expected(node, name, ftype)
        text = str(node.value).strip()
        segments = text.strip("/").split("/")
        if (
            not text.startswith("/")
            or text == "/"
            or not all(_PATH_SEGMENT.fullmatch(seg) and seg not in (".", "..") for seg in segments)
        ):
            return self.error(
                node.pos,
                name,
                f"expected {ftype.describe}, found '{text}'",
                "a path on this site: starts with /, letters, digits, . _ ~ - between slashes, no ..",
            )
        return text

    def slug(self, node: Node, name: str, ftype: s.Slug) -> str | _Invalid:
        if not (isinstance(node, Scalar) and node.kind == "text"):
            return self.expected(node, name, ftype)
        text = str(node.value)
        if ftype.target == "products":
            if self.products is None:
                return text  # hub.yaml is broken; its own errors say so
            if text not in self.products:
                return self.error(
                    node.pos,
                    name,
                    f"unknown product '{clip(text)}'",
                    _product_hint(text, self.products),
                )
            return text
        if not is_slug(text):
            return self.error(
                node.pos, name, f"expected {ftype.describe}, found '{clip(text)}'", SLUG_RULE
            )
        if too_long := slug_too_long(text):
            return self.error(node.pos, name, f"the slug {too_long}", "no file has a name so long")
        return text

    def person(self, node: Node, name: str) -> Who | _Invalid:
        if isinstance(node, Scalar) and node.kind == "text":
            text = str(node.value)
            if is_slug(text):
                if too_long := slug_too_long(text):
                    return self.error(node.pos, name, f"the handle {too_long}", "shorten it")
                return Who(text, text)
            if not self.clean(text, node.pos, name):
                return INVALID
            if is_slug(text.lstrip("@")):
                return self.expected(
                    node, name, s.Person(), f"write {text.lstrip('@')}: handles have no @"
                )
            return self.expected(node, name, s.Person(), f'write {{name: "{clip(text.strip())}"}}')
        if isinstance(node, Mapping):
            keys = [entry.key for entry in node.entries]
            if keys != ["name"]:
                extra = next((k for k in keys if k != "name"), None)
                found = f"key '{extra}'" if extra else "no key 'name'"
                return self.error(
                    node.pos,
                    name,
                    f"a person written as a mapping has exactly one key, name; found {found}",
                )
            value = node.entries[0].value
            if not (
                isinstance(value, Scalar) and value.kind == "text" and str(value.value).strip()
            ):
                self.invalid.add(name)
                return self.expected(value, f"{name}.name", s.Text())
            if not self.clean(str(value.value), value.pos, f"{name}.name"):
                self.invalid.add(name)
                return INVALID
            return Who(None, str(value.value).strip())
        return self.expected(node, name, s.Person())


def _shape_fits(node: Node, ftype: s.FieldType) -> bool:
    if isinstance(ftype, s.ListOf):
        return isinstance(node, Sequence)
    if isinstance(ftype, s.Integer):
        return isinstance(node, Scalar) and node.kind == "number"
    return False


def forbidden_character(text: str) -> tuple[int, str] | None:
    """(index, what it is) of the first character in `text` that no text may hold."""
    # Most text is ASCII, where only controls can be wrong, and a class of a few ASCII
    # ranges is searched several times faster than FORBIDDEN's astral ones.
    match = (FORBIDDEN_ASCII if text.isascii() else FORBIDDEN).search(text)
    if match is None:
        return None
    char = match[0]
    code = f"U+{ord(char):04X}"
    if unicodedata.category(char) == "Cc":
        what = f"control character {code}"
    elif unicodedata.category(char) == "Cs":
        what = f"lone surrogate {code}"
    else:
        what = f"Unicode non-character {code}"
    return match.start(), f"{what} is not allowed"


def url_problem(text: str, *, site: bool = False) -> str | None:
    """Why `text` is not an http(s) URL every later stage can take, or None.

    A URL that passes is absolute, parses (`urlsplit`, and its port and host), and is
    safe as it is inside an HTML attribute, a feed, a regular expression's replacement
    or a tag URI: no whitespace or control character, no quote, angle bracket,
    backtick or backslash that is not percent-encoded, no stray `%`, and no user name
    or password (they would be published on every page). `site`: the address the site
    is published at, which paths are appended to, so no query and no fragment either.
    """
    if bad := _URL_UNSAFE.search(text):
        char = bad[0]
        if char.isprintable() and not char.isspace():
            return f"'{char}' cannot be in a URL as it is: percent-encode it as %{ord(char):02X}"
        return f"{'a space' if char == ' ' else f'U+{ord(char):04X}'} cannot be in a URL"
    if FORBIDDEN.search(text):
        return "a URL holds no control character or non-character"
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises for a port out of range or not a number
        host = parts.hostname
    except ValueError as exc:
        return f"it does not parse as a URL: {exc}"
    if parts.scheme not in ("http", "https"):
        return "start it with https://"
    if not host:
        return "it names no host: write it like https://example.com/"
    if parts.username is not None:
        return "a user name or password in a URL would be published: leave them out"
    if ":" not in host and not _HOST.fullmatch(host):  # an IPv6 address is checked already
        return f"'{clip(host)}' is not a host name"
    if _STRAY_PERCENT.search(text):
        return "a % that does not start an escape like %20: write it as %25"
    if site and (parts.query or parts.fragment or "?" in text or "#" in text):
        return "the site's address has no query (?) or fragment (#): paths are added to it"
    return None


#: What a URL never holds as it is (RFC 3986): whitespace, and the characters that
#: end an HTML attribute, start a tag, or mean something in a regular expression's
#: replacement. Whatever they stand for is written percent-encoded.
_URL_UNSAFE = re.compile(r"[\s\"'<>\\`]")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: A host name: labels of letters (any script: IDNs), digits and hyphens, or an IPv4.
_HOST = re.compile(r"(?:[^\W_]|-)+(?:\.(?:[^\W_]|-)+)*\.?")


@lru_cache(maxsize=1024)
def _product_hint(word: str, products: frozenset[str]) -> str:
    """The hint of an unknown product key (every file of a hub shares one products
    set, so its suggester is made once and each distinct word looked up once)."""
    known = ", ".join(sorted(products)) or "none: hub.yaml declares no products"
    return _suggester(products)(word) or f"products in hub.yaml: {clip(known, 200)}"


@lru_cache(maxsize=4)
def _suggester(products: frozenset[str]) -> Suggester:
    return Suggester(products)


def parse_stamp(text: str) -> tuple[Stamp | None, str]:
    """A date or a date-time with an offset, or (None, a hint saying what is wrong).
    Years are bounded (`limits.FIRST_YEAR`, `LAST_YEAR`) to what the dates' later
    arithmetic can take."""
    if match := _DAY.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None, _YEARS
        if not 1 <= month <= 12:
            return None, f"there is no month {month}"
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            return None, f"{calendar.month_name[month]} {year} has {days} days"
        moment = datetime(year, month, day, tzinfo=UTC)
        return Stamp(moment.date(), moment), ""
    if match := _LOOSE_DAY.fullmatch(text):
        year, month, day = match.groups()
        return None, f"write it as {year}-{int(month):02d}-{int(day):02d}"
    if "T" in text or ":" in text:
        try:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1))
        except ValueError:
            return None, "a date-time is written like 2026-03-02T09:30:00+01:00"
        if moment.tzinfo is None:
            return None, "a date-time needs an offset, like +01:00 or Z"
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            return None, _YEARS  # before the conversion, which overflows near the edges
        moment = moment.astimezone(UTC)
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            return None, _YEARS
        return Stamp(moment.date(), moment), ""
    return None, "write dates as YYYY-MM-DD"


_YEARS = f"dates fall in the years {FIRST_YEAR} to {LAST_YEAR}"


def validate(
    source: Source,
    problems: Problems,
    products: frozenset[str] | None,
    limits: Limits = DEFAULT_LIMITS,
) -> Item:
    """Check one loaded file against its content type's schema and per-file rules."""
    item = Item(source)
    if source.front is None:
        item.complete = False
        return item
    ctype = s.CONTENT_TYPES[source.folder]
    validator = Validator(source.path, problems, products, item.where, item.invalid, limits)
    item.values = validator.record(source.front, ctype.record, anchor=Pos())
    item.complete = all(f.name in item.values for f in ctype.record.fields if f.required)
    _check_body(validator, source)
    RULES.get(source.folder, _no_rules)(item, problems)
    return item


def _check_body(validator: Validator, source: Source) -> None:
    """The body is a field too (`body`): checked for characters, at the line and
    column of the first one no text may hold, and for the Markdown limits."""
    found = forbidden_character(source.body)
    if found is not None:
        index, message = found
        line_start = source.body.rfind("\n", 0, index) + 1
        pos = Pos(source.body_line + source.body.count("\n", 0, index), index - line_start + 1)
        validator.error(pos, "body", message, "remove it")
    else:
        validator.markdown(source.body, Pos(source.body_line), "body", source.body_line)


def valid(values) -> list[tuple[int, Any]]:
    """(1-based number, value) for the entries of a validated list that passed."""
    return [(n, v) for n, v in enumerate(values or (), start=1) if v is not INVALID]


def _no_rules(item: Item, problems: Problems) -> None:
    pass


#: An HTML comment, or one left open (Markdown hides the rest of the text then).
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def wordless(body: str) -> bool:
    """Whether a body shows no words: nothing but HTML comments and whitespace, as a
    file fresh from `cohub new idea` holds before the customer's words are in it."""
    return not body.strip() or not _COMMENT.sub("", body).strip()


def _idea_rules(item: Item, problems: Problems) -> None:
    values = item.values
    if wordless(item.source.body):
        problems.warning(
            item.path,
            Pos(item.source.body_line),
            "expected the idea in the customer's words below the front matter, "
            + ("found only comments" if item.source.body.strip() else "found nothing"),
            field="body",
            hint="write what the customer asked for, as they put it",
        )
    if values.get("duplicate_of") == item.slug:
        problems.error(
            item.path,
            item.pos("duplicate_of"),
            "an idea cannot be a duplicate of itself",
            field="duplicate_of",
        )
        del values["duplicate_of"]
    author = values.get("author")
    seen: set[str] = set()
    for number, who in valid(values.get("supporters")):
        name = f"supporters[{number}]"
        if author is not None and who.key == author.key:
            problems.warning(
                item.path,
                item.pos(name),
                f"{who.name} is the author, not a supporter",
                field=name,
                hint="remove it",
            )
        elif who.key in seen:
            problems.warning(
                item.path,
                item.pos(name),
                f"{who.name} is listed twice",
                field=name,
                hint="remove it",
            )
        seen.add(who.key)
    submitted: Stamp | None = values.get("submitted")
    previous: tuple[int, Stamp] | None = None
    for number, update in valid(values.get("updates")):
        name = f"updates[{number}]"
        when: Stamp | None = update.get("date")
        if when is not None and submitted is not None and when.day < submitted.day:
            problems.error(
                item.path,
                item.pos(f"{name}.date"),
                f"this update ({when}) is dated before the idea was submitted ({submitted})",
                field=f"{name}.date",
            )
        if when is not None and previous is not None and when.day < previous[1].day:
            problems.error(
                item.path,
                item.pos(f"{name}.date"),
                f"updates must be oldest first: this one ({when}) is dated before "
                f"updates[{previous[0]}] ({previous[1]})",
                field=f"{name}.date",
            )
        if when is not None:
            previous = (number, when)
        if (
            update.get("status") == "declined"
            and "note" not in update
            and f"{name}.note" not in item.invalid
        ):
            problems.error(
                item.path,
                item.pos(f"{name}.note"),
                "a 'declined' update needs a note saying why",
                field=f"{name}.note",
                hint="telling people why is the point",
            )
        if "by" not in update and f"{name}.by" not in item.invalid:
            problems.warning(
                item.path,
                item.pos(name),
                "no 'by': this answer will be signed 'the team'",
                field=f"{name}.by",
                hint="name who answered",
            )


def _round_rules(item: Item, problems: Problems) -> None:
    opens, closes = item.values.get("opens"), item.values.get("closes")
    if opens is not None and closes is not None and closes.day < opens.day:
        problems.error(
            item.path,
            item.pos("closes"),
            f"the round closes ({closes}) before it opens ({opens})",
            field="closes",
        )


RULES = {"ideas": _idea_rules, "rounds": _round_rules}
