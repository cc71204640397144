"""Faults: builds at once, builds killed, outputs that cannot be written.

Whatever happens to a build, a reader sees the old site whole or the new one whole;
two builds of one output take turns; what the file system refuses is one line and
exit 2, never "internal error". The read-only and full disks are real (small tmpfs
mounts, and `chattr +i` for a permission root cannot override) where the machine
allows it; elsewhere the same errors are injected, and the test says which ran.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import EPOCH, site_files, write_hub

from builder import cli
from builder.build import build
from builder.errors import UsageError, WriteError
from builder.output import LOCK_TIMEOUT, MARKER, OutputLock, Staging, cannot_write

REPO = Path(__file__).resolve().parents[2]


def idea(n: int) -> str:
    return (
        f"---\ntitle: Idea number {n}\nsubmitted: 2026-03-02\nauthor: user-{n % 40}\n"
        f"tags: [topic-{n % 25}]\n---\nPlease do thing {n}.\n"
    )


def big_hub(root: Path, ideas: int = 300) -> Path:
    """A hub whose build takes a second or so: long enough to overlap and to kill."""
    root.mkdir(parents=True, exist_ok=True)
    write_hub(root, {f"content/ideas/idea-{n}.md": idea(n) for n in range(1, ideas + 1)})
    return root


def tree(folder: Path) -> dict[str, bytes]:
    """Every file of a site by path (the search index aside), for byte-for-byte
    comparison."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in site_files(folder)}


def leftovers(parent: Path) -> list[str]:
    """What builds leave beside the output: staging folders, lock files (the build
    cache, `.cohub-cache/`, is meant to stay)."""
    return sorted(
        p.name for p in parent.iterdir() if ".cohub-" in p.name and p.name != ".cohub-cache"
    )


