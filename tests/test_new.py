"""`cohub new`: the optional fields as comments, and `cohub new update`, which answers
an idea by appending to its file and changing nothing else in it."""

from __future__ import annotations

import os
import shutil
import textwrap
from datetime import date
from pathlib import Path

import pytest
from conftest import EPOCH, HUB_YAML, lines, read, write_hub

from builder import answer, cli
from builder import schema as s
from builder.content import load_file
from builder.errors import Problems
from builder.scaffold import KINDS, Examples
from builder.validate import validate

IDEA_PATH = "content/ideas/dark-mode.md"
PEOPLE = {
    "content/people/alice.md": "---\nname: Alice Ng\nteam: true\n---\nSupport.\n",
    "content/people/bob.md": "---\nname: Bob Stone\n---\nA customer.\n",
}

#: Comments, quoting, flow lists, odd key order and a body that looks like YAML.
COMMENTED = """\
---
# The idea, as Bob wrote it.
title: 'Dark mode: please'   # quoted on purpose
author: bob
submitted: 2026-03-02
tags: [ui, "night time"]
updates:
  # oldest first
  - date: 2026-03-03   # the next morning
    status: under-review
    by: alice
    note: >-
      Thanks, Bob. We'll look
      at it.
  # - date: 2026-03-09
  #   status: planned

# product: web
supporters:
  - alice
---
updates: not front matter
---
Please add a dark mode.
"""


@pytest.fixture(autouse=True)
def pinned_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def cohub(*args: str) -> int:
    return cli.main(list(args))


def update(root: Path, idea: str, *args: str) -> int:
    return cohub("new", "update", idea, *args, "--root", str(root))


def idea_hub(root: Path, text: str | bytes, path: str = IDEA_PATH) -> Path:
    """A hub with profiles for alice and bob and one idea written byte for byte."""
    write_hub(root, PEOPLE)
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return root


def last_update(root: Path, path: str = IDEA_PATH) -> dict:
    """The last update of the idea at `path`, as `cohub check` reads it."""
    reading = read(root)
    assert [d.text() for d in reading.problems.errors] == []
    item = next(item for item in reading.items if item.path == path)
    values = item.values["updates"][-1]
    return {k: str(v) if k == "date" else v.handle if k == "by" else v for k, v in values.items()}


def inserted(before: str, after: str) -> str:
    """The one run of text `after` adds to `before` (starting a line where it can);
    fails if anything else differs."""
    start = 0
    while start < len(before) and before[start] == after[start]:
        start += 1
    end = len(after) - (len(before) - start)
    assert after[:start] + after[end:] == before, "the edit changed more than it added"
    while start > 0 and after[start - 1] not in "\n" and after[start - 1] == after[end - 1]:
        start, end = start - 1, end - 1  # the same insertion, one character earlier
    return after[start:end]


# cohub new update: where the new item goes, and how it looks.


def test_update_round_trips_a_commented_file(tmp_path, capsys):
    root = idea_hub(tmp_path, COMMENTED)
    assert update(root, "dark-mode", "--status", "planned", "--by", "alice", "--note", "Soon.") == 0
    out, err = capsys.readouterr()
    assert (out, err) == (IDEA_PATH + "\n", "")
    after = (root / IDEA_PATH).read_text(encoding="utf-8")
    assert inserted(COMMENTED, after) == (
        "  - date: 2026-11-22\n    status: planned\n    by: alice\n    note: Soon.\n"
    )
    assert after.index("note: Soon.") < after.index("  # - date: 2026-03-09")
    assert last_update(root) == {
        "date": "2026-11-22",
        "status": "planned",
        "by": "alice",
        "note": "Soon.",
    }
    assert lines(root) == []


