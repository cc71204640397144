"""Feeds tell each happening once (SPEC §5): an idea's shipping is one entry whatever
says it, a round's closing is an entry that carries what we heard, and no plain-text
field becomes markup in the entries that tell them.

Every test builds a small hub and reads its feeds back with lxml and feedparser, as a
feed reader would; the last ones check that the preview and the build cache follow
these events exactly as a cold build makes them.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import UTC, date, datetime, time
from pathlib import Path

import feedparser
import lxml.html
import pytest
from conftest import EPOCH, site_files, write_hub
from lxml import etree
from test_feeds import check_file, entries, feed_files

from builder.build import build
from builder.serve import Preview

A = "{http://www.w3.org/2005/Atom}"
BASE = "https://hub.example.com/"
TAG = "tag:hub.example.com,"
ENV = {"SOURCE_DATE_EPOCH": EPOCH}

STORY = {
    "content/people/ana.md": "---\nname: Ana Lima\nteam: true\n---\n",
    "content/people/bo.md": "---\nname: Bo Berg\n---\n",
    # Shipped, said twice: by the team's answer and by the release that credits it.
    "content/ideas/told.md": """
        ---
        title: Dark mode
        submitted: 2026-03-02
        author: bo
        product: web
        tags: [ui]
        updates:
          - date: 2026-03-04
            status: planned
            by: ana
          - date: 2026-03-12
            status: shipped
            by: ana
            note: Out now, under Settings.
        ---
        My eyes hurt at night.
    """,
    # Shipped by a release alone: no answer says so.
    "content/ideas/credited.md": """
        ---
        title: Bigger buttons
        submitted: 2026-03-03
        author: bo
        product: web
        tags: [ui]
        ---
        They are tiny.
    """,
    # Credited by two releases: the earliest ships it, the other is "also in".
    "content/ideas/twice.md": """
        ---
        title: Keyboard shortcuts
        submitted: 2026-03-05
        author: cy
        product: web
        tags: [ui]
        ---
        Faster, please.
    """,
    # Marked shipped, with no release to credit it.
    "content/ideas/quiet.md": """
        ---
        title: A calmer inbox
        submitted: 2026-03-06
        author: bo
        tags: [ui]
        updates:
          - date: 2026-03-20
            status: shipped
            by: ana
        ---
        Too many emails.
    """,
    # Never shipped: answers only.
    "content/ideas/plain.md": """
        ---
        title: Offline mode
        submitted: 2026-03-07
        author: bo
        product: web
        tags: [ui]
        ---
        On the train.
    """,
    "content/changelog/v1.md": """
        ---
        title: Version 1
        date: 2026-03-12
        product: web
        changes:
          - type: added
            text: Dark mode and bigger buttons.
            ideas: [told, credited, twice]
            thanks: [bo]
        ---
        The first release.
    """,
    "content/changelog/v2.md": """
        ---
        title: Version 2
        date: 2026-04-02
        product: web
        changes:
          - type: changed
            text: Darker dark mode, more shortcuts.
            ideas: [twice, told]
        ---
    """,
    "content/rounds/spring.md": """
        ---
        title: Spring round
        opens: 2026-03-01
        closes: 2026-03-31
        product: web
        questions: ["What slows you down?"]
        participants: [bo]
        heard: We heard *a lot* about the dark.
        ---
    """,
    "content/rounds/summer.md": """
        ---
        title: Summer round
        opens: 2026-06-01
        closes: 2026-06-30
        participants: 12
        ---
    """,
    # Closes after the build date (EPOCH is 2026-11-22): its closing has not happened.
    "content/rounds/later.md": """
        ---
        title: Winter round
        opens: 2026-11-01
        closes: 2026-12-15
        ---
    """,
}


def epoch(day: date) -> str:
    """SOURCE_DATE_EPOCH for midnight UTC of `day`."""
    return str(int(datetime.combine(day, time(), UTC).timestamp()))


def built(root: Path, out: Path, when: str = EPOCH) -> Path:
    result = build(root, out, environ={"SOURCE_DATE_EPOCH": when}, cache=False)
    assert result.ok, [d.text() for d in result.problems.errors]
    return result.out


@pytest.fixture
def story(tmp_path) -> Path:
    root = tmp_path / "hub"
    root.mkdir()
    return write_hub(root, STORY)


@pytest.fixture
def site(story, tmp_path) -> Path:
    return built(story, tmp_path / "site")


def rel(site: Path, path: Path) -> str:
    return path.relative_to(site).as_posix()


def atom_entries(path: Path) -> dict[str, etree._Element]:
    root = etree.parse(str(path)).getroot()
    return {e.findtext(f"{A}id"): e for e in root.findall(f"{A}entry")}


def content(entry) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(entry.findtext(f"{A}content"), create_parent="div")


def links(entry) -> list[str]:
    return [a.get("href") for a in content(entry).iter("a")]


#: An entry id that tells an idea's shipping: its `shipped` answer, or a release's.
SHIPPING = re.compile(
    r":ideas/([a-z0-9-]+)/(?:update-[0-9-]+-shipped(?:-\d+)?|shipped-[a-z0-9-]+)$"
)


# -- an idea ships once ------------------------------------------------------------------


def test_an_idea_ships_once_in_every_feed_it_is_in(site):
    """However many things say an idea shipped (an answer, a release, a second
    release), each feed that tells it has one entry for it, in both formats."""
    told_in: dict[str, set[str]] = {}
    for path in feed_files(site):
        per_idea: dict[str, list[str]] = {}
        for guid in entries(path):
            found = SHIPPING.search(guid)
            if found:
                per_idea.setdefault(found.group(1), []).append(guid)
        for slug, guids in per_idea.items():
            assert len(guids) == 1, (rel(site, path), guids)
            told_in.setdefault(slug, set()).add(rel(site, path))
        titles = [e.title for e in feedparser.parse(path.read_bytes()).entries]
        assert not [t for t in titles if t.endswith(": shipped")], rel(site, path)
        assert len(titles) == len(set(titles)), (rel(site, path), titles)
    for slug in ("told", "credited", "twice", "quiet"):
        want = {f"ideas/{slug}/feed.xml", "feed.xml", "rss.xml", "ideas/feed.xml"}
        want |= {"ideas/rss.xml", "tags/ui/feed.xml", "tags/ui/rss.xml"}
        assert want <= told_in[slug], slug
    assert "plain" not in told_in


def test_the_shipped_answer_is_the_entry_and_links_the_release(site):
    feed = site / "ideas/told/feed.xml"
    found = atom_entries(feed)
    assert list(found) == [
        f"{TAG}2026-03-02:ideas/told/update-2026-03-12-shipped",
        f"{TAG}2026-03-02:ideas/told/update-2026-03-04-planned",
        f"{TAG}2026-03-02:ideas/told/submitted",
    ]
    shipped = found[f"{TAG}2026-03-02:ideas/told/update-2026-03-12-shipped"]
    assert shipped.findtext(f"{A}title") == "Shipped: Dark mode"
    assert shipped.findtext(f"{A}published") == "2026-03-12T00:00:00+00:00"
    assert shipped.findtext(f"{A}author/{A}name") == "Ana Lima"
    assert f"{BASE}changelog/v1/" in links(shipped)
    assert f"{BASE}changelog/v2/" not in links(shipped)  # "also in" tells nothing here
    text = content(shipped).text_content()
    assert "Out now, under Settings." in text
    assert "Dark mode and bigger buttons." in text  # the change that shipped it


def test_without_a_shipped_answer_the_earliest_release_gives_the_entry(site):
    for slug, submitted in (("credited", "2026-03-03"), ("twice", "2026-03-05")):
        found = atom_entries(site / f"ideas/{slug}/feed.xml")
        shipped_id = f"{TAG}{submitted}:ideas/{slug}/shipped-v1"
        assert list(found) == [shipped_id, f"{TAG}{submitted}:ideas/{slug}/submitted"]
        shipped = found[shipped_id]
        assert shipped.findtext(f"{A}published") == "2026-03-12T00:00:00+00:00"
        assert f"{BASE}changelog/v1/" in links(shipped)
    # The later release is the changelog's event, not another shipping.
    changelog = atom_entries(site / "changelog/feed.xml")
    assert f"{TAG}2026-04-02:changelog/v2" in changelog
    assert not any("shipped-v2" in guid for path in feed_files(site) for guid in entries(path))


def test_a_shipped_answer_without_a_release_links_none(site):
    found = atom_entries(site / "ideas/quiet/feed.xml")
    shipped = found[f"{TAG}2026-03-06:ideas/quiet/update-2026-03-20-shipped"]
    assert shipped.findtext(f"{A}title") == "Shipped: A calmer inbox"
    assert not [url for url in links(shipped) if "/changelog/" in url]


def test_a_persons_feed_has_each_happening_once(site):
    """Bo asked for two ideas v1 shipped and was thanked in it: the release is one
    entry, each idea's shipping another, and nothing more."""
    assert set(entries(site / "people/bo/rss.xml")) == {
        f"{TAG}2026-03-02:ideas/told/submitted",
        f"{TAG}2026-03-02:ideas/told/update-2026-03-04-planned",
        f"{TAG}2026-03-02:ideas/told/update-2026-03-12-shipped",
        f"{TAG}2026-03-03:ideas/credited/submitted",
        f"{TAG}2026-03-03:ideas/credited/shipped-v1",
        f"{TAG}2026-03-06:ideas/quiet/submitted",
        f"{TAG}2026-03-06:ideas/quiet/update-2026-03-20-shipped",
        f"{TAG}2026-03-07:ideas/plain/submitted",
        f"{TAG}2026-03-12:changelog/v1",
        f"{TAG}2026-04-02:changelog/v2",
        f"{TAG}2026-03-01:rounds/spring/opened",
        f"{TAG}2026-03-01:rounds/spring/closed",
    }


