"""Patching the graph: after an edit that changes only what a file's own record shows,
the patched reading must equal reading the hub from scratch, diagnostics and all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import EPOCH, ROOT, write_hub

from builder.engine.reading import Reader
from builder.link import SHOWN_ONLY

ENV = {"SOURCE_DATE_EPOCH": EPOCH}


@pytest.fixture
def hub_copy(tmp_path) -> Path:
    root = tmp_path / "hub"
    root.mkdir()
    shutil.copy(ROOT / "hub.yaml", root / "hub.yaml")
    shutil.copytree(ROOT / "content", root / "content")
    return root


def replace_in(root: Path, rel: str, old: str, new: str) -> str:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rel


def front(root: Path, rel: str, line: str) -> str:
    """Add a front-matter line right after the opening `---`."""
    return replace_in(root, rel, "---\n", f"---\n{line}\n")


#: Edits that keep every file's structure, by the SHOWN_ONLY field they change.
SHOWN = {
    ("ideas", "title"): lambda r: replace_in(
        r, "content/ideas/recurring-invoices.md", "title: Recurring", "title: Repeating"
    ),
    ("ideas", "updates[].note"): lambda r: replace_in(
        r, "content/ideas/recurring-invoices.md", "note: >-\n", "note: >-\n      Also,\n"
    ),
    ("ideas", "body"): lambda r: replace_in(
        r, "content/ideas/mileage-tracking.md", "\n---\n", "\n---\nA new first paragraph.\n\n"
    ),
    ("rounds", "title"): lambda r: replace_in(
        r, "content/rounds/api-webhooks-2026.md", 'title: "Building', 'title: "Now building'
    ),
    ("rounds", "questions"): lambda r: replace_in(
        r, "content/rounds/api-webhooks-2026.md", "questions:\n", "questions:\n  - Anything else?\n"
    ),
    ("rounds", "participate"): lambda r: replace_in(
        r, "content/rounds/reports-summer-2026.md", "rounds/reports", "rounds/2026/reports"
    ),
    ("rounds", "heard"): lambda r: replace_in(
        r, "content/rounds/reports-summer-2026.md", "heard: |\n", "heard: |\n  Briefly:\n"
    ),
    ("changelog", "title"): lambda r: replace_in(
        r, "content/changelog/v3-2.md", "title: ", "title: Release "
    ),
    ("changelog", "version"): lambda r: replace_in(
        r, "content/changelog/v3-2.md", 'version: "3.2"', 'version: "3.2.0"'
    ),
    ("changelog", "changes[].text"): lambda r: replace_in(
        r, "content/changelog/v3-2.md", "Reports remember", "Reports now remember"
    ),
    ("people", "url"): lambda r: front(
        r, "content/people/daniel-reyes.md", "url: https://dr.example.com/"
    ),
    ("people", "body"): lambda r: replace_in(
        r, "content/people/li-wei.md", "\n---\n", "\n---\nHi. "
    ),
    ("pages", "title"): lambda r: replace_in(
        r, "content/pages/about.md", "title: About this hub", "title: About the hub"
    ),
    ("pages", "body"): lambda r: replace_in(r, "content/pages/about.md", "\n---\n", "\n---\nNew. "),
    ("ideas", "draft title"): lambda r: replace_in(
        r, "content/ideas/staff-expense-approval.md", "title: Approve", "title: Please approve"
    ),
}


def test_every_shown_only_field_has_an_edit():
    fields = {(folder, name) for folder, names in SHOWN_ONLY.items() for name in names}
    assert fields <= SHOWN.keys()


@pytest.mark.parametrize("drafts", [False, True], ids=["published", "with-drafts"])
@pytest.mark.parametrize("what", SHOWN, ids=[f"{f}-{n}" for f, n in SHOWN])
def test_a_patched_reading_equals_a_fresh_one(hub_copy, what, drafts):
    reader = Reader(hub_copy, environ=ENV)
    before = reader.read(drafts=drafts)
    rel = SHOWN[what](hub_copy)
    patched = reader.read(drafts=drafts, changed=[rel])
    fresh = Reader(hub_copy, environ=ENV).read(drafts=drafts)
    assert patched.patched is not None, "this edit should not need a whole link"
    assert patched.hub == fresh.hub
    assert patched.hub != before.hub
    assert patched.items == fresh.items
    assert patched.problems.sorted() == fresh.problems.sorted()


STRUCTURAL = {
    "status": lambda r: replace_in(
        r, "content/ideas/recurring-invoices.md", "status: shipped", "status: planned"
    ),
    "tag": lambda r: replace_in(
        r, "content/ideas/batch-receipt-scan.md", "tags: [", "tags: [new, "
    ),
    "person name": lambda r: replace_in(r, "content/people/li-wei.md", "name: ", "name: Dr "),
    "team badge": lambda r: front(r, "content/people/li-wei.md", "team: true"),
    "credit": lambda r: replace_in(
        r,
        "content/changelog/v3-2.md",
        "ideas: [cash-flow-forecast]",
        "ideas: [cash-flow-forecast, vat-quarterly-summary]",
    ),
}


@pytest.mark.parametrize("what", STRUCTURAL)
def test_an_edit_of_the_graph_links_the_whole_hub(hub_copy, what):
    reader = Reader(hub_copy, environ=ENV)
    reader.read()
    rel = STRUCTURAL[what](hub_copy)
    reading = reader.read(changed=[rel])
    assert reading.patched is None
    assert reading.hub == Reader(hub_copy, environ=ENV).read().hub


def test_graph_warnings_follow_their_field_when_lines_move(tmp_path):
    root = write_hub(
        tmp_path,
        {
            "content/ideas/dark-mode.md": """
                ---
                title: Dark mode
                submitted: 2026-03-02
                author: bob
                updates:
                  - date: 2026-04-01
                    status: shipped
                    by: alice
                ---
                Please.
            """,
        },
    )
    reader = Reader(root, environ=ENV)

    def shipped_warning(reading):
        (found,) = (d for d in reading.problems.warnings if "no changelog entry" in d.message)
        return found

    assert shipped_warning(reader.read()).line == 7
    rel = "content/ideas/dark-mode.md"
    replace_in(root, rel, "title: Dark mode", "# Asked for twice.\ntitle: Dark mode, please")
    reading = reader.read(changed=[rel])
    assert reading.patched is not None
    assert shipped_warning(reading).line == 8
    assert reading.problems.sorted() == Reader(root, environ=ENV).read().problems.sorted()


def test_a_broken_edit_is_never_patched(hub_copy):
    reader = Reader(hub_copy, environ=ENV)
    reader.read()
    rel = replace_in(hub_copy, "content/ideas/mileage-tracking.md", "title: ", "title: [")
    reading = reader.read(changed=[rel])
    assert reading.patched is None
    assert reading.problems.errors


def test_a_whole_link_keeps_unchanged_records_as_they_were(hub_copy):
    """What later stages made of a record is found by identity after any edit."""
    reader = Reader(hub_copy, environ=ENV)
    before = reader.read().hub
    rel = STRUCTURAL["status"](hub_copy)
    after = reader.read(changed=[rel]).hub
    assert after == Reader(hub_copy, environ=ENV).read().hub
    assert after.ideas["recurring-invoices"] is not before.ideas["recurring-invoices"]
    assert after.ideas["mileage-tracking"] is before.ideas["mileage-tracking"]
    assert after.rounds.keys() == before.rounds.keys()
    assert all(after.rounds[k] is before.rounds[k] for k in before.rounds)