@pytest.mark.parametrize(
    ("items", "new"),
    [
        (
            "updates:\n- date: 2026-03-03\n  status: planned\n",
            "- date: 2026-03-04\n  status: shipped\n  by: alice\n",
        ),
        (
            "updates:\n  - date: 2026-03-03\n    status: planned\n",
            "  - date: 2026-03-04\n    status: shipped\n    by: alice\n",
        ),
        (
            "updates:\n    -   date: 2026-03-03\n        status: planned\n",
            "    -   date: 2026-03-04\n        status: shipped\n        by: alice\n",
        ),
        (
            "updates:\n  - {date: 2026-03-03, status: planned}\n",
            "  - date: 2026-03-04\n    status: shipped\n    by: alice\n",
        ),
        (  # the new item lists its fields in the order the last one does
            "updates:\n  - status: planned\n    by: bob\n    date: 2026-03-03\n",
            "  - status: shipped\n    by: alice\n    date: 2026-03-04\n",
        ),
    ],
    ids=["column-0", "indented", "wide", "flow-item", "key-order"],
)
def test_update_follows_the_indentation_of_the_list(tmp_path, items, new):
    text = f"---\ntitle: Dark mode\nsubmitted: 2026-03-02\nauthor: bob\n{items}tags: [ui]\n---\nPlease.\n"
    root = idea_hub(tmp_path, text)
    args = ("--status", "shipped", "--by", "alice", "--date", "2026-03-04")
    assert update(root, "dark-mode", *args) == 0
    assert inserted(text, (root / IDEA_PATH).read_text(encoding="utf-8")) == new
    assert last_update(root) == {"date": "2026-03-04", "status": "shipped", "by": "alice"}


def test_update_keeps_crlf_and_the_bom(tmp_path):
    text = (
        "---\r\ntitle: Dark mode\r\nsubmitted: 2026-03-02\r\nauthor: bob\r\n"
        "updates:\r\n  - date: 2026-03-03\r\n    status: planned # ok\r\n---\r\nPlease.\r\n"
    )
    data = b"\xef\xbb\xbf" + text.encode("utf-8")
    root = idea_hub(tmp_path, data)
    note = "Line one.\n\nLine two."
    assert update(root, "dark-mode", "--status", "shipped", "--by", "bob", "--note", note) == 0
    after = (root / IDEA_PATH).read_bytes()
    assert after.startswith(b"\xef\xbb\xbf---\r\n")
    assert after.count(b"\n") == after.count(b"\r\n")
    assert inserted(text, after[3:].decode("utf-8")) == (
        "  - date: 2026-11-22\r\n    status: shipped\r\n    by: bob\r\n"
        "    note: |-\r\n      Line one.\r\n\r\n      Line two.\r\n"
    )
    assert last_update(root)["note"] == note


def test_update_adds_the_key_at_the_end_of_the_front_matter(tmp_path):
    text = (
        "---\ntitle: Dark mode\nsubmitted: 2026-03-02\nauthor: bob\n"
        "# updates:\n#   - date: 2026-03-03\ntags:\n    - ui\n\n---\nPlease.\n"
    )
    root = idea_hub(tmp_path, text)
    assert update(root, "dark-mode", "--status", "planned", "--by", "alice") == 0
    after = (root / IDEA_PATH).read_text(encoding="utf-8")
    # Under the last field, before the blank line; indented like the file's other list.
    assert inserted(text, after) == (
        "updates:\n    - date: 2026-11-22\n      status: planned\n      by: alice\n"
    )
    assert "# updates:\n#   - date: 2026-03-03\n" in after
    assert last_update(root) == {"date": "2026-11-22", "status": "planned", "by": "alice"}