# -- a round closes ----------------------------------------------------------------------


def test_a_rounds_closing_carries_what_we_heard(site):
    found = atom_entries(site / "rounds/feed.xml")
    closed = found[f"{TAG}2026-03-01:rounds/spring/closed"]
    assert closed.findtext(f"{A}title") == "Feedback round closed: Spring round — what we heard"
    assert closed.findtext(f"{A}published") == "2026-04-01T00:00:00+00:00"
    assert closed.findtext(f"{A}updated").startswith("2026-04-01T00:00:00.")
    body = content(closed)
    assert [em.text for em in body.iter("em")] == ["a lot"]
    assert "What slows you down?" in body.text_content()
    assert f"{BASE}rounds/spring/" in links(closed)
    # The round is told twice, as it opens and as it closes; "heard" is no event.
    spring = sorted(guid for guid in found if ":rounds/spring/" in guid)
    assert spring == [
        f"{TAG}2026-03-01:rounds/spring/closed",
        f"{TAG}2026-03-01:rounds/spring/opened",
    ]
    for feed in ("feed.xml", "rss.xml", "products/web/feed.xml", "people/bo/feed.xml"):
        assert f"{TAG}2026-03-01:rounds/spring/closed" in entries(site / feed), feed


def test_a_closing_without_what_we_heard_says_so(site):
    found = atom_entries(site / "rounds/feed.xml")
    closed = found[f"{TAG}2026-06-01:rounds/summer/closed"]
    assert closed.findtext(f"{A}title") == "Feedback round closed: Summer round"
    assert closed.findtext(f"{A}published") == "2026-07-01T00:00:00+00:00"
    text = content(closed).text_content()
    assert "12 people took part." in text
    assert "We have not published what we heard yet." in text


