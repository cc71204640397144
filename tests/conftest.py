"""Shared helpers: build throwaway hubs in a temp folder and read them back."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from builder.errors import Diagnostic
from builder.pipeline import Reading, read_hub

#: 2026-11-22T00:00:00Z: tests that depend on "today" pin it here.
EPOCH = "1795305600"

HUB_YAML = """\
title: Test Hub
base_url: https://hub.example.com/
products:
  web: Web app
  mobile: Mobile app
"""


def write_hub(root: Path, files: dict[str, str], hub_yaml: str | None = HUB_YAML) -> Path:
    """Write `files` (path -> text, dedented) under `root`, plus a hub.yaml."""
    if hub_yaml is not None:
        (root / "hub.yaml").write_text(hub_yaml, encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def read(root: Path, *, drafts: bool = False, epoch: str = EPOCH) -> Reading:
    return read_hub(root, drafts=drafts, environ={"SOURCE_DATE_EPOCH": epoch})


def lines(root: Path, **kwargs) -> list[str]:
    """Every diagnostic of a hub as the text `cohub check` prints."""
    return [d.text() for d in read(root, **kwargs).problems.sorted()]


def diagnostics(root: Path, **kwargs) -> list[Diagnostic]:
    return read(root, **kwargs).problems.sorted()


@pytest.fixture
def hub(tmp_path):
    """`hub(files)` writes a hub into a fresh temp folder and returns its root."""

    def make(files: dict[str, str], hub_yaml: str | None = HUB_YAML) -> Path:
        return write_hub(tmp_path, files, hub_yaml)

    return make


#: The search index's folder. Pagefind writes its filter chunks in hash-map order, so
#: two indexes of the same pages differ in bytes: the one exception SPEC §7 allows to
#: byte-identical builds. Comparisons of whole sites leave it out; tests/test_search.py
#: checks what it finds.
SEARCH_INDEX = "pagefind/"


def site_files(folder: Path) -> list[Path]:
    """Every file of a built site but the search index, in a stable order."""
    return [
        p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith(SEARCH_INDEX)
    ]


ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def require(path: Path | str | None, what: str) -> None:
    """Skip a test whose tool is missing, with the reason; in CI (CI=true) fail
    instead, because .ci/run installs every tool and a skip would hide a gap."""
    import os
    import shutil

    found = path is not None and (Path(path).exists() or shutil.which(str(path)))
    if found:
        return
    message = f"{what} not found ({path}); .ci/run installs it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The example hub in content/, built once per test session at a fixed date."""
    from builder.build import build

    out = tmp_path_factory.mktemp("example") / "site"
    result = build(ROOT, out, environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.ok, [d.text() for d in result.problems.errors]
    return out


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """cohub's wheel, built once per session from this checkout as pip builds it."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("cohub-*.whl")
    return found


#: Chromium's flags for a headless run as root in a container, without a screen.
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session, driven by Playwright: its sync API runs one
    instance per process, so every browser test shares it."""
    require(CHROMIUM, "Chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(None, "Playwright (pip install -e '.[test]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield browser
        browser.close()