@pytest.mark.parametrize(
    ("value", "after"),
    [
        ("updates: []  # none yet", "updates:  # none yet\n  - date: 2026-11-22\n"),
        ("updates:", "updates:\n  - date: 2026-11-22\n"),
        ("updates: ~", "updates:\n  - date: 2026-11-22\n"),
        (
            "updates: [{date: 2026-03-03, status: planned}]",
            "updates: [{date: 2026-03-03, status: planned}, "
            '{date: 2026-11-22, status: shipped, by: alice, note: "Done: in 2.0."}]',
        ),
        (
            "updates: [\n    {date: 2026-03-03, status: planned},  # first\n  ]",
            "updates: [\n    {date: 2026-03-03, status: planned}, "
            '{date: 2026-11-22, status: shipped, by: alice, note: "Done: in 2.0."},  # first\n  ]',
        ),
    ],
    ids=["empty-flow", "null", "tilde", "flow", "flow-multiline"],
)
def test_update_rewrites_only_an_empty_or_flow_value(tmp_path, value, after):
    head = "---\ntitle: Dark mode\nsubmitted: 2026-03-02\nauthor: bob\n"
    root = idea_hub(tmp_path, f"{head}{value}\ntags: [ui]\n---\nPlease.\n")
    args = ("--status", "shipped", "--by", "alice", "--note", "Done: in 2.0.")
    assert update(root, "dark-mode", *args) == 0
    text = (root / IDEA_PATH).read_text(encoding="utf-8")
    assert text.startswith(head + after)
    assert text.endswith("\ntags: [ui]\n---\nPlease.\n")
    assert last_update(root) == {
        "date": "2026-11-22",
        "status": "shipped",
        "by": "alice",
        "note": "Done: in 2.0.",
    }


def test_update_after_a_kept_block_scalar_keeps_its_blank_lines(tmp_path):
    text = (
        "---\ntitle: Dark mode\nsubmitted: 2026-03-02\nauthor: bob\nupdates:\n"
        "  - date: 2026-03-03\n    status: planned\n    note: |+\n      Kept.\n\n"
        "tags: [ui]\n---\nPlease.\n"
    )
    root = idea_hub(tmp_path, text)
    assert update(root, "dark-mode", "--status", "shipped", "--by", "alice") == 0
    reading = read(root)
    assert reading.problems.errors == []
    notes = [u.get("note") for u in reading.items[0].values["updates"]]
    assert notes == ["Kept.\n\n", None]


def test_update_counts_lines_as_the_file_does(tmp_path):
    """YAML also breaks lines at U+2028, which a content file's lines do not: one
    quoted in an earlier field does not move where the update goes."""
    text = (
        '---\ntitle: "Dark\u2028mode"\nsubmitted: 2026-03-02\nauthor: bob\nupdates:\n'
        "  - date: 2026-03-05\n    status: planned\n---\nPlease.\n"
    )
    root = idea_hub(tmp_path, text)
    assert update(root, "dark-mode", "--status", "shipped", "--by", "alice") == 0
    after = (root / IDEA_PATH).read_text(encoding="utf-8")
    assert inserted(text, after) == "  - date: 2026-11-22\n    status: shipped\n    by: alice\n"


def test_update_accepts_the_idea_as_a_path(tmp_path, capsys):
    root = idea_hub(tmp_path, COMMENTED)
    assert update(root, IDEA_PATH, "--status", "planned", "--by", "alice") == 0
    assert capsys.readouterr().out == IDEA_PATH + "\n"


def test_update_quotes_handles_yaml_would_read_otherwise(tmp_path):
    root = idea_hub(tmp_path, "---\ntitle: Dark mode\nsubmitted: 2026-03-02\nauthor: bob\n---\n")
    assert update(root, "dark-mode", "--status", "planned", "--by", "yes") == 0
    assert update(root, "dark-mode", "--status", "planned", "--by", "2026") == 0
    text = (root / IDEA_PATH).read_text(encoding="utf-8")
    assert 'by: "yes"\n' in text and 'by: "2026"\n' in text
    assert last_update(root)["by"] == "2026"


def test_update_takes_a_date_time_with_an_offset(tmp_path):
    root = idea_hub(tmp_path, "---\ntitle: Dark mode\nsubmitted: 2026-03-02\nauthor: bob\n---\n")
    args = ("--status", "planned", "--by", "alice", "--date", "2026-03-03T09:30:00+01:00")
    assert update(root, "dark-mode", *args) == 0
    assert "  - date: 2026-03-03T09:30:00+01:00\n" in (root / IDEA_PATH).read_text()
    assert last_update(root)["date"] == "2026-03-03"


