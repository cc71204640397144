"""Following without a feed reader (SPEC §9) and ideas by how many asked: every
"Follow" link leads a browser to a readable page beside the feed, which gives the
feed's address and how to follow it, by email too when the hub names a service;
/ideas/top/ orders ideas by the distinct people who asked for them."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from conftest import EPOCH, HUB_YAML, lines
from lxml import html as lxml_html

from builder.build import build

ENV = {"SOURCE_DATE_EPOCH": EPOCH}

HUB = {
    "content/people/alice.md": "---\nname: Alice Moreau\nteam: true\n---\nProduct manager.\n",
    "content/ideas/dark-mode.md": """
        ---
        title: Dark mode
        submitted: 2026-03-02
        author: bob
        product: web
        tags: [Accessibility]
        supporters: [carol]
        ---
        My eyes hurt at night.
    """,
    "content/ideas/night-theme.md": """
        ---
        title: A night theme
        submitted: 2026-03-10
        author: erin
        supporters: [frank, bob]
        duplicate_of: dark-mode
        ---
        Same as dark mode.
    """,
    "content/ideas/offline.md": """
        ---
        title: Offline mode
        submitted: 2026-05-01
        author: carol
        supporters: [dave, erin]
        ---
        On the train.
    """,
    "content/ideas/csv.md": """
        ---
        title: CSV export
        submitted: 2026-06-01
        author: gina
        ---
        For my accountant.
    """,
    "content/rounds/spring.md": """
        ---
        title: Spring interviews
        opens: 2026-03-01
        closes: 2026-03-31
        questions: [What slows you down?]
        ---
        Talk to us.
    """,
}

EMAIL = "https://mail.example.net/subscribe?url={feed}&src=hub"


def _site(root: Path) -> Path:
    result = build(root, environ=ENV, jobs=1)
    assert result.ok, [d.text() for d in result.problems.errors]
    return root / "site"


def _tree(site: Path, url: str):
    return lxml_html.fromstring((site / url.strip("/") / "index.html").read_bytes())


def _pages(site: Path):
    for path in sorted(site.rglob("*.html")):
        if not path.relative_to(site).as_posix().startswith("pagefind/"):
            yield path, lxml_html.fromstring(path.read_bytes())


def test_every_follow_link_leads_to_a_readable_page_never_to_xml(hub):
    site = _site(hub(HUB))
    seen = set()
    for path, tree in _pages(site):
        for link in tree.xpath("//a[starts-with(normalize-space(.), 'Follow')]"):
            href = link.get("href")
            assert href.endswith("/follow/"), f"{path}: {href}"
            target = site / href.strip("/") / "index.html"
            assert target.is_file(), f"{path}: {href}"
            seen.add(href)
    assert {"/ideas/dark-mode/follow/", "/follow/", "/ideas/follow/"} <= seen


def test_a_follow_page_sits_beside_each_feed_and_gives_its_address(hub):
    site = _site(hub(HUB))
    feeds = sorted(p.relative_to(site).as_posix() for p in site.rglob("feed.xml"))
    assert "ideas/dark-mode/feed.xml" in feeds and "products/web/feed.xml" in feeds
    for feed in feeds:
        folder = feed.removesuffix("feed.xml")
        tree = _tree(site, "/" + folder + "follow/")
        copy = tree.xpath("//main//*[@data-copy]/@data-copy")
        assert f"https://hub.example.com/{feed}" in copy, feed
        text = tree.text_content()
        assert "feed reader" in text
        # Autodiscovery too: a reader given this page's address finds the feed.
        assert f"/{feed}" in tree.xpath("//link[@rel='alternate']/@href"), feed


def test_an_ideas_follow_page_says_what_its_feed_carries(hub):
    site = _site(hub(HUB))
    tree = _tree(site, "/ideas/dark-mode/follow/")
    assert tree.xpath("//h1")[0].text_content() == "Follow: Dark mode"
    assert "every answer" in tree.xpath("//p[@class='lead']")[0].text_content()
    assert "/ideas/dark-mode/" in tree.xpath("//main//a/@href")
    # An idea has Atom only; a section both.
    assert len(tree.xpath("//main//*[@data-copy]")) == 1
    assert len(_tree(site, "/ideas/follow/").xpath("//main//*[@data-copy]")) == 2
    # No email offer when the hub names no service.
    assert "email" not in tree.text_content().lower()


def test_follow_by_email_puts_the_feeds_address_into_the_services_url(hub):
    site = _site(hub(HUB, HUB_YAML + f"follow_by_email: {EMAIL}\n"))
    tree = _tree(site, "/ideas/dark-mode/follow/")
    hrefs = [a.get("href") for a in tree.xpath("//a") if "email" in a.text_content().lower()]
    feed = quote("https://hub.example.com/ideas/dark-mode/feed.xml", safe="")
    assert hrefs == [f"https://mail.example.net/subscribe?url={feed}&src=hub"]
    # A section's page offers its RSS, which every such service reads.
    tree = _tree(site, "/ideas/follow/")
    rss = quote("https://hub.example.com/ideas/rss.xml", safe="")
    assert f"https://mail.example.net/subscribe?url={rss}&src=hub" in tree.xpath("//a/@href")


def test_follow_by_email_without_the_feed_placeholder_is_an_error_at_its_line(hub):
    root = hub({}, HUB_YAML + "follow_by_email: https://mail.example.net/subscribe\n")
    (error,) = [line for line in lines(root) if "follow_by_email" in line]
    assert error.startswith("hub.yaml:6:18: error: follow_by_email: expected an http(s) URL")
    assert "write {feed} where the address goes" in error


def test_ideas_top_orders_by_distinct_people_who_asked(hub):
    site = _site(hub(HUB))
    tree = _tree(site, "/ideas/top/")
    titles = [a.text_content().strip() for a in tree.xpath("//main//h2[@class='card-title']/a")]
    # dark-mode: bob, carol, and from its duplicate erin and frank (bob once) = 4;
    # offline: carol, dave, erin = 3; csv: gina = 1. The duplicate is not listed.
    assert titles == ["Dark mode", "Offline mode", "CSV export"]
    order = tree.xpath("//nav[@aria-label='Order of the ideas']//a")
    assert [(a.get("href"), a.get("aria-current")) for a in order] == [
        ("/ideas/", None),
        ("/ideas/top/", "page"),
    ]
    newest = _tree(site, "/ideas/")
    titles = [a.text_content().strip() for a in newest.xpath("//main//h2[@class='card-title']/a")]
    assert titles == ["CSV export", "Offline mode", "Dark mode"]


def test_ideas_top_is_paginated_like_the_newest_list(hub):
    files = {
        f"content/ideas/idea-{n:02d}.md": f"""
            ---
            title: Idea {n:02d}
            submitted: 2026-01-{n:02d}
            author: person-{n}
            supporters: [{", ".join(f"fan-{k}" for k in range(n))}]
            ---
            Words.
        """
        for n in range(1, 26)
    }
    site = _site(hub(files))
    first = _tree(site, "/ideas/top/")
    second = _tree(site, "/ideas/top/page/2/")
    titles = [
        a.text_content().strip()
        for tree in (first, second)
        for a in tree.xpath("//main//h2[@class='card-title']/a")
    ]
    assert titles == [f"Idea {n:02d}" for n in range(25, 0, -1)]
    assert "25 ideas, most asked first" in first.text_content()
    assert "/ideas/top/page/2/" in first.xpath("//nav[contains(@class, 'pagination')]//a/@href")
