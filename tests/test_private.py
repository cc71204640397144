"""A person who leaves the hub: `public: false` keeps their handle and name off every
page, feed and file of the site (SPEC §8), while what they did still counts."""

from __future__ import annotations

from pathlib import Path

from conftest import EPOCH

from builder.build import build

# Distinctive strings, so a search of every output byte finds any leak.
CUSTOMER, CUSTOMER_NAME = "zora-quill", "Zora Quillfeather"
STAFF, STAFF_NAME = "yves-brandt", "Yves Brandtworth"

HUB = {
    f"content/people/{CUSTOMER}.md": f"---\nname: {CUSTOMER_NAME}\npublic: false\n---\nBio.\n",
    f"content/people/{STAFF}.md": (
        f"---\nname: {STAFF_NAME}\nteam: true\npublic: false\naliases: [/old/yves/]\n---\n"
    ),
    "content/people/alice.md": "---\nname: Alice Moreau\nteam: true\n---\n",
    "content/ideas/dark-mode.md": f"""\
---
title: Dark mode
submitted: 2026-03-02
author: {CUSTOMER}
supporters: [bob, {STAFF}]
round: spring
updates:
  - date: 2026-03-05
    status: planned
    by: {STAFF}
    note: On the list.
  - date: 2026-04-01
    status: shipped
    by: alice
---
My eyes hurt at night.
""",
    "content/ideas/csv.md": f"""\
---
title: CSV export
submitted: 2026-03-03
author: bob
supporters: [{CUSTOMER}]
---
Export please.
""",
    "content/rounds/spring.md": f"""\
---
title: Spring survey
opens: 2026-03-01
closes: 2026-03-31
participants: [{CUSTOMER}, bob]
heard: Lots.
---
""",
    "content/changelog/v2.md": f"""\
---
title: Version 2
date: 2026-04-01
changes:
  - type: added
    text: Dark mode.
    ideas: [dark-mode]
    thanks: [{CUSTOMER}, {STAFF}]
---
""",
}

HUB_YAML = (
    "title: Test Hub\nbase_url: https://hub.example.com/\nrepository: https://github.com/acme/hub\n"
)


def _site(tmp_path: Path) -> Path:
    for rel, text in {"hub.yaml": HUB_YAML, **HUB}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = build(tmp_path, environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.ok, [d.text() for d in result.problems.errors]
    return tmp_path / "site"


def test_no_page_feed_or_file_names_a_private_person(tmp_path):
    site = _site(tmp_path)
    leaks = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes().lower()
        for word in (CUSTOMER, CUSTOMER_NAME, STAFF, STAFF_NAME, "yves", "zora"):
            if word.lower().encode() in data:
                leaks.append(f"{path.relative_to(site)}: {word}")
    assert leaks == []
    assert not (site / "people" / CUSTOMER).exists()
    assert not (site / "people" / STAFF).exists()


def test_private_people_appear_as_a_customer_or_the_team(tmp_path):
    site = _site(tmp_path)
    idea = (site / "ideas" / "dark-mode" / "index.html").read_text(encoding="utf-8")
    assert "a customer" in idea  # the author
    assert "the team" in idea  # the private staff member's answer
    people = (site / "people" / "index.html").read_text(encoding="utf-8")
    assert "Alice Moreau" in people and "bob" in people


def test_private_people_still_count(tmp_path):
    """Two private people are two people credited, not one "a customer"."""
    from conftest import read

    _site(tmp_path)
    hub = read(tmp_path).hub
    # Credited: thanks (the customer, the staff member) plus the credited idea's
    # author (the customer) and supporters (bob, the staff member): three people.
    assert hub.figures.people_credited == 3
    assert len(hub.ideas["dark-mode"].also_asked_by) == 2
    assert CUSTOMER not in hub.people and STAFF not in hub.people


def test_the_preview_keeps_them_private_after_an_edit(tmp_path):
    """A reworded title is patched into the last graph (engine.reading.Reader); the patch
    names the author through the same stand-ins as a whole link."""
    from builder.engine.reading import Reader

    _site(tmp_path)
    reader = Reader(tmp_path, environ={"SOURCE_DATE_EPOCH": EPOCH})
    reader.read()
    path = tmp_path / "content" / "ideas" / "dark-mode.md"
    path.write_text(path.read_text().replace("title: Dark mode", "title: Dark theme"))
    reading = reader.read(changed=["content/ideas/dark-mode.md"])
    assert reading.patched is not None
    idea = reading.hub.ideas["dark-mode"]
    assert idea.title == "Dark theme"
    assert (idea.author.handle, idea.author.name) == (None, "a customer")
    assert [u.by.name for u in idea.updates] == ["the team", "Alice Moreau"]
