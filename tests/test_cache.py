"""The build cache (`.cohub-cache/`): after any kind of change a cached build equals a
cold one byte for byte, renders only what changed, and never trusts what it did not
write itself."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import EPOCH, site_files
from test_incremental import (
    EDITS,
    HUB_TEMPLATES,
    add_an_idea,
    delete_an_idea,
    edit,
    hub_copy,
    hub_macros,
)

from builder.build import build
from builder.engine import cache

ENV = {"SOURCE_DATE_EPOCH": EPOCH}

__all__ = ["hub_copy"]  # the fixture, shared with test_incremental


@pytest.fixture(autouse=True)
def own_signing_key(tmp_path, monkeypatch):
    """Each test signs with a key of its own, as a fresh machine would."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in site_files(folder)}


def cached_build(root: Path):
    result = build(root, environ=ENV)
    assert result.ok, [d.text() for d in result.problems.errors]
    return result


def cold_tree(root: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "cold"
    shutil.rmtree(out, ignore_errors=True)
    result = build(root, out, environ=ENV, cache=False)
    assert result.ok, [d.text() for d in result.problems.errors]
    return tree(out)


def rendered(result) -> int:
    """How many routes the build rendered, from its `--timings` laps."""
    for stage, _ in result.timings:
        if stage.startswith("render and write "):
            return int(stage.split()[3])
    return 0


def rename_an_idea(root: Path) -> None:
    source = root / "content/ideas/mileage-tracking.md"
    source.rename(source.with_name("mileage-log.md"))
    for path in (root / "content").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if "mileage-tracking" in text:
            path.write_text(text.replace("mileage-tracking", "mileage-log"), encoding="utf-8")


def change_a_template(root: Path) -> None:
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/round.html").write_text(
        '{% extends "!default/round.html" %}{% block main %}<p>A round.</p>{{ super() }}'
        "{% endblock %}",
        encoding="utf-8",
    )


def add_a_static_file(root: Path) -> None:
    (root / "templates/static").mkdir(parents=True, exist_ok=True)
    (root / "templates/static/logo.svg").write_text("<svg/>", encoding="utf-8")


def edit_hub_yaml(root: Path) -> None:
    edit(root / "hub.yaml", "title: ", "title: The ")


CHANGES = [
    *(lambda root, e=e: e(root) and None for e in EDITS),
    rename_an_idea,
    change_a_template,
    add_a_static_file,
    edit_hub_yaml,
]
NAMES = [e.__name__ for e in EDITS] + [
    "rename_an_idea",
    "change_a_template",
    "add_a_static_file",
    "edit_hub_yaml",
]


@pytest.mark.parametrize("themed", [False, True], ids=["default theme", "hub templates"])
@pytest.mark.parametrize("change", CHANGES, ids=NAMES)
def test_a_cached_build_equals_a_cold_build(hub_copy, tmp_path, change, themed):
    if themed:
        (hub_copy / "templates").mkdir()
        for name, text in HUB_TEMPLATES.items():
            (hub_copy / "templates" / name).write_text(text, encoding="utf-8")
        (hub_copy / "templates/partials").mkdir()
        (hub_copy / "templates/partials/macros.html").write_text(hub_macros(), encoding="utf-8")
    cached_build(hub_copy)
    change(hub_copy)
    cached_build(hub_copy)
    assert tree(hub_copy / "site") == cold_tree(hub_copy, tmp_path)


@pytest.mark.parametrize("folder", ["rounds", "changelog"])
def test_a_new_round_or_release_reaches_every_feed(hub_copy, tmp_path, folder):
    """A round or a release that comes (here: a draft published) adds events to the
    hub's feeds: the memo of every event must see the new item, not only its own."""
    front = {
        "rounds": "title: A new round\nopens: 2026-11-02\ncloses: 2026-11-09\n",
        "changelog": "title: A new release\ndate: 2026-11-02\n",
    }[folder]
    path = hub_copy / f"content/{folder}/brand-new.md"
    path.write_text(f"---\n{front}draft: true\n---\n", encoding="utf-8")
    cached_build(hub_copy)
    edit(path, "draft: true\n", "")
    cached_build(hub_copy)
    got = tree(hub_copy / "site")
    assert b"brand-new" in got["feed.xml"]
    assert got == cold_tree(hub_copy, tmp_path)


