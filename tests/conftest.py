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
