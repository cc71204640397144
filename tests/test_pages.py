"""Pages that agree with themselves: what a person answered and what shipped after,
the declined list and the impact page in pages, an idea's askers counted one way, the
current status chip marked, card titles that look like links, and an idea with no
words yet warned about and shown without an empty quote."""

from __future__ import annotations

import re

from conftest import lines
from test_build import do_build, hrefs, page, text

from builder import cli

PEOPLE = {
    "content/people/kyle.md": "---\nname: Kyle Lacy\nteam: true\n---\nSupport lead.\n",
    "content/people/bob.md": "---\nname: Bob Stone\n---\n",
}


def idea(title: str, submitted: str = "2026-03-02", author: str = "bob", extra: str = "") -> str:
    return f"---\ntitle: {title}\nsubmitted: {submitted}\nauthor: {author}\n{extra}---\nWords of {title}.\n"


# -- an idea's askers ---------------------------------------------------------------


def asked(tree) -> str:
    return text(tree.xpath("//section[@aria-labelledby='asked']")[0])


def test_a_duplicate_by_the_same_customer_adds_nobody_and_says_so(hub):
    site = do_build(
        hub(
            {
                "content/ideas/dark-mode.md": idea("Dark mode"),
                "content/ideas/night.md": idea("Night", extra="duplicate_of: dark-mode\n"),
            }
        )
    )
    section = asked(page(site, "/ideas/dark-mode/"))
    assert "Nobody else yet: the idea merged into this one is bob\u2019s own." in section
    assert "1 idea asking for the same was merged into this one: Night by bob." in section
    assert "other idea asked" not in section


def test_the_askers_of_duplicates_are_counted_with_the_supporters(hub):
    site = do_build(
        hub(
            {
                **PEOPLE,
                "content/ideas/dark-mode.md": idea("Dark mode", extra="supporters: [carol]\n"),
                "content/ideas/night.md": idea(
                    "Night",
                    author="erin",
                    extra="duplicate_of: dark-mode\nsupporters: [carol, bob]\n",
                ),
            }
        )
    )
    tree = page(site, "/ideas/dark-mode/")
    section = tree.xpath("//section[@aria-labelledby='asked']")[0]
    # carol once, erin from the duplicate, bob (the author) never as his own supporter.
    assert hrefs(section, "./p[1]//a") == ["/people/carol/", "/people/erin/"]
    assert "3 people asked for this in all, Bob Stone included." in text(section)
    assert "Nobody" not in text(section)
    # Its card counts the same people.
    card = page(site, "/ideas/").xpath("//article[contains(@class,'idea-card')]")
    assert "2 other people asked for this too" in text(card[0])


# -- an idea with no words ----------------------------------------------------------


def test_an_idea_with_only_comments_warns_at_its_body(hub):
    root = hub(
        {
            "content/ideas/dark-mode.md": "---\ntitle: Dark mode\nsubmitted: 2026-03-02\n"
            "author: bob\n---\n\n<!-- the customer's words -->\n  \n",
            "content/ideas/blank.md": "---\ntitle: Blank\nsubmitted: 2026-03-02\nauthor: bob\n---\n",
            "content/ideas/open.md": "---\ntitle: Open\nsubmitted: 2026-03-02\nauthor: bob\n---\n"
            "<!-- never closed\n\nstill a comment\n",
            "content/ideas/said.md": "---\ntitle: Said\nsubmitted: 2026-03-02\nauthor: bob\n---\n"
            "<!-- a note for the team -->\nPlease add a dark theme.\n",
        }
    )
    expected = "expected the idea in the customer's words below the front matter, found"
    hint = "(write what the customer asked for, as they put it)"
    assert lines(root) == [
        f"content/ideas/blank.md:6:1: warning: body: {expected} nothing {hint}",
        f"content/ideas/dark-mode.md:6:1: warning: body: {expected} only comments {hint}",
        f"content/ideas/open.md:6:1: warning: body: {expected} only comments {hint}",
    ]
    assert cli.main(["check", "--root", str(root)]) == 0
    assert cli.main(["check", "--strict", "--root", str(root)]) == 1


def test_an_idea_with_no_words_shows_no_empty_quote(hub):
    site = do_build(
        hub(
            {
                "content/ideas/dark-mode.md": "---\ntitle: Dark mode\nsubmitted: 2026-03-02\n"
                "author: bob\n---\n<!-- the customer's words -->\n",
                "content/ideas/night.md": "---\ntitle: Night\nsubmitted: 2026-03-03\n"
                "author: bob\nduplicate_of: dark-mode\n---\n",
                "content/ideas/said.md": idea("Said"),
            }
        )
    )
    empty = page(site, "/ideas/dark-mode/")
    assert not empty.xpath("//blockquote")
    # Who asked, and when, is still on the page.
    assert "Submitted by bob 2 Mar 2026" in text(empty.xpath("//ol[@class='timeline']")[0])
    assert not page(site, "/ideas/night/").xpath("//details")
    said = page(site, "/ideas/said/").xpath("//blockquote[@class='customer-words']")
    assert "Words of Said." in text(said[0])


# -- status chips and card titles ---------------------------------------------------


def test_the_status_chips_mark_the_list_shown(hub):
    site = do_build(
        hub(
            {
                "content/ideas/dark-mode.md": idea(
                    "Dark mode",
                    extra="updates:\n  - date: 2026-03-03\n    status: planned\n    by: kyle\n",
                ),
                "content/ideas/offline.md": idea("Offline"),
            }
        )
    )

    def current(url: str) -> list[str]:
        tree = page(site, url)
        return hrefs(tree, "//nav[@class='filters']//a[@aria-current='page']")

    assert current("/ideas/") == ["/ideas/"]
    assert current("/ideas/status/planned/") == ["/ideas/status/planned/"]
    assert current("/ideas/status/new/") == ["/ideas/status/new/"]


def test_card_titles_are_styled_as_links_in_both_schemes(hub):
    site = do_build(hub({"content/ideas/dark-mode.md": idea("Dark mode")}))
    (css,) = (site / "static").glob("style.*.css")
    rules = dict(re.findall(r"^(\.card-title a|\.board-title) \{([^}]*)\}", css.read_text(), re.M))
    for selector in (".card-title a", ".board-title"):
        assert "color: var(--accent)" in rules[selector], selector
        assert "text-decoration: underline" in rules[selector], selector