def test_a_closing_joins_the_feeds_on_its_day(story, site, tmp_path):
    """Before the day after `closes`, no feed tells the closing (the round is still
    open); from that day every feed that tells it has the very entry a later build
    has: its id and dates come from content alone."""
    closed_id = f"{TAG}2026-03-01:rounds/spring/closed"
    eve = built(story, tmp_path / "eve", epoch(date(2026, 3, 31)))
    assert not [p for p in feed_files(eve) if closed_id in entries(p)]
    assert f"{TAG}2026-03-01:rounds/spring/opened" in entries(eve / "rounds/feed.xml")
    day = built(story, tmp_path / "day", epoch(date(2026, 4, 1)))
    for feed in ("rounds/feed.xml", "rounds/rss.xml", "feed.xml", "people/bo/rss.xml"):
        assert entries(day / feed)[closed_id] == entries(site / feed)[closed_id], feed
    # The winter round, open on the build date, has not closed in any feed.
    assert not [p for p in feed_files(site) if f"{TAG}2026-11-01:rounds/later/closed" in entries(p)]
    assert f"{TAG}2026-11-01:rounds/later/opened" in entries(site / "rounds/feed.xml")


def test_the_story_hubs_feeds_pass_the_validator_checks(site):
    problems = {
        rel(site, p): found for p in feed_files(site) if (found := check_file(site, p, BASE))
    }
    assert problems == {}


