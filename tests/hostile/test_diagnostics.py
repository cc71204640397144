"""Diagnostics are data: a path, field or value from the content is printed escaped,
one diagnostic per line, in every format, and `--format github` emits no workflow
command but its own annotations.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from conftest import HUB_YAML

from builder.check import run_check
from builder.errors import Diagnostic, Pos, Problems, Severity, shown

#: A value made to break out: a newline starting a workflow command, ANSI escapes
#: that clear the terminal, a bidirectional override, GitHub's own escapes.
EVIL = "\n::warning file=x::owned\x1b[2J\u202e%0A"
EVIL_SHOWN = "\\n::warning file=x::owned\\x1b[2J\\u202e%0A"
NAME = "x\n::error::owned\x1b[31m"
NAME_SHOWN = "x\\n::error::owned\\x1b[31m"
KNOWN = (
    "title, submitted, author, product, tags, supporters, round, duplicate_of, updates, "
    "source, draft, aliases"
)


@pytest.fixture
def evil_hub(tmp_path):
    """A hub whose one idea has a name and a YAML key made to break out."""
    (tmp_path / "hub.yaml").write_text(HUB_YAML)
    (tmp_path / "content/ideas").mkdir(parents=True)
    key = EVIL.replace("\n", "\\n").replace("\x1b", "\\e").replace("\u202e", "\\u202e")
    (tmp_path / f"content/ideas/{NAME}.md").write_text(
        f'---\ntitle: T\nsubmitted: 2026-03-02\nauthor: bob\n"{key}": 1\n---\nWords.\n'
    )
    return tmp_path


def check(root, format: str) -> str:
    out = io.StringIO()
    run_check(root, format=format, out=out, err=io.StringIO())
    return out.getvalue()


def test_text_prints_one_line_per_diagnostic_with_every_value_escaped(evil_hub):
    assert check(evil_hub, "text").splitlines() == [
        f"content/ideas/{NAME_SHOWN}.md:1:1: error: file name '{NAME_SHOWN}.md' is not a "
        "valid slug (lower-case letters and digits, words joined by single hyphens) "
        "(rename it to x-error-owned-31m.md)",
        f"content/ideas/{NAME_SHOWN}.md:5:1: error: {EVIL_SHOWN}: unknown field "
        f"'{EVIL_SHOWN}' in an idea (known fields: {KNOWN})",
    ]


def test_github_emits_only_its_own_annotations(evil_hub):
    """GitHub reads a workflow command from the start of any line of output; values
    are escaped as its toolkit escapes them (`%`, CR, LF in data; `:` and `,` too in
    properties), and no raw line break is left to start one."""
    path = f"content/ideas/{NAME_SHOWN}.md".replace(":", "%3A")
    assert check(evil_hub, "github").splitlines() == [
        f"::error file={path},line=1,col=1::file name '{NAME_SHOWN}.md' is not a valid slug "
        "(lower-case letters and digits, words joined by single hyphens) "
        "(rename it to x-error-owned-31m.md)",
        f"::error file={path},line=5,col=1::{EVIL_SHOWN.replace('%', '%25')}: unknown field "
        f"'{EVIL_SHOWN.replace('%', '%25')}' in an idea (known fields: {KNOWN})",
    ]


def test_json_values_are_escaped_too(evil_hub):
    """A consumer that prints a JSON value as it is gets no escape sequence either."""
    found = json.loads(check(evil_hub, "json"))
    assert [(d["path"], d["field"]) for d in found] == [
        (f"content/ideas/{NAME_SHOWN}.md", ""),
        (f"content/ideas/{NAME_SHOWN}.md", EVIL_SHOWN),
    ]
    assert found[1]["message"] == f"unknown field '{EVIL_SHOWN}' in an idea"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("tab\there", "tab\\there"),
        ("\x00\x07\x7f\x85\x9f", "\\x00\\x07\\x7f\\x85\\x9f"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("\u202aembed\u202e\u2066\u2069", "\\u202aembed\\u202e\\u2066\\u2069"),
        ("\ufdd0\ufffe\U0001ffff\U0010fffe", "\\ufdd0\\ufffe\\U0001ffff\\U0010fffe"),
        ("\ud800", "\\ud800"),
        ("plain café ✓ %0A \\n", "plain café ✓ %0A \\n"),
    ],
)
def test_what_is_escaped_and_what_is_not(raw, escaped):
    assert shown(raw) == escaped
    diagnostic = Diagnostic(raw, 1, 1, Severity.WARNING, raw, raw, raw)
    assert (diagnostic.path, diagnostic.message, diagnostic.field, diagnostic.hint) == (
        (escaped,) * 4
    )


def test_escaping_is_done_once_however_often_a_diagnostic_is_remade():
    """The pipeline moves diagnostics with `dataclasses.replace`: escaping twice would
    turn `\\n` into `\\\\n`."""
    problems = Problems()
    problems.error("a\nb", Pos(), "m\x1b")
    moved = replace(problems.items[0], line=7)
    assert moved.text() == "a\\nb:7:1: error: m\\x1b"


def test_a_lone_surrogate_cannot_break_the_json_output():
    """JSON is printed as UTF-8, which has no lone surrogates: escaped first."""
    text = json.dumps({"m": Diagnostic("p", 1, 1, Severity.ERROR, "\udc80").message})
    assert text.encode("utf-8") == b'{"m": "\\\\udc80"}'


def test_a_megabyte_of_content_in_a_message_is_clipped(tmp_path):
    (tmp_path / "hub.yaml").write_text(HUB_YAML)
    (tmp_path / "content/ideas").mkdir(parents=True)
    digits = "1" * 100_000  # more digits than Python converts to an int
    (tmp_path / "content/ideas/big.md").write_text(
        f"---\ntitle: T\nsubmitted: 2026-03-02\nauthor: bob\nx: {digits}\n---\n"
    )
    assert check(tmp_path, "text").splitlines() == [
        f"content/ideas/big.md:5:4: error: '{'1' * 59}…' is not a number (quote it)"
    ]
    long = Diagnostic("p", 1, 1, Severity.ERROR, "m" * 5000, "f" * 5000, "h" * 5000)
    assert (len(long.message), len(long.field), len(long.hint)) == (1000, 1000, 1000)
    assert long.message.endswith("m…")