def test_a_long_note_is_folded_like_the_example_hub(tmp_path):
    root = idea_hub(tmp_path, "---\ntitle: Dark mode\nsubmitted: 2026-03-02\nauthor: bob\n---\n")
    note = " ".join(["Thanks, Bob: this is #1 on our list for the spring release."] * 4)
    assert update(root, "dark-mode", "--status", "planned", "--by", "alice", "--note", note) == 0
    text = (root / IDEA_PATH).read_text(encoding="utf-8")
    assert "    note: >-\n      Thanks, Bob:" in text
    assert max(len(line) for line in text.splitlines()) <= answer.WIDTH
    assert last_update(root)["note"] == note


TRICKY_NOTES = [
    "Plain enough.",
    "# not a heading to YAML",
    "key: value, and a # hash",
    "---",
    "...",
    "- a list\n- of things",
    "---\nlooks like front matter\n---",
    "  leading spaces",
    "  leading spaces\n  on two lines",
    "\tleading tab",
    "\n\nleading blank lines",
    "blank\n\n\nlines inside",
    "trailing newline\n",
    "two trailing newlines\n\n",
    "trailing spaces  \nare a hard break",
    "trailing space ",
    "\"double\" and 'single' quotes",
    "'starts with a quote'",
    "yes",
    "123",
    "null",
    "~",
    "2026-03-02",
    "[not, a, list]",
    "{not: a mapping}",
    "&anchor *alias !tag %directive @at `tick` | pipe > gt",
    "Zoë, 日本語, עברית, emoji 🎉, café",
    "line\u2028separator and \u2029 paragraph and \ufeff bom",
    "a\\backslash and \\n not a newline",
    "tabs\tinside\tthe text",
    "x" * 200,
    "double  spaces  " * 10 + "end",
    "|\n>",
]

