"""Nothing from outside the hub: links that leave it, special files, the output folder.

A pull request can carry symbolic links and, on a runner, anything can sit in the
checkout; none of it may publish a file from outside the hub, hang `check`, or make
`build` write through a link. Every case is a diagnostic `check` reports, so CI fails
the pull request, and `build` refuses it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from textwrap import dedent

import jinja2
import pytest
from conftest import EPOCH, lines, read

from builder import cli
from builder.build import build
from builder.errors import Problems, UsageError
from builder.files import HubFiles, read_regular
from builder.theme import assets, environment

SECRET = "SECRET-TOKEN-123"

IDEA = """
    ---
    title: Dark mode
    submitted: 2026-03-02
    author: bob
    ---
    Please.
"""

ROUND = """
    ---
    title: Tell us
    opens: 2026-03-01
    closes: 2026-03-31
    ---
"""

BASE = """<!doctype html><html><head><title>x</title></head><body>
{% block content %}{% endblock %}</body></html>
"""

OUTSIDE = "a symbolic link to {target}, outside the hub: cohub reads only files inside the hub (replace the link with the files it points to)"
FIFO = "a named pipe (FIFO): cohub reads only regular files and folders (remove it)"


@pytest.fixture(autouse=True)
def pinned_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def secret(tmp_path) -> Path:
    """A file outside the hub holding a secret, as /proc/self/environ would in CI."""
    outside = tmp_path / "outside"
    outside.mkdir()
    path = outside / "environ"
    path.write_text(f"DEPLOY_TOKEN={SECRET}\n")
    return path


@pytest.fixture
def root(tmp_path, hub) -> Path:
    """A hub one folder below the temp folder, so that `../outside` is outside it."""
    return hub({"content/ideas/dark-mode.md": IDEA})


def md(text: str) -> str:
    """A file's text as `write_hub` writes it."""
    return dedent(text).lstrip("\n")


def cohub(*args: str) -> int:
    return cli.main(list(args))


def built_text(out: Path) -> str:
    return "".join(
        p.read_bytes().decode("utf-8", errors="replace") for p in out.rglob("*") if p.is_file()
    )


def assert_refused(root: Path, expected: list[str], capsys) -> None:
    """`check` reports exactly `expected` and fails; `build` refuses, writing nothing."""
    assert lines(root) == expected
    assert cohub("check", "--root", str(root)) == 1
    capsys.readouterr()
    out = root / "site"
    assert cohub("build", "--root", str(root)) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[: len(expected)] == expected
    assert not out.exists()


@pytest.fixture
def hub(tmp_path):
    """Like conftest's `hub`, but in `tmp_path/hub`, leaving room for files outside."""
    from conftest import write_hub

    def make(files: dict[str, str], hub_yaml: str | None = None) -> Path:
        root = tmp_path / "hub"
        root.mkdir(exist_ok=True)
        return write_hub(root, files) if hub_yaml is None else write_hub(root, files, hub_yaml)

    return make


# --- links out of the hub -------------------------------------------------------------


def test_a_static_file_linked_to_a_secret_is_refused_and_never_published(root, secret, capsys):
    static = root / "templates" / "static"
    static.mkdir(parents=True)
    (static / "environ.txt").symlink_to(secret)
    assert_refused(
        root,
        [f"templates/static/environ.txt:1:1: error: {OUTSIDE.format(target=secret)}"],
        capsys,
    )
    # Even called without the check, the theme never reads it.
    assert all(SECRET.encode() not in a.data for a in assets(root))


def test_proc_self_environ_is_refused(root, capsys, monkeypatch):
    monkeypatch.setenv("COHUB_TEST_SECRET", SECRET)
    static = root / "templates" / "static"
    static.mkdir(parents=True)
    (static / "environ.txt").symlink_to("/proc/self/environ")
    assert_refused(
        root,
        [f"templates/static/environ.txt:1:1: error: {OUTSIDE.format(target='/proc/self/environ')}"],
        capsys,
    )


def test_a_template_linked_outside_is_refused(root, tmp_path, capsys):
    outside = tmp_path / "base.html"
    outside.write_text(BASE.replace("x</title>", f"{SECRET}</title>"))
    (root / "templates").mkdir()
    (root / "templates" / "base.html").symlink_to(outside)
    assert_refused(
        root, [f"templates/base.html:1:1: error: {OUTSIDE.format(target=outside)}"], capsys
    )
    # The loader treats it as absent: the default theme's base.html serves.
    source = environment(root).loader.get_source(environment(root), "base.html")[0]
    assert SECRET not in source


