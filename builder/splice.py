"""Values and list items written into front matter as text, so every other byte of a
file stays.

A file is never re-dumped: a value goes in as a quoted scalar (JSON strings are valid
YAML), and a list item is spliced in where the parsed tree says the list ends, in the
style and indentation the file already uses, with its line endings and BOM.

This is the one module that knows where a key's list ends and how an item joins it,
so the commands that add to a list cannot drift apart: `cohub intake` adds a
supporter with `append_item`, `cohub new update` an answer with `edits` (and reads
each candidate back itself).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Characters a YAML parser takes as line breaks although a content file's lines do
#: not end there (it would fold them into spaces), and the BOM: written as escapes,
#: so the value keeps them and the file's lines stay the editor's.
_ESCAPED = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029", "\ufeff": "\\ufeff"}

#: Letters, digits and inner spaces, dots, underscores and hyphens: nothing YAML
#: gives a meaning to, in a block or in a flow list.
_PLAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 ._-]*[A-Za-z0-9])?")


class SpliceError(Exception):
    """The file cannot take the value without being rewritten."""


def quoted(text: str, ascii_only: bool = False) -> str:
    """A YAML double-quoted scalar: JSON strings are YAML. `ascii_only` escapes every
    character past ASCII too, for when one does not read back as itself."""
    written = json.dumps(text, ensure_ascii=ascii_only)
    for char, escape in _ESCAPED.items():
        written = written.replace(char, escape)
    return written


def scalar(text: str) -> str:
    """Plain words as they are when YAML reads them as text (not `true`, `null` or
    `2026`), anything else quoted."""
    if _PLAIN.fullmatch(text) and Resolver().resolve(ScalarNode, text, (True, False)).endswith(
        ":str"
    ):
        return text
    return quoted(text)


@dataclass(frozen=True)
class Style:
    """How a new item of a block list is written, as the list's last item is: `first`
    goes before its first line (indentation and `-`), `rest` before each further line
    (spaces to the column of its text), and a mapping lists its keys in `keys`' order."""

    first: str
    rest: str
    keys: tuple[str, ...] = ()


#: Writes the item on lines of its own in a `Style`, each line ending in "\n": one
#: text per way of writing it, the most readable first.
Block = Callable[[Style], Iterable[str]]

#: Replace the file's characters from one offset up to another with a text, whose
#: line breaks become the file's own.
_Splice = tuple[int, int, str]


def append_item(data: bytes, key: str, item: str) -> bytes:
    """The file with `item` (YAML text: see `scalar`) added at the end of the list
    under its front matter's `key`, every other byte as it was: a new line under a
    block list in that list's style, a new entry in a flow list (`~` and `[]` become
    `[item]`), or the key, with a block list of one, at the end of the front matter."""

    def block(style: Style) -> list[str]:
        return [style.first + item + "\n"]

    return next(edits(data, key, block, [item], inline=True))


def edits(
    data: bytes, key: str, block: Block, flow: Sequence[str], *, inline: bool
) -> Iterator[bytes]:
    """The file with one item added at the end of the list under its front matter's
    `key`, in each way the list's style allows, the most natural first; every other
    byte as it was. `block` writes the item on lines of its own, `flow` (texts) inside
    `[…]`. A `~` or `[]` shows no style: `inline` says whether `[item]` comes before
    lines of its own (a scalar reads well inline, a mapping does not). Raises
    `SpliceError`, on the first item asked for, for a file that cannot take one."""
    file = _File(data)
    for splices in _splices(file, key, block, flow, inline):
        yield file.apply(splices)


def _splices(
    file: _File, key: str, block: Block, flow: Sequence[str], inline: bool
) -> Iterator[list[_Splice]]:
    """What to change for each candidate, by what the file has under `key`."""
    found = next(((k, v) for k, v in file.tree.value if _is_key(k, key)), None)
    if found is None:
        return _new_key(file, key, block)
    name, value = found
    if _is_empty(value):
        return _empty(file, name, value, block, flow, inline)
    if not isinstance(value, SequenceNode):
        raise SpliceError(f"its {key} is not a list")
    if value.flow_style:
        end = file.offset(_end(value.value[-1]))
        return ([(end, end, ", " + text)] for text in flow)
    at = file.line_start(file.settle(file.after(_end(value.value[-1])), _tail(value)))
    return ([(at, at, text)] for text in block(_style(value)))