# -- plain text stays text ---------------------------------------------------------------

NAME = "<img src=x onerror=alert(1)>"
TITLE = '<b>Bold</b> & "quotes"'
TAG_NAME = "<u>under</u> &amp; over"
PRODUCT = "Web <script>alert(1)</script>"
HUB_TITLE = "Hub <i>x</i> &copy"
DESCRIPTION = "Where <b>you</b> & we talk &lt;"
ROUND = "Round <i>one</i> &amp; only"
RELEASE = "Version <b>1</b>"
#: Elements no template writes: any of them in a feed was made of plain text.
FOREIGN = {"img", "script", "b", "i", "u"}

MARKUP_HUB_YAML = f"""\
title: {json.dumps(HUB_TITLE)}
description: {json.dumps(DESCRIPTION)}
base_url: {BASE}
products:
  web: {json.dumps(PRODUCT)}
"""

MARKUP = {
    "content/people/eve.md": f"---\nname: {json.dumps(NAME)}\n---\n",
    "content/ideas/told.md": f"""
        ---
        title: {json.dumps(TITLE)}
        submitted: 2026-03-02
        author: eve
        product: web
        tags: [{json.dumps(TAG_NAME)}]
        updates:
          - date: 2026-03-12
            status: shipped
            by: eve
        ---
        Words.
    """,
    "content/changelog/v1.md": f"""
        ---
        title: {json.dumps(RELEASE)}
        date: 2026-03-12
        product: web
        changes:
          - type: added
            text: It.
            ideas: [told]
            thanks: [eve]
        ---
    """,
    "content/rounds/one.md": f"""
        ---
        title: {json.dumps(ROUND)}
        opens: 2026-03-01
        closes: 2026-03-31
        product: web
        participants: [eve]
        heard: Plenty.
        ---
    """,
}


def read_back(detail) -> str:
    """The text a reader shows for a feedparser value: HTML read as HTML, which must
    hold no element at all; anything else as it is."""
    if detail.get("type") == "text/html" and detail["value"]:
        fragment = lxml.html.fragment_fromstring(detail["value"], create_parent="p")
        assert len(fragment) == 0, f"markup in {detail['value']!r}"
        return html.unescape(detail["value"])
    return detail["value"]


@pytest.fixture
def marked(tmp_path) -> Path:
    root = tmp_path / "markup"
    root.mkdir()
    return built(write_hub(root, MARKUP, MARKUP_HUB_YAML), tmp_path / "markup-site")


def test_no_plain_text_becomes_markup_in_any_feed(marked):
    """Every channel and item text (titles, subtitles, authors, categories) reads back
    as text, and the entries' HTML holds no element made of a name or a title."""
    paths = feed_files(marked)
    assert len(paths) > 10
    for path in paths:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        texts = [read_back(feed.feed.title_detail), read_back(feed.feed.subtitle_detail)]
        for entry in feed.entries:
            texts.append(read_back(entry.title_detail))
            texts.append(entry.get("author", ""))
            texts += [t.get("label") or t.term for t in entry.get("tags", [])]
            for part in entry.get("content", []) or [entry.summary_detail]:
                body = lxml.html.fragment_fromstring(part["value"], create_parent="div")
                assert not {e.tag for e in body.iter()} & FOREIGN, (path, part["value"])
        assert HUB_TITLE in " ".join(texts), path