def test_templates_linked_outside_are_refused_whole(root, tmp_path, capsys):
    theirs = tmp_path / "theirs"
    (theirs / "static").mkdir(parents=True)
    (theirs / "base.html").write_text(BASE)
    (theirs / "static" / "token.txt").write_text(SECRET)
    (root / "templates").symlink_to(theirs)
    assert_refused(root, [f"templates:1:1: error: {OUTSIDE.format(target=theirs)}"], capsys)
    assert all(SECRET.encode() not in a.data for a in assets(root))


def test_a_content_folder_linked_outside_is_refused(root, tmp_path, capsys):
    rounds = tmp_path / "rounds"
    rounds.mkdir()
    (rounds / "secret-round.md").write_text(md(ROUND.replace("Tell us", SECRET)))
    (root / "content" / "rounds").symlink_to(rounds)
    assert_refused(root, [f"content/rounds:1:1: error: {OUTSIDE.format(target=rounds)}"], capsys)


def test_the_content_folder_itself_linked_outside_is_refused(tmp_path, hub, capsys):
    theirs = tmp_path / "theirs"
    (theirs / "ideas").mkdir(parents=True)
    (theirs / "ideas" / "x.md").write_text(md(IDEA))
    root = hub({})
    (root / "content").symlink_to(theirs)
    assert_refused(root, [f"content:1:1: error: {OUTSIDE.format(target=theirs)}"], capsys)


def test_a_content_file_linked_outside_is_refused(root, tmp_path, capsys):
    outside = tmp_path / "leak.md"
    outside.write_text(md(IDEA.replace("Please.", SECRET)))
    (root / "content" / "ideas" / "leak.md").symlink_to(outside)
    assert_refused(
        root, [f"content/ideas/leak.md:1:1: error: {OUTSIDE.format(target=outside)}"], capsys
    )


def test_a_relative_link_out_is_named_as_written(root, secret, capsys):
    (root / "content" / "ideas" / "leak.md").symlink_to("../../../outside/environ")
    assert lines(root) == [
        "content/ideas/leak.md:1:1: error: " + OUTSIDE.format(target="../../../outside/environ")
    ]


def test_a_link_into_a_hidden_folder_of_the_hub_is_refused(root, capsys):
    git = root / ".git"
    git.mkdir()
    (git / "config").write_text(f'[http]\n\textraheader = "AUTHORIZATION: basic {SECRET}"\n')
    static = root / "templates" / "static"
    static.mkdir(parents=True)
    (static / "config.txt").symlink_to("../../.git/config")
    assert_refused(
        root,
        [
            "templates/static/config.txt:1:1: error: a symbolic link to ../../.git/config, "
            "inside the hidden .git: cohub reads no hidden files "
            "(replace the link with the files it points to)"
        ],
        capsys,
    )


def test_a_template_cannot_reach_a_hidden_folder_through_a_link_to_the_root(root, capsys):
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(SECRET)
    (root / "templates").mkdir()
    (root / "templates" / "up").symlink_to("..")  # inside the hub: allowed
    env = environment(root)
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("up/.git/config")


def test_a_dangling_link_is_an_error(root):
    (root / "content" / "ideas" / "gone.md").symlink_to("nowhere.md")
    assert lines(root) == [
        "content/ideas/gone.md:1:1: error: a symbolic link to nowhere.md, which does not exist "
        "(remove the link, or point it at a file inside the hub)"
    ]


def test_a_link_loop_is_an_error(root):
    ideas = root / "content" / "ideas"
    (ideas / "a.md").symlink_to("b.md")
    (ideas / "b.md").symlink_to("a.md")
    assert lines(root) == [
        "content/ideas/a.md:1:1: error: a symbolic link to b.md that loops back on itself (remove it)",
        "content/ideas/b.md:1:1: error: a symbolic link to a.md that loops back on itself (remove it)",
    ]


