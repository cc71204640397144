"""The example hub in content/ is the default build and the docs' showcase: it must
stay clean and keep covering every kind of content."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import EPOCH, read

from builder.check import run_check
from builder.schema import STATUSES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def example():
    return read(ROOT, drafts=False, epoch=EPOCH)


def test_example_hub_is_clean_even_with_strict(capsys):
    assert run_check(ROOT, strict=True, environ={"SOURCE_DATE_EPOCH": EPOCH}) == 0
    out, _ = capsys.readouterr()
    assert out == ""


def test_example_hub_covers_every_kind_of_content(example):
    hub = example.hub
    heard = [i for i in hub.ideas.values() if i.duplicate_of is None]
    assert len(hub.ideas) >= 30
    assert set(Counter(i.status for i in heard)) == set(STATUSES)
    declined = [i for i in heard if i.status == "declined"]
    assert declined and all(i.updates[-1].note for i in declined)
    assert any(i.duplicate_of for i in hub.ideas.values())
    assert sorted(r.state for r in hub.rounds.values()) == ["closed", "closed", "open", "upcoming"]
    assert all(r.heard for r in hub.rounds.values() if r.state == "closed")
    assert len(hub.releases) >= 6
    assert all(any(c.ideas for c in r.changes) for r in hub.releases.values() if r.changes)
    assert any(c.rounds and c.thanks for r in hub.releases.values() for c in r.changes)
    profiles = [p for p in hub.people.values() if p.has_profile]
    assert len(profiles) >= 10
    assert any(p.team for p in profiles) and any(not p.team for p in profiles)
    assert {"about", "how-to-contribute"} <= set(hub.pages)


def test_example_hub_keeps_its_draft_out_of_the_default_build(example):
    drafted = read(ROOT, drafts=True, epoch=EPOCH).hub
    assert set(drafted.ideas) - set(example.hub.ideas)
