"""The writer: whole-folder swaps, and no write outside the output folder."""

from __future__ import annotations

import pytest

from builder.errors import UsageError
from builder.output import MARKER, Staging, check_out_dir, safe_relative


def test_commit_replaces_the_output_whole(tmp_path):
    out = tmp_path / "site"
    with Staging(out) as stage:
        stage.write("a/index.html", "one")
        stage.write("old.txt", "stale")
        stage.commit()
    with Staging(out) as stage:
        stage.write("a/index.html", "two")
        stage.commit()
    assert (out / "a/index.html").read_text() == "two"
    assert not (out / "old.txt").exists()
    assert (out / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # nothing left beside it


def test_an_interrupted_build_leaves_the_old_output(tmp_path):
    out = tmp_path / "site"
    with Staging(out) as stage:
        stage.write("index.html", "old")
        stage.commit()
    with pytest.raises(RuntimeError), Staging(out) as stage:
        stage.write("index.html", "half")
        raise RuntimeError("crash mid-build")
    assert (out / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_leftovers_of_a_killed_build_are_tidied(tmp_path):
    leftover = tmp_path / ".site.cohub-new-abc"
    leftover.mkdir()
    (leftover / "x").write_text("x")
    with Staging(tmp_path / "site") as stage:
        stage.commit()
    assert not leftover.exists()


@pytest.mark.parametrize("rel", ["../escape.html", "/etc/passwd", "a/../../b", "", "a//b", "./a"])
def test_no_path_escapes_the_output_folder(tmp_path, rel):
    with pytest.raises(ValueError):
        safe_relative(rel)
    with Staging(tmp_path / "site") as stage, pytest.raises(ValueError):
        stage.write(rel, "x")
    assert not (tmp_path / "escape.html").exists()


@pytest.mark.parametrize("out", [".", "content", "templates", "content/site", ".."])
def test_the_output_may_not_be_or_contain_sources(tmp_path, out):
    root = tmp_path / "hub"
    (root / "content").mkdir(parents=True)
    with pytest.raises(UsageError):
        check_out_dir(root, root / out)


def test_a_foreign_folder_is_never_replaced(tmp_path):
    root = tmp_path / "hub"
    root.mkdir()
    mine = root / "site"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious")
    with pytest.raises(UsageError, match="not empty and was not written by cohub"):
        check_out_dir(root, mine)
    (mine / "notes.txt").unlink()
    check_out_dir(root, mine)  # empty: fine
    (mine / MARKER).write_text("")
    (mine / "index.html").write_text("old build")
    check_out_dir(root, mine)  # ours: fine