def test_links_inside_the_hub_are_fine(root, tmp_path):
    ideas = root / "content" / "ideas"
    (root / "drafts").mkdir()
    (root / "drafts" / "light-mode.md").write_text(md(IDEA.replace("Dark", "Light")))
    (ideas / "light-mode.md").symlink_to("../../drafts/light-mode.md")
    (root / "old-rounds").mkdir()
    (root / "old-rounds" / "tell-us.md").write_text(md(ROUND))
    (root / "content" / "rounds").symlink_to("../old-rounds")
    static = root / "templates" / "static"
    static.mkdir(parents=True)
    (static / "logo.svg").write_text("<svg/>")
    (static / "logo-copy.svg").symlink_to("logo.svg")
    assert lines(root) == []
    result = build(root, environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.ok
    site = root / "site"
    assert (site / "ideas" / "light-mode" / "index.html").is_file()
    assert (site / "rounds" / "tell-us" / "index.html").is_file()
    assert (site / "static" / "logo-copy.svg").read_text() == "<svg/>"


def test_a_static_folder_linked_to_itself_is_read_once(root):
    static = root / "templates" / "static"
    static.mkdir(parents=True)
    (static / "a.css").write_text("a{}")
    (static / "loop").symlink_to(".")
    assert lines(root) == [
        "templates/static/loop:1:1: warning: not read: a symbolic link to ., a folder read already"
    ]
    assert {a.name for a in assets(root)} >= {"a.css"}
    assert not any(a.name.startswith("loop/") for a in assets(root))


def test_hidden_static_files_are_not_published(root):
    static = root / "templates" / "static"
    (static / ".well-known").mkdir(parents=True)
    (static / ".well-known" / "security.txt").write_text("x")
    (static / ".env").write_text(SECRET)
    names = {a.name for a in assets(root)}
    assert not any(".well-known" in n or n == ".env" for n in names)


def test_a_hub_yaml_linked_outside_is_refused(tmp_path, hub, capsys):
    outside = tmp_path / "hub.yaml"
    outside.write_text(f"title: {SECRET}\nbase_url: https://x.example/\n")
    root = hub({"content/ideas/dark-mode.md": IDEA})
    (root / "hub.yaml").unlink()
    (root / "hub.yaml").symlink_to(outside)
    assert_refused(root, [f"hub.yaml:1:1: error: {OUTSIDE.format(target=outside)}"], capsys)


# --- special files --------------------------------------------------------------------


def run_cohub(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """cohub in its own process, so that a hang is a failed test, not a stuck suite."""
    return subprocess.run(
        [sys.executable, "-m", "builder", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        cwd=Path(__file__).resolve().parents[2],
    )


@pytest.mark.parametrize(
    "rel",
    [
        "content/ideas/pipe.md",
        "content/pipe",
        "templates/base.html",
        "templates/static/pipe.css",
        "hub.yaml",
    ],
)
def test_a_fifo_is_refused_without_being_opened(root, rel):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    os.mkfifo(path)
    expected = f"{rel}:1:1: error: {FIFO}\n"
    checked = run_cohub(root, "check", timeout=30)
    assert (checked.returncode, checked.stdout) == (1, expected), checked.stderr
    built = run_cohub(root, "build", timeout=60)
    assert built.returncode == 1, built.stderr
    assert built.stderr.startswith(expected)
    assert not (root / "site").exists()


def test_a_link_to_a_fifo_inside_the_hub_is_refused(root):
    os.mkfifo(root / "pipe")
    (root / "content" / "ideas" / "pipe.md").symlink_to("../../pipe")
    assert lines(root) == [
        "content/ideas/pipe.md:1:1: error: a symbolic link to ../../pipe, a named pipe (FIFO): "
        "cohub reads only regular files and folders (remove it)"
    ]


def test_a_socket_is_refused(root, tmp_path):
    import socket

    path = root / "content" / "ideas" / "s.md"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        assert lines(root) == [
            "content/ideas/s.md:1:1: error: a socket: cohub reads only regular files and "
            "folders (remove it)"
        ]


def test_reading_a_fifo_that_replaced_a_listed_file_does_not_wait(tmp_path):
    path = tmp_path / "late.md"
    os.mkfifo(path)
    with pytest.raises(OSError, match=r"a named pipe \(FIFO\): cohub reads only"):
        read_regular(path)


def test_a_listing_asks_the_file_system_nothing_per_plain_file(root, monkeypatch):
    """Vetting costs the preview nothing on a big hub: plain files are typed from the
    listing itself; only links and odd entries are looked at."""
    for n in range(50):
        (root / "content" / "ideas" / f"idea-{n}.md").write_text(md(IDEA))
    files = HubFiles(root)
    calls = []
    real_lstat = os.lstat
    monkeypatch.setattr(os, "lstat", lambda p, *a, **k: calls.append(p) or real_lstat(p, *a, **k))
    listed = files.listdir(root / "content" / "ideas", Problems())
    assert len(listed) == 51 and calls == []


# --- the output folder ------------------------------------------------------------------


def test_a_site_link_leaving_the_hub_is_refused(root, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "site").symlink_to(elsewhere)
    assert cohub("build", "--root", str(root)) == 2
    assert capsys.readouterr().err == (
        f"cohub: site is a symbolic link to {elsewhere}, outside the hub: cohub does not "
        f"write through it (remove the link, or pass --out {elsewhere} to build there)\n"
    )
    assert list(elsewhere.iterdir()) == []


def test_an_out_folder_below_a_link_leaving_the_hub_is_refused(root, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "build").symlink_to(elsewhere)
    with pytest.raises(UsageError, match=r"^build is a symbolic link to .*, outside the hub"):
        build(root, root / "build" / "site", environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert list(elsewhere.iterdir()) == []


def test_a_site_link_onto_the_content_is_refused(root):
    (root / "site").symlink_to("content")
    with pytest.raises(UsageError, match=r"is inside content/|would replace content/"):
        build(root, environ={"SOURCE_DATE_EPOCH": EPOCH})


def test_an_out_folder_named_outside_the_hub_is_the_caller_s_choice(root, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (tmp_path / "link").symlink_to(elsewhere, target_is_directory=True)
    elsewhere.mkdir()
    result = build(root, tmp_path / "link", environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.ok and (elsewhere / "index.html").is_file()


def test_a_site_link_inside_the_hub_is_followed(root):
    (root / "public").mkdir()
    (root / "site").symlink_to("public")
    assert build(root, environ={"SOURCE_DATE_EPOCH": EPOCH}).ok
    assert (root / "public" / "index.html").is_file()
    assert read(root).problems.errors == []


def test_the_preview_reports_refused_files_and_keeps_the_last_good_site(root, secret):
    from builder.serve import Preview

    preview = Preview(root, environ={"SOURCE_DATE_EPOCH": EPOCH})
    good = preview.rebuild()
    assert not good.broken
    os.mkfifo(root / "content" / "ideas" / "pipe.md")
    static = root / "templates" / "static"
    static.mkdir(parents=True)
    (static / "environ.txt").symlink_to(secret)
    found = []
    changed = {"content/ideas/pipe.md", "templates/static/environ.txt"}
    worker = threading.Thread(
        target=lambda: found.append(preview.rebuild(changed, {"content", "static"})),
        daemon=True,
    )
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "the preview hung on a FIFO"
    (snapshot,) = found
    assert [d.text() for d in snapshot.problems] == [
        f"content/ideas/pipe.md:1:1: error: {FIFO}",
        f"templates/static/environ.txt:1:1: error: {OUTSIDE.format(target=secret)}",
    ]
    assert snapshot.files == good.files
    assert all(SECRET.encode() not in data for data in snapshot.files.values())


def test_a_hub_reached_through_a_link_is_read_as_usual(root, tmp_path):
    (root / "content" / "ideas" / "again.md").symlink_to("dark-mode.md")
    via = tmp_path / "via"
    via.symlink_to(root)
    assert lines(via) == []
    assert build(via, environ={"SOURCE_DATE_EPOCH": EPOCH}).ok
    assert (root / "site" / "ideas" / "again" / "index.html").is_file()


def test_an_issue_form_linked_outside_is_not_read(root, tmp_path, capsys):
    """`check` compares the idea form's products with hub.yaml's and prints what
    differs: a form that is a link out of the repository would put another file's
    words (a secret) into the CI log."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "idea.yml").write_text(
        "name: x\ndescription: x\nbody:\n  - type: textarea\n    id: idea\n"
        "    attributes: {label: Your idea}\n  - type: dropdown\n    id: product\n"
        f"    attributes: {{label: Product, options: [{SECRET}]}}\n"
    )
    forms = root / ".github" / "ISSUE_TEMPLATE"
    forms.mkdir(parents=True)
    (forms / "idea.yml").symlink_to(outside / "idea.yml")
    assert cohub("check", "--root", str(root)) == 0
    captured = capsys.readouterr()
    assert SECRET not in captured.out + captured.err


def test_a_file_that_cannot_be_read_is_a_diagnostic(root, monkeypatch):
    """Permissions do not stop root (CI), so the read itself is made to fail: a file
    gone or unreadable since it was listed is that file's problem, not a crash."""
    import builder.content

    real = builder.content.read_regular

    def refuse(path):
        if path.name == "dark-mode.md":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(builder.content, "read_regular", refuse)
    assert lines(root) == [
        "content/ideas/dark-mode.md:1:1: error: cannot be read: Permission denied"
    ]