def start_build(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "builder", "build", "--root", str(root), *args],
        cwd=REPO,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def reference(root: Path, out: Path) -> dict[str, bytes]:
    """The site a lone, undisturbed build of `root` makes."""
    result = build(root, out, environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.ok
    return tree(out)


@pytest.fixture(autouse=True)
def pinned_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


# --- one build at a time --------------------------------------------------------------


def test_two_builds_at_once_both_succeed_and_leave_a_complete_site(tmp_path):
    root = big_hub(tmp_path / "hub")
    expected = reference(root, tmp_path / "reference")
    first, second = start_build(root), start_build(root)
    results = [p.communicate(timeout=120) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], results
    assert tree(root / "site") == expected
    assert leftovers(root) == []
    waited = [err for _, err in results if "waiting for another build" in err]
    for err in waited:  # the one that waited said so once, then built
        assert err.count("cohub: waiting for another build of site/ to finish…\n") == 1


def test_a_second_build_waits_for_the_first_saying_so_once(tmp_path, capsys):
    root = big_hub(tmp_path / "hub", ideas=1)
    lock = OutputLock(root / ".site.cohub-lock", "site/", 1, None)
    lock.acquire()
    threading.Timer(0.5, lock.release).start()
    started = time.monotonic()
    assert cli.main(["build", "--root", str(root)]) == 0
    assert time.monotonic() - started >= 0.4
    err = capsys.readouterr().err
    assert err.startswith("cohub: waiting for another build of site/ to finish…\ncohub: built ")
    assert (root / "site" / "index.html").is_file()
    assert leftovers(root) == []


def test_a_build_gives_up_after_the_timeout_with_exit_2(tmp_path, capsys):
    root = big_hub(tmp_path / "hub", ideas=1)
    lock = OutputLock(root / ".site.cohub-lock", "site/", 1, None)
    lock.acquire()
    try:
        with pytest.raises(UsageError) as raised:
            build(root, environ={"SOURCE_DATE_EPOCH": EPOCH}, lock_timeout=0.3)
    finally:
        lock.release()
    assert str(raised.value) == (
        "gave up after waiting 0.3 seconds for another build of site/ "
        "(let it finish, or stop it, then build again)"
    )
    assert capsys.readouterr().err == "cohub: waiting for another build of site/ to finish…\n"
    assert not (root / "site").exists()


def test_the_timeout_is_ten_minutes():
    assert LOCK_TIMEOUT == 600


def test_a_lock_left_by_a_killed_build_is_taken_over(tmp_path, capsys):
    root = big_hub(tmp_path / "hub", ideas=1)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from builder.output import OutputLock;"
            "OutputLock(Path(sys.argv[1]), 'site/', 1, None).acquire();"
            "print('locked', flush=True); time.sleep(600)",
            str(root / ".site.cohub-lock"),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "locked\n"
    holder.kill()  # SIGKILL: no clean-up runs, the lock file stays
    holder.wait()
    assert (root / ".site.cohub-lock").exists()
    assert cli.main(["build", "--root", str(root)]) == 0
    assert "waiting" not in capsys.readouterr().err
    assert leftovers(root) == []


def test_clean_up_spares_a_staging_folder_in_use(tmp_path):
    """The bug two builds 1-3 s apart hit: the second's clean-up deleted the first's
    staging folder. Now the second cannot start staging while the first holds it."""
    out = tmp_path / "site"
    entered = threading.Event()
    done = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        entered.wait()
        try:
            with Staging(out, notice=quiet) as stage:
                stage.write("index.html", "second")
                stage.commit()
        except BaseException as exc:
            errors.append(exc)
        done.set()

    quiet = (tmp_path / "notices").open("w")
    thread = threading.Thread(target=second)
    thread.start()
    with Staging(out) as first:
        entered.set()
        time.sleep(0.3)  # the second is waiting, not tidying
        first.write("index.html", "first")
        assert (first.path / "index.html").read_text() == "first"
        first.commit()
    thread.join(10)
    quiet.close()
    assert errors == [] and done.is_set()
    assert (tmp_path / "notices").read_text() == (
        f"cohub: waiting for another build of {out}/ to finish…\n"
    )
    assert (out / "index.html").read_text() == "second"
    assert leftovers(tmp_path) == []


# --- kill -9 at random moments --------------------------------------------------------


def test_a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one(tmp_path):
    root = big_hub(tmp_path / "hub", ideas=200)
    old = reference(root, root / "site")
    (root / "content" / "ideas" / "idea-1.md").write_text(idea(1).replace("number", "NUMBER"))
    started = time.monotonic()
    new = reference(root, tmp_path / "new")
    took = time.monotonic() - started
    assert new != old
    chance = random.Random(20261122)
    moments = sorted(chance.uniform(0.05, took * 1.5 + 0.3) for _ in range(4))
    seen = set()
    for moment in moments:
        process = start_build(root)
        time.sleep(moment)
        process.kill()
        process.communicate()
        site = tree(root / "site")
        assert site in (old, new), f"a mixed site after a kill at {moment:.2f} s"
        seen.add("new" if site == new else "old")
        shutil.rmtree(root / "site")  # back to the old site for the next round
        (root / "content" / "ideas" / "idea-1.md").write_text(idea(1))
        assert build(root, environ={"SOURCE_DATE_EPOCH": EPOCH}).ok  # lock taken over
        assert tree(root / "site") == old
        (root / "content" / "ideas" / "idea-1.md").write_text(idea(1).replace("number", "NUMBER"))
    finished = start_build(root)
    assert finished.communicate(timeout=120) and finished.returncode == 0
    assert tree(root / "site") == new
    assert leftovers(root) == []
    print(f"kills at {[round(m, 2) for m in moments]} s left: {sorted(seen)}")


# --- what cannot be written -----------------------------------------------------------


@contextlib.contextmanager
def tmpfs(where: Path, options: str):
    """A tmpfs mounted at `where` for the block, or None where mounting is not
    allowed (not root, or no mount(8) here)."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = (
        shutil.which("mount") is not None
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
        ).returncode
        == 0
    )
    try:
        yield where if mounted else None
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(where)], check=True)


def inject(monkeypatch, error: int, *, after: int = 0) -> None:
    """Make the output's file writes fail with `error` after `after` good ones: the
    fallback where no real read-only or full file system can be made."""
    calls = {"n": 0}
    real = Path.write_bytes

    def write_bytes(self, data):
        calls["n"] += 1
        if calls["n"] > after:
            raise OSError(error, os.strerror(error), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


def test_a_read_only_output_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    root = big_hub(tmp_path / "hub", ideas=1)
    with tmpfs(tmp_path / "ro", "size=2m") as mount:
        out = (mount or tmp_path / "ro") / "site"
        # --no-search here and below: this is about the write stage, and Pagefind's
        # files alone are over 1 MB.
        assert cli.main(["build", "--root", str(root), "--out", str(out), "--no-search"]) == 0
        old = tree(out)
        capsys.readouterr()
        if mount is not None:
            subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
            which, shown = "a read-only tmpfs", re.escape(f"{mount}/.site.cohub-lock")
        else:
            inject(monkeypatch, errno.EROFS)
            which, shown = "an injected EROFS", re.escape(f"{out}/") + r"\S+"
        build = ["build", "--root", str(root), "--out", str(out), "--no-cache", "--no-search"]
        assert cli.main(build) == 2
        err = capsys.readouterr().err
        assert re.fullmatch(
            rf"cohub: cannot write {shown}: Read-only file system \(build elsewhere with --out\)\n",
            err,
        ), (which, err)
        assert tree(out) == old
        assert leftovers(out.parent) == []
    print(f"read-only output: {which}")


@pytest.mark.parametrize("jobs", ["1", "3"])
def test_a_full_disk_is_one_line_and_exit_2_and_the_old_site_stays(
    tmp_path, capsys, monkeypatch, jobs
):
    root = big_hub(tmp_path / "hub", ideas=1)
    with tmpfs(tmp_path / "full", "size=2m") as mount:
        out = (mount or tmp_path / "full") / "site"
        # --no-search here and below: this is about the write stage, and Pagefind's
        # files alone are over 1 MB.
        assert cli.main(["build", "--root", str(root), "--out", str(out), "--no-search"]) == 0
        old = tree(out)
        assert sum(map(len, old.values())) < 2_000_000
        big_hub(root, ideas=150)  # several megabytes of site: more than the disk holds
        capsys.readouterr()
        if mount is None:
            inject(monkeypatch, errno.ENOSPC, after=20)
        which = "a 2 MB tmpfs" if mount is not None else "an injected ENOSPC"
        build = ["build", "--root", str(root), "--out", str(out), "--jobs", jobs, "--no-search"]
        assert cli.main(build) == 2
        err = capsys.readouterr().err
        assert re.fullmatch(
            rf"cohub: cannot write {re.escape(str(out))}/\S+: No space left on device "
            r"\(free some space, or build elsewhere with --out\)\n",
            err,
        ), (which, err)
        assert tree(out) == old
        assert leftovers(out.parent) == []
    print(f"full disk: {which}")


def test_a_folder_not_even_root_may_write_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    root = big_hub(tmp_path / "hub", ideas=1)
    parent = tmp_path / "locked"
    parent.mkdir()
    out = parent / "site"
    frozen = (
        shutil.which("chattr") is not None
        and subprocess.run(["chattr", "+i", str(parent)], capture_output=True).returncode == 0
    )
    try:
        if not frozen:
            inject(monkeypatch, errno.EACCES)
            os.chmod(parent, 0o555)
        build = ["build", "--root", str(root), "--out", str(out), "--no-cache", "--no-search"]
        assert cli.main(build) == 2
        err = capsys.readouterr().err
        reason = "Operation not permitted" if frozen else "Permission denied"
        assert re.fullmatch(
            rf"cohub: cannot write {re.escape(str(parent))}/\S+: {reason} "
            r"\(let this user write there, or build elsewhere with --out\)\n",
            err,
        ), err
        assert not out.exists()
    finally:
        if frozen:
            subprocess.run(["chattr", "-i", str(parent)], check=True)
        os.chmod(parent, 0o755)
    print(f"permission: {'chattr +i' if frozen else 'an injected EACCES'}")


def test_a_file_name_too_long_for_the_file_system_is_a_write_error(tmp_path):
    with Staging(tmp_path / "site", shown="site/") as stage, pytest.raises(WriteError) as raised:
        stage.write("tags/" + "t" * 300 + "/index.html", "x")
    assert str(raised.value) == (
        f"cannot write site/tags/{'t' * 300}/index.html: File name too long "
        "(shorten the name it comes from)"
    )
    assert leftovers(tmp_path) == []


def test_a_failed_commit_puts_the_old_site_back(tmp_path, monkeypatch):
    out = tmp_path / "site"
    with Staging(out) as stage:
        stage.write("index.html", "old")
        stage.commit()
    monkeypatch.setattr("builder.output._exchange", lambda a, b: False)
    real_rename = os.rename

    def rename(src, dst):
        if Path(src).name.startswith(".site.cohub-new-"):
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(src))
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    stage = Staging(out)
    with pytest.raises(WriteError, match=r"^cannot write .*/site/: Input/output error$"), stage:
        stage.write("index.html", "new")
        stage.commit()
    assert (out / "index.html").read_text() == "old"
    assert (out / MARKER).is_file()
    assert leftovers(tmp_path) == []


def test_write_errors_name_what_to_do():
    def message(code: int) -> str:
        return cannot_write("site/x.html", OSError(code, os.strerror(code)))

    assert message(errno.ENOSPC) == (
        "cannot write site/x.html: No space left on device "
        "(free some space, or build elsewhere with --out)"
    )
    assert message(errno.EROFS) == (
        "cannot write site/x.html: Read-only file system (build elsewhere with --out)"
    )
    assert message(errno.EACCES) == (
        "cannot write site/x.html: Permission denied "
        "(let this user write there, or build elsewhere with --out)"
    )
    assert message(errno.EBUSY) == (
        "cannot write site/x.html: Device or resource busy "
        "(a mount point cannot be replaced whole: point --out at a folder inside it)"
    )
    assert message(errno.EIO) == "cannot write site/x.html: Input/output error"
