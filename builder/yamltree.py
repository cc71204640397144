"""Safe YAML with positions: every key, value and list item keeps its line and column.

PyYAML's own constructors throw positions away, and its timestamp constructor crashes
on `2026-13-45`. So we compose the tree ourselves from the parser's events (libyaml's
when available, for speed) and keep dates as text for the validator to judge. Anchors,
aliases, duplicate keys and explicit tags are refused here: content is written by many
hands, and each of those features has surprised someone (SPEC §8).

The tree is bounded while it is composed (`limits.yaml_depth`, `limits.list_length`):
a list of 50,000 items or lists nested 10,000 deep stop at the first item past the
limit, before the rest is built, and never reach Python's recursion limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from .errors import Pos, clip
from .limits import DEFAULT_LIMITS, Limits, over_limit

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
_KIND_BY_TAG = {
    _TAG + "str": "text",
    _TAG + "int": "number",
    _TAG + "float": "number",
    _TAG + "bool": "boolean",
    _TAG + "null": "null",
    _TAG + "timestamp": "date",
}


@dataclass(frozen=True)
class Scalar:
    """A leaf. `value` is str for text and dates (dates are validated later, as text),
    int/float for numbers, bool, or None."""

    value: object
    kind: str
    pos: Pos


@dataclass(frozen=True)
class Entry:
    key: str
    key_pos: Pos
    value: Node


@dataclass(frozen=True)
class Mapping:
    entries: tuple[Entry, ...]
    pos: Pos
    #: Where a diagnostic about the whole mapping should point: the `-` of a list
    #: item, so "missing field" lands on the line a reader looks for.
    anchor: Pos

    def get(self, key: str) -> Entry | None:
        for entry in self.entries:
            if entry.key == key:
                return entry
        return None


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]
    pos: Pos


Node = Scalar | Mapping | Sequence


def kind_of(node: Node) -> str:
    """How a node is named in "expected …, found …" messages."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    return {
        "text": "text",
        "number": "a number",
        "boolean": "true/false",
        "null": "nothing",
        "date": "a date",
    }[node.kind]


class YamlError(Exception):
    """Front matter that cannot be read at all: one error for the whole file."""

    def __init__(self, pos: Pos, message: str, hint: str = "", field: str = "") -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message
        self.hint = hint
        #: The top-level field the problem lies in, when it lies in one.
        self.field = field