LAYOUTS = {
    "none": "",
    "block": "updates:\n  - date: 2026-03-03\n    status: planned\n",
    "flow": "updates: [{date: 2026-03-03, status: planned}]\n",
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("note", TRICKY_NOTES)
def test_tricky_notes_read_back_exactly(tmp_path, note, layout):
    text = f"---\ntitle: Dark mode\nsubmitted: 2026-03-02\nauthor: bob\n{LAYOUTS[layout]}---\nHi.\n"
    root = idea_hub(tmp_path, text)
    # `--note=…`, as a shell user would for a note starting with `-`.
    assert update(root, "dark-mode", "--status", "planned", "--by", "alice", f"--note={note}") == 0
    assert last_update(root)["note"] == note
    after = (root / IDEA_PATH).read_text(encoding="utf-8")
    assert inserted(text, after)  # nothing but the new update changed
    assert [d for d in lines(root) if ": error: " in d] == []


# Refusals: what `cohub check` would reject never reaches the file.

FILED = """\
---
title: Dark mode
submitted: 2026-03-02
author: bob
updates:
  - date: 2026-03-05
    status: planned
---
Please.
"""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["dark-mod", "--status", "planned", "--by", "alice"],
            "no idea 'dark-mod' in content/ideas/ (did you mean 'dark-mode'?)",
        ),
        (
            ["zzz", "--status", "planned", "--by", "alice"],
            "no idea 'zzz' in content/ideas/ (give the idea's file name without .md)",
        ),
        (
            ["dark-mode", "--status", "done", "--by", "alice"],
            "unknown status 'done' (did you mean 'shipped'?)",
        ),
        (
            ["dark-mode", "--status", "plannd", "--by", "alice"],
            "unknown status 'plannd' (did you mean 'planned'?)",
        ),
        (
            ["dark-mode", "--status", "zzz", "--by", "alice"],
            "unknown status 'zzz' (one of new, under-review, planned, in-progress, shipped, "
            "declined)",
        ),
        (
            ["dark-mode", "--by", "alice"],
            "cohub new update needs --status STATUS (one of new, under-review, planned, "
            "in-progress, shipped, declined)",
        ),
        (
            ["dark-mode", "--status", "planned"],
            "cohub new update needs --by HANDLE (who answered)",
        ),
        (
            ["dark-mode", "--status", "declined", "--by", "alice"],
            "a 'declined' update needs --note TEXT saying why (telling people why is the point)",
        ),
        (
            ["dark-mode", "--status", "planned", "--by", "alice", "--date", "2026-03-04"],
            "--date 2026-03-04 is before the idea's last update, 2026-03-05",
        ),
        (
            ["dark-mode", "--status", "planned", "--by", "alice", "--date", "2026-02-30"],
            "--date: expected a date (YYYY-MM-DD), found '2026-02-30' (February 2026 has 28 days)",
        ),
        (
            ["dark-mode", "--status", "planned", "--by", "alice", "--date", "2026-3-7"],
            "--date: expected a date (YYYY-MM-DD), found '2026-3-7' (write it as 2026-03-07)",
        ),
        (
            ["dark-mode", "--status", "planned", "--by", "alice", "--note", "ding\a"],
            "--note holds a control character (U+0007) at line 1, column 5 (remove it)",
        ),
        (
            ["dark-mode", "--status", "planned", "--by", "alice", "--note", "a\r\nb"],
            "--note holds a control character (U+000D) at line 1, column 2 (remove it)",
        ),
        (
            ["dark-mode", "--status", "planned", "--by", "alice", "--note", "ok\nno\ufffe"],
            "--note holds a Unicode non-character (U+FFFE) at line 2, column 3 (remove it)",
        ),
        (
            ["dark-mode", "--status", "planned", "--by", "alice", "--note", "bad \udcff"],
            "--note is not UTF-8 (byte 0xff at line 1, column 5)",
        ),
        (
            ["dark-mode", "--status", "planned", "--by", "alice", "--note", " \n "],
            "--note is empty (leave it out, or write the answer)",
        ),
        (
            ["dark-mode", "--status", "planned", "--by", "Alice Ng"],
            "--by must be a handle (lower-case letters and digits, words joined by single "
            "hyphens), found 'Alice Ng'",
        ),
        (
            ["dark-mode", "--status", "planned", "--by", "@alice"],
            "--by must be a handle (lower-case letters and digits, words joined by single "
            "hyphens), found '@alice' (write alice: handles have no @)",
        ),
        (
            ["dark-mode", "--status", "planned", "--by", "alcie"],
            "--by 'alcie' has no profile in content/people/ (did you mean 'alice'?)",
        ),
        (
            ["dark-mode", "--status", "planned", "--by", "alice", "--author", "bob"],
            "--author is for cohub new idea; an update is signed with --by",
        ),
    ],
)
def test_update_refuses_what_check_would_reject(tmp_path, capsys, args, message):
    root = idea_hub(tmp_path, FILED)
    assert update(root, *args) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"cohub: {message}\n")
    assert (root / IDEA_PATH).read_text(encoding="utf-8") == FILED
    assert os.listdir(root / "content/ideas") == ["dark-mode.md"]


def test_update_refuses_a_date_before_submitted(tmp_path, capsys):
    root = idea_hub(tmp_path, "---\ntitle: Dark mode\nsubmitted: 2026-03-02\nauthor: bob\n---\n")
    args = ("--status", "planned", "--by", "alice", "--date", "2026-03-01")
    assert update(root, "dark-mode", *args) == 2
    assert capsys.readouterr().err == (
        "cohub: --date 2026-03-01 is before the idea was submitted, 2026-03-02\n"
    )


