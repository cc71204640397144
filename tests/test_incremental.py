"""The preview's incremental rebuild must equal a build from scratch, for every kind of
edit, while rendering only a part of the site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import EPOCH, ROOT

from builder.serve import Preview

ENV = {"SOURCE_DATE_EPOCH": EPOCH}


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def retitle_idea(root: Path) -> list[str]:
    edit(root / "content/ideas/recurring-invoices.md", "title: Recurring", "title: Repeating")
    return ["content/ideas/recurring-invoices.md"]


def reword_a_body(root: Path) -> list[str]:
    edit(root / "content/ideas/mileage-tracking.md", "\n---\n", "\n---\nA new first paragraph.\n\n")
    return ["content/ideas/mileage-tracking.md"]


def answer_an_idea(root: Path) -> list[str]:
    path = root / "content/ideas/batch-receipt-scan.md"
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    if "updates:" not in head:
        head += "\nupdates:"
    head += "\n  - date: 2026-11-21\n    status: planned\n    by: maya-okafor\n    note: On the plan for January."
    path.write_text(head + "\n---\n" + body, encoding="utf-8")
    return ["content/ideas/batch-receipt-scan.md"]


def first_idea_without(root: Path, key: str) -> Path:
    return next(
        p
        for p in sorted((root / "content/ideas").glob("*.md"))
        if f"\n{key}:" not in p.read_text(encoding="utf-8")
        and "draft:" not in p.read_text(encoding="utf-8")
    )


def add_a_supporter_and_tag(root: Path) -> list[str]:
    supported = first_idea_without(root, "supporters")
    tagged = next(
        p
        for p in sorted((root / "content/ideas").glob("*.md"))
        if "\ntags: [" in p.read_text(encoding="utf-8")
    )
    edit(supported, "\ntitle:", "\nsupporters: [new-person]\ntitle:")
    edit(tagged, "\ntags: [", "\ntags: [brand-new-tag, ")
    return [p.relative_to(root).as_posix() for p in (supported, tagged)]


def merge_as_duplicate(root: Path) -> list[str]:
    edit(
        root / "content/ideas/mileage-tracking.md",
        "\ntitle:",
        "\nduplicate_of: time-tracking-mobile\ntitle:",
    )
    return ["content/ideas/mileage-tracking.md"]


def add_an_idea(root: Path) -> list[str]:
    (root / "content/ideas/a-brand-new-idea.md").write_text(
        "---\ntitle: A brand new idea\nsubmitted: 2026-11-20\nauthor: li-wei\nproduct: web\n"
        "tags: [invoices]\n---\nPlease add it.\n",
        encoding="utf-8",
    )
    return ["content/ideas/a-brand-new-idea.md"]


def delete_an_idea(root: Path) -> list[str]:
    victim = next(
        p
        for p in sorted((root / "content/ideas").glob("*.md"))
        if "updates:" not in p.read_text(encoding="utf-8")
        and "draft" not in p.read_text(encoding="utf-8")
        and not any(
            p.stem in q.read_text(encoding="utf-8")
            for q in (root / "content").rglob("*.md")
            if q != p
        )
    )
    victim.unlink()
    return [victim.relative_to(root).as_posix()]


def rename_a_person(root: Path) -> list[str]:
    edit(root / "content/people/maya-okafor.md", "name: Maya Okafor", "name: Maya O. Okafor")
    return ["content/people/maya-okafor.md"]


def badge_an_author(root: Path) -> list[str]:
    """An author is named, with any team badge, on every card of their ideas."""
    edit(root / "content/people/li-wei.md", "name: Li Wei", "name: Li Wei\nteam: true")
    return ["content/people/li-wei.md"]


def credit_in_a_release(root: Path) -> list[str]:
    edit(
        root / "content/changelog/v3-2.md",
        "ideas: [cash-flow-forecast]",
        "ideas: [cash-flow-forecast, vat-quarterly-summary]",
    )
    edit(root / "content/changelog/v3-2.md", "Reports remember", "Reports now remember")
    return ["content/changelog/v3-2.md"]


def move_a_round(root: Path) -> list[str]:
    edit(root / "content/rounds/api-webhooks-2026.md", "closes: 2027-01-31", "closes: 2026-11-21")
    return ["content/rounds/api-webhooks-2026.md"]


def retitle_a_page(root: Path) -> list[str]:
    edit(root / "content/pages/about.md", "title: About this hub", "title: About the hub")
    return ["content/pages/about.md"]


def publish_the_draft(root: Path) -> list[str]:
    path = next(
        p
        for p in (root / "content/ideas").glob("*.md")
        if "draft: true" in p.read_text(encoding="utf-8")
    )
    edit(path, "draft: true", "draft: false")
    return [path.relative_to(root).as_posix()]


def reword_why_we_declined(root: Path) -> list[str]:
    edit(
        root / "content/ideas/crypto-payments.md",
        "We've decided not to do this, and here's why.",
        "We have decided not to do this; here is why.",
    )
    return ["content/ideas/crypto-payments.md"]


def retitle_a_release(root: Path) -> list[str]:
    edit(root / "content/changelog/v3-0.md", "title: Tally 3.0 —", "title: Tally 3.0,")
    return ["content/changelog/v3-0.md"]


def reword_a_change(root: Path) -> list[str]:
    edit(root / "content/changelog/v3-2.md", "Reports remember", "Reports now remember")
    return ["content/changelog/v3-2.md"]


def retitle_a_round(root: Path) -> list[str]:
    edit(
        root / "content/rounds/mobile-receipts-2026.md",
        "title: Capturing receipts on the go",
        "title: Capturing receipts anywhere",
    )
    return ["content/rounds/mobile-receipts-2026.md"]


def rewrite_a_bio(root: Path) -> list[str]:
    edit(root / "content/people/maya-okafor.md", "\n---\n", "\n---\nHello. ")
    return ["content/people/maya-okafor.md"]


def reword_a_page(root: Path) -> list[str]:
    edit(root / "content/pages/about.md", "\n---\n", "\n---\nA new first line.\n\n")
    return ["content/pages/about.md"]


def retitle_the_draft(root: Path) -> list[str]:
    edit(
        root / "content/ideas/staff-expense-approval.md", "title: Approve", "title: Please approve"
    )
    return ["content/ideas/staff-expense-approval.md"]


#: Edits that change only what their own record shows: the preview patches the graph.
PATCHES = [
    retitle_idea,
    reword_a_body,
    reword_why_we_declined,
    retitle_a_release,
    reword_a_change,
    retitle_a_round,
    rewrite_a_bio,
    reword_a_page,
    retitle_a_page,
    retitle_the_draft,
]

EDITS = [
    retitle_idea,
    reword_a_body,
    answer_an_idea,
    add_a_supporter_and_tag,
    merge_as_duplicate,
    add_an_idea,
    delete_an_idea,
    rename_a_person,
    badge_an_author,
    credit_in_a_release,
    move_a_round,
    retitle_a_page,
    publish_the_draft,
    *(edit for edit in PATCHES if edit not in (retitle_idea, reword_a_body, retitle_a_page)),
]


#: Edits every page shows: free page titles sit in every footer, and a draft's title
#: appears wherever something refers to it.
TOUCH_EVERY_PAGE = {retitle_a_page, publish_the_draft, retitle_the_draft}


@pytest.fixture
def hub_copy(tmp_path) -> Path:
    root = tmp_path / "hub"
    root.mkdir()
    shutil.copy(ROOT / "hub.yaml", root / "hub.yaml")
    shutil.copytree(ROOT / "content", root / "content")
    return root


def differences(got: dict[str, bytes], want: dict[str, bytes]) -> list[str]:
    found = [f"missing {k}" for k in sorted(want.keys() - got.keys())]
    found += [f"extra {k}" for k in sorted(got.keys() - want.keys())]
    found += [f"differs {k}" for k in sorted(want.keys() & got.keys()) if got[k] != want[k]]
    return found


@pytest.mark.parametrize("change", EDITS, ids=[e.__name__ for e in EDITS])
def test_an_incremental_rebuild_equals_a_fresh_build(hub_copy, change):
    preview = Preview(hub_copy, environ=ENV)
    preview.rebuild()
    total = len(preview.snapshot.files)
    changed = change(hub_copy)
    snapshot = preview.rebuild(changed, {"content"})
    assert not snapshot.broken, [d.text() for d in snapshot.problems]
    fresh = Preview(hub_copy, environ=ENV)
    fresh.rebuild()
    assert differences(snapshot.files, fresh.snapshot.files) == []
    if change not in TOUCH_EVERY_PAGE:
        assert preview.rendered < total  # it did not simply render everything
    assert preview.patched == (change in PATCHES)


def test_small_edits_render_a_small_part_of_the_site(hub_copy):
    preview = Preview(hub_copy, environ=ENV)
    preview.rebuild()
    total = len(preview.snapshot.files)
    preview.rebuild(reword_a_body(hub_copy), {"content"})
    assert preview.rendered < total / 5, (preview.rendered, total)


def test_a_sequence_of_edits_with_a_broken_step_stays_equal(hub_copy):
    preview = Preview(hub_copy, environ=ENV)
    preview.rebuild()
    for change in (retitle_idea, answer_an_idea, rename_a_person):
        preview.rebuild(change(hub_copy), {"content"})
    broken = hub_copy / "content/ideas/mileage-tracking.md"
    good = broken.read_text(encoding="utf-8")
    broken.write_text(re.sub(r"submitted: \S+", "submitted: 2026-13-45", good), encoding="utf-8")
    assert preview.rebuild(["content/ideas/mileage-tracking.md"], {"content"}).broken
    broken.write_text(good.replace("title:", "title: Fixed,", 1), encoding="utf-8")
    snapshot = preview.rebuild(["content/ideas/mileage-tracking.md"], {"content"})
    fresh = Preview(hub_copy, environ=ENV)
    fresh.rebuild()
    assert differences(snapshot.files, fresh.snapshot.files) == []


#: A hub's own templates that read hub-wide data the default theme's pages do not:
#: the engine must learn what they read, not assume what the defaults show.
HUB_TEMPLATES = {
    "idea.html": (
        '{% extends "!default/idea.html" %}{% block main %}{{ super() }}'
        "<p class=count>{{ hub.ideas|length }} ideas; people: {{ hub.people|length }};"
        " newest title: {{ (hub.ideas.values()|sort(attribute='submitted')|last).title }};"
        " declined: {{ hub.ideas.values()|selectattr('status', 'equalto', 'declined')|list|length }}"
        "</p>{% endblock %}"
    ),
    "person.html": (
        '{% extends "!default/person.html" %}{% block main %}{{ super() }}'
        "<p>{% for r in hub.rounds.values() %}{{ r.title }} ({{ r.state }}) {% endfor %}"
        "{{ hub.figures.answered }} answered</p>{% endblock %}"
    ),
    "page.html": (
        '{% extends "!default/page.html" %}{% block main %}{{ super() }}'
        "<ul>{% for slug, tag in hub.tags.items() %}<li>{{ tag.name }}: {{ tag.ideas|length }}"
        "</li>{% endfor %}</ul>{% if 'mileage-tracking' in hub.ideas %}"
        "{{ hub.ideas['mileage-tracking'].title }} / {{ hub.ideas['mileage-tracking'].duplicate_of }}"
        "{% endif %}{% endblock %}"
    ),
    "feed-entry.html": (
        '{% include "!default/feed-entry.html" %}<p>{{ hub.releases|length }} releases so far</p>'
    ),
}


def hub_macros() -> str:
    """The default macros, with an idea card that also shows hub-wide data: cards are
    kept between pages and rebuilds, and must follow what they read like pages."""
    text = (ROOT / "templates/partials/macros.html").read_text(encoding="utf-8")
    card = re.search(r'<article class="card idea-card"[^>]*>', text)  # with its data-
    assert card is not None
    return text.replace(
        card[0],
        card[0] + "<small>{{ hub.ideas|length }} ideas, {{ hub.figures.answered }} answered,"
        " {{ hub.rounds.values()|map(attribute='title')|join(', ') }}</small>",
    )


@pytest.fixture
def themed_copy(hub_copy) -> Path:
    folder = hub_copy / "templates"
    folder.mkdir()
    for name, text in HUB_TEMPLATES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "partials").mkdir()
    (folder / "partials/macros.html").write_text(hub_macros(), encoding="utf-8")
    return hub_copy


@pytest.mark.parametrize("change", [*EDITS, delete_an_idea], ids=lambda e: e.__name__)
def test_hub_templates_reading_hub_wide_data_stay_correct(themed_copy, change):
    """With templates that show every idea's count on each idea page (the fault the
    old hand-kept tables had), each edit still equals a fresh build."""
    preview = Preview(themed_copy, environ=ENV)
    first = preview.rebuild()
    assert not first.broken, [d.text() for d in first.problems]
    assert b"class=count>" in first.files["ideas/mileage-tracking/index.html"]
    snapshot = preview.rebuild(change(themed_copy), {"content"})
    assert not snapshot.broken, [d.text() for d in snapshot.problems]
    fresh = Preview(themed_copy, environ=ENV)
    fresh.rebuild()
    assert differences(snapshot.files, fresh.snapshot.files) == []


def test_adding_an_idea_updates_a_count_every_idea_page_shows(themed_copy):
    preview = Preview(themed_copy, environ=ENV)
    before = preview.rebuild().files["ideas/mileage-tracking/index.html"]
    count = int(re.search(rb"class=count>(\d+) ideas", before).group(1))
    after = preview.rebuild(add_an_idea(themed_copy), {"content"})
    page = after.files["ideas/mileage-tracking/index.html"]
    assert f"class=count>{count + 1} ideas".encode() in page


@pytest.mark.parametrize("change", [retitle_idea, answer_an_idea, add_an_idea, delete_an_idea])
def test_feeds_stay_equal_when_stamps_clash(hub_copy, monkeypatch, change):
    """With one slot per kind of event, every two events of a kind on one day clash
    and `_distinct` moves one on: the feeds a later revision files from the last
    one's must still be those of a fresh build."""
    monkeypatch.setattr("builder.feeds._SLOT", 1)
    preview = Preview(hub_copy, environ=ENV)
    first = preview.rebuild()
    assert b"<updated>" in first.files["feed.xml"]
    snapshot = preview.rebuild(change(hub_copy), {"content"})
    fresh = Preview(hub_copy, environ=ENV)
    fresh.rebuild()
    assert differences(snapshot.files, fresh.snapshot.files) == []