def parse(text: str, first_line: int = 1, limits: Limits = DEFAULT_LIMITS) -> Node | None:
    """Parse one YAML document whose first line is line `first_line` of its file.

    Returns None for an empty document.
    """
    composer = _Composer(text, first_line, limits)
    try:
        return composer.compose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and "end of stream" in (exc.problem or ""):
            # An unclosed quote or bracket is found only at the end; where it was
            # opened is where the author needs to look.
            mark = exc.context_mark
        pos = composer.pos(mark) if mark else Pos(first_line, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        context = f" {exc.context}" if exc.context and exc.problem else ""
        raise YamlError(pos, f"invalid YAML: {problem}{context}") from None
    except yaml.YAMLError as exc:
        raise YamlError(Pos(first_line, 1), f"invalid YAML: {exc}") from None


class _Composer:
    def __init__(self, text: str, first_line: int, limits: Limits) -> None:
        self.lines = text.split("\n")
        self.first_line = first_line
        self.events = iter(yaml.parse(text, Loader=_Loader))
        self.constructor = SafeConstructor()
        self.limits = limits
        self.depth = 0  # lists and mappings open around the event being composed
        self.field = ""  # the top-level key being composed, for diagnostics

    def enter(self, pos: Pos) -> None:
        """One level deeper; past `limits.yaml_depth` the file is not read further."""
        self.depth += 1
        if self.depth > self.limits.yaml_depth:
            raise YamlError(
                pos,
                f"nesting over the limit of {self.limits.yaml_depth} levels",
                over_limit("yaml_depth", "flatten it"),
                self.field,
            )

    def count(self, n: int, pos: Pos, unit: str, collection: str) -> None:
        """The `n`th item of a list or key of a mapping, checked against the limit."""
        if n > self.limits.list_length:
            raise YamlError(
                pos,
                f"over the limit of {self.limits.list_length} {unit} in one {collection}",
                over_limit("list_length", "shorten it"),
                self.field,
            )

    def pos(self, mark) -> Pos:
        return Pos(mark.line + self.first_line, mark.column + 1)

    def compose(self) -> Node | None:
        node = None
        for event in self.events:
            if isinstance(event, yaml.StreamStartEvent | yaml.DocumentStartEvent):
                continue
            if isinstance(event, yaml.DocumentEndEvent):
                break
            if isinstance(event, yaml.StreamEndEvent):
                return node
            node = self.node(event)
        for event in self.events:
            if isinstance(event, yaml.DocumentStartEvent):
                raise YamlError(
                    self.pos(event.start_mark),
                    "a second YAML document inside the front matter",
                    "front matter is one document between two '---' lines",
                )
        return node

    def node(self, event) -> Node:
        pos = self.pos(event.start_mark)
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(
                pos, f"YAML alias '*{event.anchor}' is not allowed", "write the value out"
            )
        if event.anchor is not None:
            raise YamlError(pos, f"YAML anchor '&{event.anchor}' is not allowed", "remove it")
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event, pos)
        if isinstance(event, yaml.SequenceStartEvent):
            self.refuse_tag(event, pos, "seq")
            self.enter(pos)
            items: list[Node] = []
            for item in self.children(yaml.SequenceEndEvent):
                node = self.node(item)
                items.append(node)
                self.count(len(items), node.pos, "items", "list")
            self.depth -= 1
            return Sequence(tuple(items), pos)
        if isinstance(event, yaml.MappingStartEvent):
            self.refuse_tag(event, pos, "map")
            self.enter(pos)
            mapping = self.mapping(pos)
            self.depth -= 1
            return mapping
        raise YamlError(pos, f"unexpected YAML event {type(event).__name__}")

    def children(self, end_type):
        for event in self.events:
            if isinstance(event, end_type):
                return
            yield event

    def mapping(self, pos: Pos) -> Mapping:
        entries: list[Entry] = []
        seen: dict[str, Pos] = {}
        children = self.children(yaml.MappingEndEvent)
        for key_event in children:
            key_node = self.node(key_event)
            if not isinstance(key_node, Scalar) or key_node.kind != "text":
                found = kind_of(key_node)
                raise YamlError(key_node.pos, f"a key must be text, found {found}", "quote it")
            key = str(key_node.value)
            if self.depth == 1:
                self.field = key
            self.count(len(entries) + 1, key_node.pos, "keys", "mapping")
            value_node = self.node(next(children))
            if key == "<<":
                raise YamlError(key_node.pos, "YAML merge keys ('<<') are not allowed")
            if key in seen:
                first = seen[key]
                raise YamlError(
                    key_node.pos,
                    f"duplicate key '{clip(key)}' (first at line {first.line})",
                    "keep one",
                )
            seen[key] = key_node.pos
            entries.append(Entry(key, key_node.pos, value_node))
        return Mapping(tuple(entries), pos, self.item_anchor(pos))

    def item_anchor(self, pos: Pos) -> Pos:
        """The `-` that introduces a block-list item, if this mapping is one."""
        index = pos.line - self.first_line
        if 0 <= index < len(self.lines):
            before = self.lines[index][: pos.column - 1].rstrip()
            if before.endswith("-") and before.strip().strip("- ") == "":
                return Pos(pos.line, len(before))
        return pos

    def refuse_tag(self, event, pos: Pos, default: str) -> None:
        if event.tag not in (None, "!", _TAG + default):
            raise YamlError(pos, f"YAML tag '{_shown(event.tag)}' is not allowed", "remove it")

    def scalar(self, event, pos: Pos) -> Scalar:
        tag = event.tag
        if tag is None or tag == "!":
            tag = _resolve(event.value, event.implicit)
        if tag == _TAG + "merge":
            raise YamlError(pos, "YAML merge keys ('<<') are not allowed", "write the fields out")
        kind = _KIND_BY_TAG.get(tag)
        if kind is None:
            raise YamlError(pos, f"YAML tag '{_shown(tag)}' is not allowed", "remove it")
        if kind == "number" and event.tag is None and ":" in event.value:
            # YAML 1.1 reads 1:20 as the base-60 number 80; nobody means that.
            kind, tag = "text", _TAG + "str"
        node = ScalarNode(tag, event.value)
        value: object
        if kind in ("text", "date"):
            value = event.value
        elif kind == "number":
            try:
                if tag.endswith("int"):
                    value = self.constructor.construct_yaml_int(node)
                else:
                    value = self.constructor.construct_yaml_float(node)
            except (ValueError, yaml.YAMLError):
                raise YamlError(pos, f"'{clip(event.value)}' is not a number", "quote it") from None
        elif kind == "boolean":
            try:
                value = self.constructor.construct_yaml_bool(node)
            except KeyError:
                raise YamlError(
                    pos, f"'{clip(event.value)}' is not true or false", "write true or false"
                ) from None
        else:
            value = None
        return Scalar(value, kind, pos)


@lru_cache(maxsize=8192)
def _resolve(value: str, implicit: tuple[bool, bool]) -> str:
    """The implicit tag of a scalar: a pure function of its text, and content repeats
    the same dates, handles and statuses thousands of times, so it is memoized."""
    return Resolver().resolve(ScalarNode, value, implicit)


def _shown(tag: str) -> str:
    """A tag as its author most likely wrote it (`!!binary`, not the long form)."""
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