@pytest.mark.parametrize("fmt", ["feed.xml", "rss.xml"])
def test_names_and_titles_read_back_as_written(marked, fmt):
    person = feedparser.parse((marked / "people/eve" / fmt).read_bytes())
    assert read_back(person.feed.title_detail) == f"{NAME} · {HUB_TITLE}"
    assert read_back(person.feed.subtitle_detail) == (
        f"What {NAME} raised, was answered on, and shaped."
    )
    titles = {read_back(e.title_detail) for e in person.entries}
    assert {
        f"Shipped: {TITLE}",
        f"New idea: {TITLE}",
        RELEASE,
        f"Feedback round open: {ROUND}",
        f"Feedback round closed: {ROUND} — what we heard",
    } == titles
    assert {e.author for e in person.entries} == {NAME, HUB_TITLE}
    labels = {t.get("label") or t.term for e in person.entries for t in e.tags}
    assert {TAG_NAME, PRODUCT} <= labels
    tagged = feedparser.parse(next((marked / "tags").glob(f"*/{fmt}")).read_bytes())
    assert read_back(tagged.feed.title_detail) == f"#{TAG_NAME} · {HUB_TITLE}"
    product = feedparser.parse((marked / "products/web" / fmt).read_bytes())
    assert read_back(product.feed.title_detail) == f"{PRODUCT} · {HUB_TITLE}"
    hub = feedparser.parse((marked / fmt).read_bytes())
    assert read_back(hub.feed.title_detail) == HUB_TITLE


# -- the preview and the cache follow these events ---------------------------------------


def add_update(path: Path, update: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, _, body = text.removeprefix("---\n").partition("\n---\n")
    if "updates:" not in head:
        head += "\nupdates:"
    path.write_text(f"---\n{head}\n{update}\n---\n{body}", encoding="utf-8")


def credit_plain(root: Path) -> list[str]:
    path = root / "content/changelog/v2.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "ideas: [twice, told]", "ideas: [twice, told, plain]"
        ),
        encoding="utf-8",
    )
    return ["content/changelog/v2.md"]


def answer_plain_shipped(root: Path) -> list[str]:
    add_update(
        root / "content/ideas/plain.md",
        "  - date: 2026-04-03\n    status: shipped\n    by: ana\n    note: Out in version 2.",
    )
    return ["content/ideas/plain.md"]


def hear_summer(root: Path) -> list[str]:
    path = root / "content/rounds/summer.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("participants: 12\n", "participants: 12\nheard: Sun.\n"), encoding="utf-8"
    )
    return ["content/rounds/summer.md"]


STEPS = [credit_plain, answer_plain_shipped, hear_summer]


def tree(folder: Path) -> dict[str, bytes]:
    return {rel(folder, p): p.read_bytes() for p in site_files(folder)}


def test_the_preview_follows_a_shipping_and_a_hearing(story):
    preview = Preview(story, environ=ENV)
    preview.rebuild()
    for step in STEPS:
        snapshot = preview.rebuild(step(story), {"content"})
        assert not snapshot.broken, [d.text() for d in snapshot.problems]
        fresh = Preview(story, environ=ENV)
        fresh.rebuild()
        assert snapshot.files == fresh.snapshot.files, step.__name__
    feed = snapshot.files["ideas/plain/feed.xml"].decode()
    assert ":ideas/plain/update-2026-04-03-shipped<" in feed
    assert "shipped-v2" not in feed
    assert "Summer round — what we heard" in snapshot.files["rounds/feed.xml"].decode()


def test_a_cached_build_follows_a_shipping_and_a_hearing(story, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    assert build(story, environ=ENV).ok
    for step in STEPS:
        step(story)
        assert build(story, environ=ENV).ok
        cold = tmp_path / "cold"
        shutil.rmtree(cold, ignore_errors=True)
        built(story, cold)
        assert tree(story / "site") == tree(cold), step.__name__
    told = {guid for guid in entries(story / "site/ideas/plain/feed.xml") if SHIPPING.search(guid)}
    assert told == {f"{TAG}2026-03-07:ideas/plain/update-2026-04-03-shipped"}


def test_the_example_hub_ships_each_idea_once(example_site):
    for path in feed_files(example_site):
        told = [m.group(1) for guid in entries(path) if (m := SHIPPING.search(guid))]
        assert len(told) == len(set(told)), (rel(example_site, path), told)


def test_the_example_hub_tells_closed_rounds(example_site):
    found = atom_entries(example_site / "rounds/feed.xml")
    closed = [guid for guid in found if guid.endswith("/closed")]
    assert closed, "the example has rounds that closed before the build date"
    for guid in closed:
        assert "what we heard" in found[guid].findtext(f"{A}title")