def test_a_sequence_of_builds_stays_equal_and_renders_little(hub_copy, tmp_path):
    first = cached_build(hub_copy)
    total = rendered(first)
    nothing = cached_build(hub_copy)
    assert any("up to date" in stage for stage, _ in nothing.timings)
    edit(hub_copy / "content/ideas/mileage-tracking.md", "\n---\n", "\n---\nA new line.\n\n")
    reworded = cached_build(hub_copy)
    assert 0 < rendered(reworded) < total / 5
    add_an_idea(hub_copy)
    cached_build(hub_copy)
    delete_an_idea(hub_copy)
    last = cached_build(hub_copy)
    assert rendered(last) < total
    assert tree(hub_copy / "site") == cold_tree(hub_copy, tmp_path)


def test_an_unchanged_file_is_not_written_again(hub_copy):
    cached_build(hub_copy)
    page = hub_copy / "site/rounds/index.html"
    before = os.stat(page).st_ino
    edit(hub_copy / "content/ideas/mileage-tracking.md", "\n---\n", "\n---\nA new line.\n\n")
    cached_build(hub_copy)
    assert os.stat(page).st_ino == before  # the same file, linked into the new site


def test_an_output_file_changed_by_hand_is_rendered_again(hub_copy, tmp_path):
    cached_build(hub_copy)
    (hub_copy / "site/about/index.html").write_text("defaced", encoding="utf-8")
    (hub_copy / "site/ideas/index.html").unlink()
    cached_build(hub_copy)
    assert tree(hub_copy / "site") == cold_tree(hub_copy, tmp_path)


def test_a_new_version_of_cohub_builds_cold(hub_copy, tmp_path, monkeypatch):
    cached_build(hub_copy)
    (hub_copy / "site/about/index.html").write_bytes(b"from an older cohub")
    cache.code_key.cache_clear()
    monkeypatch.setattr(cache, "code_key", lambda: "another version")
    result = cached_build(hub_copy)
    assert rendered(result) > 200
    assert tree(hub_copy / "site") == cold_tree(hub_copy, tmp_path)


def test_a_cache_signed_by_someone_else_is_never_loaded(hub_copy, tmp_path, monkeypatch):
    """A `.cohub-cache/` committed to a pull request is ignored: its pickles are not
    signed with this machine's key, so they are never unpickled."""
    cached_build(hub_copy)
    for path in (hub_copy / cache.FOLDER).iterdir():
        data = path.read_bytes()
        start = len(cache._header())
        path.write_bytes(data[:start] + bytes(32) + data[start + 32 :])
    edit(hub_copy / "content/ideas/mileage-tracking.md", "\n---\n", "\n---\nA new line.\n\n")
    result = cached_build(hub_copy)
    assert rendered(result) > 200  # cold: nothing was taken from the forged cache
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    assert cache.Cache(hub_copy, (hub_copy / "site").resolve()).load() is None
    assert tree(hub_copy / "site") == cold_tree(hub_copy, tmp_path)


def test_a_cache_folder_that_is_a_link_is_neither_read_nor_written(hub_copy, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (hub_copy / cache.FOLDER).symlink_to(elsewhere)
    cached_build(hub_copy)
    assert list(elsewhere.iterdir()) == []


def test_check_takes_the_items_a_build_validated_and_sees_every_edit(hub_copy, capsys):
    from builder.check import run_check

    def check() -> tuple[int, str, str]:
        status = run_check(hub_copy, environ=ENV)
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    cached_build(hub_copy)
    with_cache = check()
    shutil.rmtree(hub_copy / cache.FOLDER)
    assert check() == with_cache
    cached_build(hub_copy)
    edit(hub_copy / "content/ideas/mileage-tracking.md", "title:", "titel:")
    status, out, _ = check()
    assert status == 1 and "mileage-tracking.md" in out and "titel" in out