def test_update_says_when_today_is_too_early(tmp_path, capsys):
    root = idea_hub(tmp_path, FILED.replace("2026-03-05", "2026-12-24"))
    assert update(root, "dark-mode", "--status", "shipped", "--by", "alice") == 2
    assert capsys.readouterr().err == (
        "cohub: today, 2026-11-22, is before the idea's last update, 2026-12-24 (pass --date D)\n"
    )


def test_update_may_share_the_last_update_s_day(tmp_path):
    root = idea_hub(tmp_path, FILED)
    args = ("--status", "in-progress", "--by", "alice", "--date", "2026-03-05")
    assert update(root, "dark-mode", *args) == 0


def test_update_refuses_a_file_with_errors(tmp_path, capsys):
    broken = FILED.replace("status: planned", "status: plannned")
    root = idea_hub(tmp_path, broken)
    assert update(root, "dark-mode", "--status", "shipped", "--by", "alice") == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "content/ideas/dark-mode.md:7:13: error: updates[1].status: expected one of new, "
        "under-review, planned, in-progress, shipped, declined; found 'plannned' "
        "(did you mean 'planned'?)\n"
        "cohub: content/ideas/dark-mode.md has 1 error (above): fix it first\n"
    )
    assert (root / IDEA_PATH).read_text(encoding="utf-8") == broken


def test_update_refuses_front_matter_written_as_one_flow_mapping(tmp_path, capsys):
    text = "---\n{title: Dark mode, submitted: 2026-03-02, author: bob}\n---\n"
    root = idea_hub(tmp_path, text)
    assert update(root, "dark-mode", "--status", "planned", "--by", "alice") == 1
    assert capsys.readouterr().err == (
        "cohub: cannot add an update to content/ideas/dark-mode.md: its front matter is "
        "written as one {…} mapping (add the update by hand)\n"
    )
    assert (root / IDEA_PATH).read_text(encoding="utf-8") == text


def test_an_edit_that_does_not_read_back_is_undone(tmp_path, capsys, monkeypatch):
    """The check after writing, against a bug in the edit itself: simulated here by an
    edit that drops the note and an in-memory check that lets it through."""
    root = idea_hub(tmp_path, FILED)
    real = answer._edits

    def lossy(data, item, given):
        for edited in real(data, item, given):
            yield edited.replace(b"    note: Why.\n", b"")

    monkeypatch.setattr(answer, "_edits", lossy)
    monkeypatch.setattr(answer, "_reads_back", lambda *args: True)
    args = ("--status", "shipped", "--by", "alice", "--note", "Why.")
    assert update(root, "dark-mode", *args) == 1
    assert capsys.readouterr().err == (
        "cohub: the edit of content/ideas/dark-mode.md did not read back as written, so the "
        "file is as it was (a bug in cohub: please report it)\n"
    )
    assert (root / IDEA_PATH).read_text(encoding="utf-8") == FILED
    assert os.listdir(root / "content/ideas") == ["dark-mode.md"]


def test_update_options_belong_to_update(tmp_path, capsys):
    root = idea_hub(tmp_path, FILED)
    assert cohub("new", "page", "About", "--status", "planned", "--root", str(root)) == 2
    assert (
        capsys.readouterr().err == "cohub: --status is for cohub new update, not cohub new page\n"
    )
    args = ("new", "idea", "Dark", "--author", "bob", "--by", "a", "--note", "n", "--date", "d")
    assert cohub(*args, "--root", str(root)) == 2
    assert capsys.readouterr().err == (
        "cohub: --by, --note and --date are for cohub new update, not cohub new idea\n"
    )
    assert not (root / "content/pages").exists()


# cohub new: every optional field of the schema, as a comment.


def front_matter(text: str) -> list[str]:
    return text.split("---\n")[1].splitlines()


