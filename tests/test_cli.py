"""The command line: exit codes, output formats, and `cohub new`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import EPOCH, lines

from builder import cli

GOOD_IDEA = """
    ---
    title: Dark mode
    submitted: 2026-03-02
    author: bob
    ---
    Please.
"""

WARNED_IDEA = """
    ---
    title: Dark mode
    submitted: 2026-03-02
    author: bob
    updates:
      - date: 2026-03-03
        status: planned
    ---
"""

BAD_IDEA = """
    ---
    title: Dark mode
    submitted: 2026-02-30
    author: Bob Stone
    ---
    Words.
"""


@pytest.fixture(autouse=True)
def pinned_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def cohub(*args: str) -> int:
    return cli.main(list(args))


def test_clean_hub_exits_0(hub, capsys):
    root = hub({"content/ideas/dark-mode.md": GOOD_IDEA})
    assert cohub("check", "--root", str(root)) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "0 errors, 0 warnings in 1 content file\n"


def test_warnings_pass_unless_strict(hub, capsys):
    root = hub({"content/ideas/dark-mode.md": WARNED_IDEA})
    assert cohub("check", "--root", str(root)) == 0
    assert cohub("check", "--root", str(root), "--strict") == 1
    out, _ = capsys.readouterr()
    assert out.splitlines()[0] == (
        "content/ideas/dark-mode.md:6:3: warning: updates[1].by: no 'by': this answer will be "
        "signed 'the team' (name who answered)"
    )


def test_errors_exit_1_with_every_problem_listed(hub, capsys):
    root = hub({"content/ideas/dark-mode.md": BAD_IDEA})
    assert cohub("check", "--root", str(root)) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "content/ideas/dark-mode.md:3:12: error: submitted: expected a date (YYYY-MM-DD), "
        "found '2026-02-30' (February 2026 has 28 days)",
        "content/ideas/dark-mode.md:4:9: error: author: expected a handle (like sarah-merion) "
        'or {name: "Someone"}, found \'Bob Stone\' (write {name: "Bob Stone"})',
    ]
    assert err == "2 errors, 0 warnings in 1 content file\n"


def test_json_format(hub, capsys):
    root = hub({"content/ideas/dark-mode.md": BAD_IDEA})
    assert cohub("check", "--root", str(root), "--format", "json") == 1
    out, _ = capsys.readouterr()
    first = json.loads(out)[0]
    assert first == {
        "path": "content/ideas/dark-mode.md",
        "line": 3,
        "column": 12,
        "severity": "error",
        "field": "submitted",
        "message": "expected a date (YYYY-MM-DD), found '2026-02-30'",
        "hint": "February 2026 has 28 days",
    }


def test_github_format_uses_paths_from_the_git_top_level(tmp_path, capsys):
    (tmp_path / ".git").mkdir()
    root = tmp_path / "hub"
    root.mkdir()
    from conftest import write_hub

    write_hub(root, {"content/ideas/dark-mode.md": BAD_IDEA})
    assert cohub("check", "--root", str(root), "--format", "github") == 1
    out, _ = capsys.readouterr()
    assert out.splitlines()[0] == (
        "::error file=hub/content/ideas/dark-mode.md,line=3,col=12::submitted: expected a date "
        "(YYYY-MM-DD), found '2026-02-30' (February 2026 has 28 days)"
    )


def test_missing_hub_yaml_is_a_usage_error(tmp_path, capsys):
    assert cohub("check", "--root", str(tmp_path)) == 2
    _, err = capsys.readouterr()
    assert err == (
        f"cohub: no hub.yaml in {tmp_path}: run cohub from a hub's root folder or pass --root DIR\n"
    )


def test_bad_source_date_epoch_is_a_usage_error(hub, capsys, monkeypatch):
    root = hub({})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert cohub("check", "--root", str(root)) == 2
    _, err = capsys.readouterr()
    assert err == (
        "cohub: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, found 'yesterday'\n"
    )


def test_bad_flags_are_usage_errors(hub):
    root = hub({})
    with pytest.raises(SystemExit) as exit_info:
        cohub("check", "--root", str(root), "--format", "xml")
    assert exit_info.value.code == 2


def test_no_traceback_for_hostile_content(hub, capsys):
    root = hub(
        {
            "content/ideas/a.md": "---\n: [\n---\n",
            "content/ideas/b.md": "---\ntitle: !!python/object:os.system x\n---\n",
            "content/ideas/c.md": "---\n- 1\n- 2\n---\n",
            "content/rounds/d.md": "---\ntitle: [unclosed\n",
            "content/people/e.md": "no front matter at all",
            "content/pages/f.md": "---\n---\n",
            "content/unknown/g.md": "---\ntitle: x\n---\n",
        }
    )
    (root / "content/ideas/h.md").write_bytes(b"---\ntitle: \xff\xfe\n---\n")
    assert cohub("check", "--root", str(root)) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert len(out.splitlines()) == 8


def test_internal_errors_say_so_and_debug_shows_the_traceback(hub, capsys, monkeypatch):
    root = hub({})

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "run_check", broken)
    assert cohub("check", "--root", str(root)) == 70
    _, err = capsys.readouterr()
    assert err == "cohub: internal error: RuntimeError: boom (run with --debug for details)\n"
    assert cohub("check", "--root", str(root), "--debug") == 70
    _, err = capsys.readouterr()
    assert "Traceback" in err and "RuntimeError: boom" in err


def test_python_dash_m_builder_runs_the_same_command(hub):
    root = hub({"content/ideas/dark-mode.md": BAD_IDEA})
    result = subprocess.run(
        [sys.executable, "-m", "builder", "check", "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.startswith("content/ideas/dark-mode.md:3:12: error: submitted:")


@pytest.mark.parametrize(
    ("kind", "title", "path"),
    [
        ("idea", "Dark mode, please!", "content/ideas/dark-mode-please.md"),
        ("round", "Spring 2027: reports", "content/rounds/spring-2027-reports.md"),
        ("release", "Version 2.0", "content/changelog/version-2-0.md"),
        ("person", "Zoë Ávila", "content/people/zoe-avila.md"),
        ("page", "About us", "content/pages/about-us.md"),
    ],
)
def test_new_writes_a_file_that_passes_check(hub, capsys, kind, title, path):
    root = hub({})
    assert cohub("new", kind, title, "--author", "bob", "--root", str(root)) == 0
    out, _ = capsys.readouterr()
    assert out == path + "\n"
    text = (root / path).read_text(encoding="utf-8")
    assert text.startswith("---\n")
    if kind in ("idea", "release"):
        assert "2026-11-22" in text  # dated by SOURCE_DATE_EPOCH, not the clock
    if kind != "idea":
        assert lines(root) == []
        return
    # An idea is empty until the customer's words are in it (SPEC §8): it passes
    # check with that one warning, which --strict holds against it.
    body_line = text.split("\n")[1:].index("---") + 3
    assert lines(root) == [
        f"{path}:{body_line}:1: warning: body: expected the idea in the customer's words "
        "below the front matter, found only comments "
        "(write what the customer asked for, as they put it)"
    ]
    assert cohub("check", "--root", str(root)) == 0
    assert cohub("check", "--strict", "--root", str(root)) == 1
    (root / path).write_text(text + "Please add a dark theme.\n", encoding="utf-8")
    assert lines(root) == []


def test_new_round_runs_for_two_weeks(hub, capsys):
    root = hub({})
    assert cohub("new", "round", "Reports", "--root", str(root)) == 0
    text = (root / "content/rounds/reports.md").read_text(encoding="utf-8")
    assert "opens: 2026-11-22\ncloses: 2026-12-06\n" in text


def test_new_keeps_a_numeric_title_as_text(hub):
    root = hub({})
    assert cohub("new", "page", "2027", "--root", str(root)) == 0
    assert 'title: "2027"' in (root / "content/pages/2027.md").read_text(encoding="utf-8")
    assert lines(root) == []


def test_new_never_overwrites(hub, capsys):
    root = hub({"content/pages/about.md": "---\ntitle: Mine\n---\nKeep me.\n"})
    assert cohub("new", "page", "About", "--root", str(root)) == 2
    _, err = capsys.readouterr()
    assert (
        err == "cohub: content/pages/about.md already exists; cohub new never overwrites a file\n"
    )
    assert (root / "content/pages/about.md").read_text() == "---\ntitle: Mine\n---\nKeep me.\n"


def test_new_idea_needs_an_author(hub, capsys):
    root = hub({})
    assert cohub("new", "idea", "Dark mode", "--root", str(root)) == 2
    _, err = capsys.readouterr()
    assert err == "cohub: cohub new idea needs --author HANDLE (who raised the idea)\n"
    assert cohub("new", "idea", "Dark mode", "--author", "Bob Stone", "--root", str(root)) == 2
    assert not (root / "content/ideas").exists()


def test_new_needs_a_title_with_letters(hub, capsys):
    root = hub({})
    assert cohub("new", "page", "!!!", "--root", str(root)) == 2


def test_the_content_reference_is_generated_from_the_schemas():
    from pathlib import Path

    from builder.reference import reference

    committed = Path(__file__).parent.parent / "docs" / "content.md"
    assert committed.read_text(encoding="utf-8") == reference(), (
        "docs/content.md is stale: run python -m builder.reference > docs/content.md"
    )
