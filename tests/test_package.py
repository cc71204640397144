"""cohub as a package a hub pins and installs: one version, a changelog, and a wheel
that carries the default theme (SPEC §6)."""

from __future__ import annotations

import re
import zipfile

from conftest import ROOT

from builder import __version__, cli


def test_the_version_is_semantic_and_said_once(capsys):
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert 'dynamic = ["version"]' in (ROOT / "pyproject.toml").read_text()
    try:
        cli.main(["--version"])
    except SystemExit as done:
        assert done.code == 0
    assert capsys.readouterr().out == f"cohub {__version__}\n"


def test_the_changelog_keeps_a_changelog_and_names_this_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", text, re.M)
    assert versions and versions[0][0] == __version__
    assert "## [Unreleased]" in text
    headings = set(re.findall(r"^### (.+)$", text, re.M))
    assert headings <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_the_wheel_carries_the_theme_and_the_version(wheel):
    assert wheel.name.startswith(f"cohub-{__version__}-")
    names = set(zipfile.ZipFile(wheel).namelist())
    theme = {
        f"builder/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
        for p in (ROOT / "templates").rglob("*")
        if p.is_file()
    }
    assert theme and theme <= names
    metadata = zipfile.ZipFile(wheel).read(f"cohub-{__version__}.dist-info/METADATA").decode()
    assert f"\nVersion: {__version__}\n" in metadata
    assert (
        "cohub = builder.cli:main"
        in zipfile.ZipFile(wheel).read(f"cohub-{__version__}.dist-info/entry_points.txt").decode()
    )