@pytest.mark.parametrize("kind", KINDS)
def test_new_files_pass_check_and_comment_every_optional_field(tmp_path, capsys, kind):
    root = write_hub(tmp_path, {})
    assert cohub("new", kind, "Dark mode", "--author", "bob", "--root", str(root)) == 0
    rel = capsys.readouterr().out.strip()
    text = (root / rel).read_text(encoding="utf-8")
    record = KINDS[kind].record
    front = front_matter(text)
    required = [f.name for f in record.fields if f.required]
    assert [line.partition(":")[0] for line in front[: len(required)]] == required
    comments = [line for line in front[len(required) :] if not line.startswith("#  ")]
    optional = [f for f in record.fields if not f.required]
    assert [line.split(":")[0] for line in comments] == [f"# {f.name}" for f in optional]
    for field, line in zip(optional, comments, strict=True):
        hint = field.doc or field.type.describe
        assert line.endswith(hint) or f"# {hint}: " in line, line
    assert [d for d in lines(root) if ": error: " in d] == []


@pytest.mark.parametrize("kind", KINDS)
def test_each_commented_example_is_a_valid_value(tmp_path, capsys, kind):
    """Uncommented, every example of a new file validates: the examples show the
    right shape for each field's type."""
    root = write_hub(tmp_path, {})
    assert cohub("new", kind, "Dark mode", "--author", "bob", "--root", str(root)) == 0
    path = root / capsys.readouterr().out.strip()
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    uncommented = "\n".join(line.removeprefix("# ") for line in front.splitlines())
    path.write_text(f"---\n{uncommented}\n---\n{body}", encoding="utf-8")
    problems = Problems()
    rel = path.relative_to(root).as_posix()
    item = validate(load_file(path, rel, KINDS[kind].folder, problems), problems, {"web"})
    assert [d.text() for d in problems.errors] == []
    optional = {f.name for f in KINDS[kind].record.fields if not f.required}
    assert optional <= set(item.values)


def test_new_idea_shows_an_update_and_a_product_of_this_hub(tmp_path, capsys):
    hub_yaml = HUB_YAML.replace("  web: Web app\n", "")
    root = write_hub(tmp_path, {}, hub_yaml)
    assert cohub("new", "idea", "Dark mode", "--author", "bob", "--root", str(root)) == 0
    text = (root / IDEA_PATH).read_text(encoding="utf-8")
    front = front_matter(text)
    assert front[:3] == ['title: "Dark mode"', "submitted: 2026-11-22", "author: bob"]
    assert front[3].startswith("# product: mobile ")
    start = next(n for n, line in enumerate(front) if line.startswith("# updates:"))
    shown = [line.split("  #")[0].rstrip() for line in front[start : start + 6]]
    assert shown == [
        "# updates:",
        "#   - date: 2026-11-22",
        "#     status: new",
        "#     by: sarah-merion",
        "#     note: |",
        "#       Markdown, on as many lines as it needs.",
    ]


def test_new_person_offers_to_leave_the_hub(tmp_path, capsys):
    root = write_hub(tmp_path, {})
    assert cohub("new", "person", "Zoë Ávila", "--root", str(root)) == 0
    text = (root / "content/people/zoe-avila.md").read_text(encoding="utf-8")
    assert "# public: false " in text and "# team: true " in text


def test_the_examples_cover_every_field_type_of_the_schemas():
    examples = Examples(date(2026, 11, 22), ("web",))
    for record in (*(t.record for t in s.CONTENT_TYPES.values()), s.HUB):
        for field in record.fields:
            assert examples.rows(field), field.name


def test_update_on_a_fresh_idea_keeps_its_comments(tmp_path, capsys):
    root = write_hub(tmp_path, PEOPLE)
    assert cohub("new", "idea", "Dark mode", "--author", "bob", "--root", str(root)) == 0
    fresh = (root / IDEA_PATH).read_text(encoding="utf-8")
    note = "Thanks, Bob!\n\nWe're on it."
    assert update(root, "dark-mode", "--status", "planned", "--by", "alice", "--note", note) == 0
    after = (root / IDEA_PATH).read_text(encoding="utf-8")
    assert inserted(fresh, after) == textwrap.dedent(
        """\
        updates:
          - date: 2026-11-22
            status: planned
            by: alice
            note: |-
              Thanks, Bob!

              We're on it.
        """
    )
    assert after.index("# updates:") < after.index("\nupdates:\n")
    assert last_update(root) == {
        "date": "2026-11-22",
        "status": "planned",
        "by": "alice",
        "note": note,
    }
    assert capsys.readouterr().out == f"{IDEA_PATH}\n{IDEA_PATH}\n"