def _new_key(file: _File, key: str, block: Block) -> Iterator[list[_Splice]]:
    """The key, with a block list of one, after the front matter's last field (and
    its comments): the list indented as the file's other lists are."""
    column = file.tree.value[0][0].start_mark.column
    at = file.line_start(file.settle(file.close, _tail(file.tree)))
    head = " " * column + key + ":\n"
    return ([(at, at, head + text)] for text in block(_under(file.tree, column)))


def _empty(
    file: _File, key: Node, value: Node, block: Block, flow: Sequence[str], inline: bool
) -> Iterator[list[_Splice]]:
    """An empty value (`key:`, `~` or `[]`) made a list of one: on lines of its own
    under the key, `~` or `[]` cut; or inline, `[item]`, unless nothing was written."""
    start, end = value.start_mark.index, value.end_mark.index
    at = file.line_start(file.after(end))
    cut = (file.offset(file.trim_left(start)), file.offset(end), "")
    lines = ([cut, (at, at, text)] for text in block(_under(file.tree, key.start_mark.column)))
    if start == end:  # `key:` and nothing after it but perhaps a comment
        yield from lines
        return
    if isinstance(value, ScalarNode):  # `~` or `null`, replaced
        brackets = ([(file.offset(start), file.offset(end), f"[{text}]")] for text in flow)
    else:  # `[]`, filled
        inside = file.offset(start + 1)
        brackets = ([(inside, inside, text)] for text in flow)
    for candidates in (brackets, lines) if inline else (lines, brackets):
        yield from candidates


def _is_key(node: Node, key: str) -> bool:
    """Whether a key of the front matter is `key` (a field's name is plain text)."""
    return isinstance(node, ScalarNode) and node.value == key


def _is_empty(node: Node) -> bool:
    """Whether a value is nothing (`key:`, `~`) or `[]`: a list with no style yet."""
    if isinstance(node, ScalarNode):
        return node.tag.endswith(":null")
    return isinstance(node, SequenceNode) and bool(node.flow_style) and not node.value


def _tail(node: Node) -> Node:
    """The node whose text ends `node`'s: a block collection ends at the next token
    (PyYAML's end mark), so look at its last child."""
    if isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _tail(last[1] if isinstance(node, MappingNode) else last)
    return node


def _end(node: Node) -> int:
    """Where a node's text ends, as an index into the front matter."""
    return _tail(node).end_mark.index


def _style(sequence: SequenceNode) -> Style:
    """A block list's own style: its `-` column, and the column its last item's text
    starts at when that stands apart from the `-` (`-   name: …`)."""
    dash = sequence.start_mark.column
    last = sequence.value[-1]
    column = last.start_mark.column if last.start_mark.column > dash + 1 else dash + 2
    pairs = last.value if isinstance(last, MappingNode) else ()
    keys = tuple(k.value for k, _ in pairs if isinstance(k, ScalarNode))
    return Style(" " * dash + "-" + " " * (column - dash - 1), " " * column, keys)


def _under(mapping: MappingNode, column: int) -> Style:
    """The style of a new block list under a key at `column`, indented as the file's
    other block lists are under theirs."""
    dash = column + _list_indent(mapping)
    return Style(" " * dash + "- ", " " * (dash + 2))


def _list_indent(mapping: MappingNode) -> int:
    """How far this file indents a block list's `-` under its key (2 by default)."""
    for key, value in mapping.value:
        if isinstance(value, SequenceNode) and not value.flow_style:
            return value.start_mark.column - key.start_mark.column
    return 2


