"""Values written into front matter as text, so every other byte of a file stays.

A file is never re-dumped: a value goes in as a quoted scalar (JSON strings are valid
YAML), and a list item is spliced in where the parsed tree says the list ends, in the
style and indentation the file already uses, with its line endings and BOM.
"""

from __future__ import annotations

import json
import re

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver


class SpliceError(Exception):
    """The file cannot take the value without being rewritten."""


def quoted(text: str) -> str:
    """A YAML double-quoted scalar: JSON strings are YAML, and escaping the line and
    paragraph separators keeps YAML from folding them into spaces."""
    return (
        json.dumps(text, ensure_ascii=False)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .replace("\x85", "\\x85")
    )


def scalar(text: str) -> str:
    """Plain words as they are when YAML reads them as text (not `true`, `null` or
    `2026`), anything else quoted."""
    if _PLAIN.fullmatch(text) and Resolver().resolve(ScalarNode, text, (True, False)).endswith(
        ":str"
    ):
        return text
    return quoted(text)


#: Letters, digits and inner spaces, dots, underscores and hyphens: nothing YAML
#: gives a meaning to, in a block or in a flow list.
_PLAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 ._-]*[A-Za-z0-9])?")


def append_item(data: bytes, key: str, item: str) -> bytes:
    """The file with `item` (YAML text: see `scalar`) added at the end of the list
    under its front matter's `key`, every other byte as it was: a new line under a
    block list in that list's style, a new entry in a flow list, or the key, with a
    block list of one, at the end of the front matter."""
    bom = data.startswith(b"\xef\xbb\xbf")
    pieces = re.split(r"(\r\n|\r|\n)", data.decode("utf-8-sig"))
    lines, ends = pieces[0::2], [*pieces[1::2], ""]
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if lines[0].rstrip() != "---" or close is None:
        raise SpliceError("it has no front matter between two '---' lines")
    # Character offsets, not PyYAML's line numbers: it also breaks lines at U+2028.
    front = "\n".join(lines[1:close])
    try:
        fields = yaml.compose(front, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        fields = None
    if not isinstance(fields, MappingNode) or fields.flow_style:
        raise SpliceError("its front matter is not a plain mapping of fields")

    def where(index: int) -> tuple[int, int]:
        """(file line, column) of a character of the front matter."""
        return front.count("\n", 0, index) + 1, index - (front.rfind("\n", 0, index) + 1)

    def splice(index: int, text: str) -> None:
        line, column = where(index)
        lines[line] = lines[line][:column] + text + lines[line][column:]

    def new_lines(before: int, *texts: str) -> None:
        # New lines take the file's own line ending; the line before keeps its own.
        lines[before:before] = texts
        ends[before:before] = [ends[0] or "\n"] * len(texts)

    step = _list_indent(fields)
    found = next((v for k, v in fields.value if isinstance(k, ScalarNode) and k.value == key), None)
    if found is None:
        indent = " " * fields.value[0][0].start_mark.column if fields.value else ""
        new_lines(close, f"{indent}{key}:", f"{indent}{' ' * step}- {item}")
    elif isinstance(found, ScalarNode) and found.tag.endswith(":null"):
        start, stop = found.start_mark.index, found.end_mark.index
        if stop > start:  # an explicit `~` or `null`
            line, column = where(start)
            lines[line] = lines[line][:column] + f"[{item}]" + lines[line][column + stop - start :]
        else:  # `key:` and nothing after it but perhaps a comment
            key_node = next(k for k, v in fields.value if v is found)
            line, _ = where(key_node.start_mark.index)
            new_lines(line + 1, f"{' ' * (key_node.start_mark.column + step)}- {item}")
    elif not isinstance(found, SequenceNode):
        raise SpliceError(f"its {key} is not a list")
    elif found.flow_style and found.value:
        splice(found.value[-1].end_mark.index, ", " + item)
    elif found.flow_style:
        bracket = found.end_mark.index - 1
        if front[bracket] != "]":
            raise SpliceError(f"its {key} list is not closed by ']'")
        splice(bracket, item)
    else:
        last = found.value[-1]
        line, _ = where(len(front[: _end(last)].rstrip()) - 1)
        first, column = where(last.start_mark.index)
        dash = lines[first][:column]
        if not re.fullmatch(r"[ \t]*-[ \t]+", dash):
            dash = " " * found.start_mark.column + "- "
        new_lines(line + 1, dash + item)
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def _end(node: Node) -> int:
    """Where a node's text ends: block collections end at the next token, so look
    at their last child."""
    if isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _end(last[1] if isinstance(node, MappingNode) else last)
    return node.end_mark.index


def _list_indent(mapping: MappingNode) -> int:
    """How far this file indents a block list's `-` under its key (2 by default)."""
    for key, value in mapping.value:
        if isinstance(value, SequenceNode) and not value.flow_style:
            return value.start_mark.column - key.start_mark.column
    return 2