def test_a_literal_note_ending_the_front_matter_keeps_its_bytes(tmp_path):
    """A `|` note on the last lines of the front matter has no line break to keep
    there (the front matter ends); it gains one when a new item follows it, which is
    the one difference the edit allows, since the bytes stay the same."""
    text = (
        "---\ntitle: Dark mode\nsubmitted: 2026-03-02\nauthor: bob\nupdates:\n"
        "  - date: 2026-03-03\n    status: planned\n    note: |\n      First.\n\n      Second.\n"
        "---\nPlease.\n"
    )
    root = idea_hub(tmp_path, text)
    assert update(root, "dark-mode", "--status", "shipped", "--by", "alice") == 0
    after = (root / IDEA_PATH).read_text(encoding="utf-8")
    assert inserted(text, after) == "  - date: 2026-11-22\n    status: shipped\n    by: alice\n"
    notes = [u.get("note") for u in read(root).items[0].values["updates"]]
    assert notes == ["First.\n\nSecond.\n", None]


def test_every_idea_of_the_example_hub_takes_an_update(tmp_path, monkeypatch):
    """The example hub's ideas, written by hand in several styles, each take an
    answer (half of them as CRLF files with a BOM), and the hub still checks clean."""
    root = Path(__file__).resolve().parent.parent
    hub = tmp_path / "hub"
    shutil.copytree(root / "content", hub / "content")
    shutil.copy(root / "hub.yaml", hub / "hub.yaml")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1895305600")  # 2030, after every update
    ideas = sorted((hub / "content/ideas").glob("*.md"))
    for n, path in enumerate(ideas):
        if n % 2:
            path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
        before = path.read_bytes()
        note = TRICKY_NOTES[n % len(TRICKY_NOTES)]
        args = ("--status", "declined", "--by", "maya-okafor", f"--note={note}")
        assert update(hub, path.stem, *args) == 0, path.name
        after = path.read_bytes()
        assert inserted(before.decode("utf-8"), after.decode("utf-8"))
        assert after.count(b"\r\n") == (after.count(b"\n") if n % 2 else 0)
        problems = Problems()
        rel = path.relative_to(hub).as_posix()
        item = validate(load_file(path, rel, "ideas", problems), problems, None)
        assert (problems.errors, item.values["updates"][-1]["note"]) == ([], note)
    assert [d for d in lines(hub, epoch="1895305600") if ": error: " in d] == []


def test_update_reads_the_file_within_the_hub_s_own_limits(tmp_path, capsys):
    """A hub that raised a limit in hub.yaml: the idea passes check there, so new
    update must read it with the same limits, not the defaults."""
    many = "".join(f"  - p{n}\n" for n in range(1_200))
    root = idea_hub(tmp_path, COMMENTED.replace("supporters:\n  - alice\n", f"supporters:\n{many}"))
    assert update(root, "dark-mode", "--status", "planned", "--by", "alice") == 1
    capsys.readouterr()
    hub_yaml = root / "hub.yaml"
    hub_yaml.write_text(HUB_YAML + "limits:\n  list_length: 2000\n", encoding="utf-8")
    assert [line for line in lines(root) if ": error:" in line] == []
    assert update(root, "dark-mode", "--status", "planned", "--by", "alice") == 0
    (idea,) = [item for item in read(root).items if item.path == IDEA_PATH]
    assert [u["status"] for u in idea.values["updates"]] == [
        "under-review",
        "planned",
    ]