def _keeps_breaks(front: str, node: Node) -> bool:
    """Whether `node` is a block scalar whose header says `+`: the blank lines after
    its text are part of its value."""
    if not isinstance(node, ScalarNode) or node.style not in ("|", ">"):
        return False
    header = re.match(r"[|>][0-9+-]*", front[node.start_mark.index :])
    return header is not None and "+" in header.group()


class _File:
    """A content file as lines with their own endings (split where
    `content.read_text` splits them), and its front matter's text and tree: what an
    edit needs to keep every byte it does not touch."""

    def __init__(self, data: bytes) -> None:
        self.bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
        pieces = re.split(r"(\r\n|\r|\n)", data[len(self.bom) :].decode("utf-8"))
        self.lines, ends = pieces[0::2], [*pieces[1::2], ""]
        self.text = "".join(line + end for line, end in zip(self.lines, ends, strict=True))
        lengths = (len(line) + len(end) for line, end in zip(self.lines, ends, strict=True))
        self.starts = list(accumulate(lengths, initial=0))
        self.newline = _newline(ends)
        self.close = _closing(self.lines)
        # Character offsets, not PyYAML's line numbers: it also breaks lines at U+2028.
        self.front = "\n".join(self.lines[1 : self.close])
        self.tree = _fields(self.front)

    def where(self, index: int) -> tuple[int, int]:
        """(file line, column), both from 0, of a character of the front matter."""
        start = self.front.rfind("\n", 0, index) + 1
        return self.front.count("\n", 0, index) + 1, index - start

    def offset(self, index: int) -> int:
        """Where a character of the front matter is in the file's text."""
        line, column = self.where(index)
        return self.starts[line] + column

    def line_start(self, line: int) -> int:
        """Where a file line starts in the file's text: block lines go in there."""
        return self.starts[line]

    def after(self, index: int) -> int:
        """The first line after text that ends at `index`: a block scalar's end is
        already at the start of the line that follows it."""
        line, column = self.where(index)
        return line if not self.lines[line][:column].strip() else line + 1

    def settle(self, line: int, last: Node) -> int:
        """`line`, moved up over the blank lines just before it, so that what goes
        there follows the text it joins, not the space before the next field; but not
        into the blank lines that `last`, a block scalar written `|+`, holds."""
        floor = self.after(last.end_mark.index) if _keeps_breaks(self.front, last) else 1
        while line > floor and not self.lines[line - 1].strip():
            line -= 1
        return line

    def trim_left(self, index: int) -> int:
        """`index`, moved left over the spaces before it, so that cutting a value
        leaves no whitespace after its key."""
        while index > 0 and self.front[index - 1] in " \t":
            index -= 1
        return index

    def apply(self, splices: list[_Splice]) -> bytes:
        """The file with each splice made (they do not overlap), as bytes."""
        text = self.text
        for start, end, new in sorted(splices, reverse=True):
            text = text[:start] + new.replace("\n", self.newline) + text[end:]
        return self.bom + text.encode("utf-8")


def _newline(ends: list[str]) -> str:
    """The line ending new lines take: the one most of the file's lines have."""
    counts = Counter(end for end in ends if end)
    return counts.most_common(1)[0][0] if counts else "\n"


def _closing(lines: list[str]) -> int:
    """The line that closes the front matter, found as `content.split_front_matter`
    finds it, so that the edit reads the fields `cohub check` reads."""
    if lines[0].rstrip() == "---":
        for index in range(1, len(lines)):
            if lines[index].rstrip() == "---":
                return index
    raise SpliceError("it has no front matter between two '---' lines")


def _fields(front: str) -> MappingNode:
    """The front matter's tree, which must be a mapping written as `key: value` lines."""
    try:
        fields = yaml.compose(front, Loader=_Loader)
    except yaml.YAMLError:
        fields = None
    if not isinstance(fields, MappingNode):
        raise SpliceError("its front matter is not a mapping of fields")
    if fields.flow_style:
        raise SpliceError("its front matter is written as one {…} mapping")
    return fields
