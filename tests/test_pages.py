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
    assert "Submitted by bob March 2, 2026" in text(empty.xpath("//ol[@class='timeline']")[0])
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
        return hrefs(tree, "//nav[@aria-label='Ideas by status']//a[@aria-current='page']")

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


# -- what a person answered, and what shipped after ---------------------------------


def answered(
    title: str, day: int, *updates: tuple[str, str, str], extra: str = "", author: str = "bob"
) -> str:
    """An idea submitted on 1 Jan with `updates` as (date, status, by); each carries a
    note naming its idea and status in Markdown."""
    lines_ = "".join(
        f"  - date: {when}\n    status: {status}\n    by: {by}\n"
        f'    note: "**{status}** for {title}"\n'
        for when, status, by in updates
    )
    return idea(title, f"2026-01-{day:02d}", author, extra=f"{extra}updates:\n{lines_}")


def sitemap(site) -> set[str]:
    return set(
        re.findall(
            r"<loc>https://hub\.example\.com(/[^<]*)</loc>", (site / "sitemap.xml").read_text()
        )
    )


def crumbs(tree) -> list[str]:
    return [text(a) for a in tree.xpath("//nav[@class='breadcrumbs wrap']//li")]


def test_a_staff_page_shows_answers_with_notes_and_what_shipped_after(hub):
    files = {
        **PEOPLE,
        # Shipped by Kyle's own answer, by a colleague's later one, and by a release.
        "content/ideas/csv.md": answered(
            "CSV export", 1, ("2026-02-01", "planned", "kyle"), ("2026-03-01", "shipped", "kyle")
        ),
        "content/ideas/pdf.md": answered(
            "PDF export", 2, ("2026-02-20", "planned", "kyle"), ("2026-04-01", "shipped", "ana")
        ),
        "content/ideas/sso.md": answered("Single sign-on", 3, ("2026-02-03", "shipped", "kyle")),
        # Answered, then merged into an idea that shipped.
        "content/ideas/xls.md": answered(
            "Excel export", 4, ("2026-02-04", "under-review", "kyle"), extra="duplicate_of: csv\n"
        ),
        # Shipped before Kyle's only answer on it: not what his answer led to.
        "content/ideas/old.md": answered(
            "Old", 5, ("2026-01-06", "shipped", "ana"), ("2026-02-10", "shipped", "kyle")
        ),
        "content/ideas/api.md": answered("API", 6, ("2026-02-06", "planned", "kyle"), author="dee"),
        "content/ideas/sms.md": answered("SMS", 7, ("2026-02-07", "declined", "kyle")),
        "content/changelog/v2.md": "---\ntitle: Version 2\ndate: 2026-05-01\nchanges:\n"
        "  - type: added\n    text: Single sign-on.\n    ideas: [sso]\n---\nNotes.\n",
    }
    site = do_build(hub(files))
    kyle = page(site, "/people/kyle/")
    main = text(kyle.xpath("//main")[0])
    assert "Nothing has shipped" not in main
    assert "No release credits" not in main
    sections = [s.get("aria-labelledby") for s in kyle.xpath("//main//section")]
    assert sections[0] == "shipped-after"
    shipped = kyle.xpath("//section[@aria-labelledby='shipped-after']")[0]
    # Newest shipping first: SSO's release (1 May), PDF (1 Apr), CSV (1 Mar).
    assert hrefs(shipped, ".//h3[@class='card-title']/a") == [
        "/ideas/sso/",
        "/ideas/pdf/",
        "/ideas/csv/",
    ]
    assert "3 ideas Kyle Lacy answered have shipped since." in text(shipped)

    answers = kyle.xpath("//section[@aria-labelledby='answers']")[0]
    items = answers.xpath(".//li[@class='answer']")
    assert len(items) == 5
    assert "8 answers, the latest 5 here" in text(answers)
    first = items[0]
    assert hrefs(first, ".//a[@class='answer-title']") == ["/ideas/csv/"]
    assert first.xpath(".//time/@datetime") == ["2026-03-01"]
    assert text(first.xpath(".//span[contains(@class,'status')]")[0]) == "Shipped"
    assert first.xpath(".//div[@class='answer-note']/p/strong")[0].text == "shipped"
    assert "for CSV export" in text(first.xpath(".//div[@class='answer-note']")[0])
    # An answer the idea has moved on from says where it stands now.
    pdf = next(i for i in items if "/ideas/pdf/" in hrefs(i, ".//a"))
    assert "Planned" in text(pdf) and "now shipped" in text(pdf)
    more = answers.xpath(".//p[@class='more']/a")[0]
    assert (more.get("href"), text(more)) == ("/people/kyle/answers/", "All 8 answers by Kyle Lacy")

    everything = page(site, "/people/kyle/answers/")
    assert text(everything.xpath("//h1")[0]).startswith("Answers by Kyle Lacy")
    assert crumbs(everything) == ["Home", "People", "Kyle Lacy", "Answers by Kyle Lacy"]
    assert len(everything.xpath("//li[@class='answer']")) == 8
    assert not everything.xpath("//nav[@class='pagination']")
    assert {"/people/kyle/answers/"} <= sitemap(site)

    # A customer with nothing credited is told so, in words true of anyone.
    dee = page(site, "/people/dee/")
    assert "No release credits dee yet." in text(
        dee.xpath("//section[@aria-labelledby='shaped']")[0]
    )
    assert not (site / "people/dee/answers").exists()


def test_a_persons_answers_are_paginated_like_the_idea_lists(hub):
    files = {
        f"content/ideas/idea-{n:02d}.md": answered(
            f"Idea {n:02d}", 1 + n, (f"2026-02-{1 + n:02d}", "under-review", "kyle")
        )
        for n in range(25)
    }
    site = do_build(hub({**PEOPLE, **files}))
    first, second = page(site, "/people/kyle/answers/"), page(site, "/people/kyle/answers/page/2/")
    titles = [hrefs(p, "//li[@class='answer']/a[@class='answer-title']") for p in (first, second)]
    assert [len(t) for t in titles] == [20, 5]
    assert titles[0][0] == "/ideas/idea-24/" and titles[1][-1] == "/ideas/idea-00/"
    assert len(set(titles[0] + titles[1])) == 25
    assert text(second.xpath("//nav[@class='breadcrumbs wrap']//li")[-1]) == (
        "Answers by Kyle Lacy (page 2 of 2)"
    )
    assert second.xpath("//nav[@class='pagination']//a[@aria-current='page']/@href") == [
        "/people/kyle/answers/page/2/"
    ]
    assert second.xpath("//a[@rel='prev']/@href") == ["/people/kyle/answers/"]
    assert {"/people/kyle/answers/", "/people/kyle/answers/page/2/"} <= sitemap(site)
    assert len(page(site, "/people/kyle/").xpath("//li[@class='answer']")) == 5


# -- the declined list and the impact page, in pages -------------------------------


def test_the_roadmap_shows_the_latest_declined_and_links_to_them_all(hub):
    files = {
        f"content/ideas/no-{n:02d}.md": answered(
            f"No {n:02d}", 1, (f"2026-02-{1 + n:02d}", "declined", "kyle")
        )
        for n in range(27)
    }
    site = do_build(hub({**PEOPLE, **files}))
    roadmap = page(site, "/roadmap/")
    declined = roadmap.xpath("//section[@aria-labelledby='declined']")[0]
    assert hrefs(declined, ".//ul[@class='declined-list']/li/*[@class='declined-title']/a") == [
        f"/ideas/no-{n:02d}/" for n in range(26, 21, -1)
    ]
    more = declined.xpath(".//p[@class='more']/a")[0]
    assert (more.get("href"), text(more)) == (
        "/roadmap/declined/",
        "All 27 declined ideas, with the reasons",
    )

    first, second = page(site, "/roadmap/declined/"), page(site, "/roadmap/declined/page/2/")
    listed = [
        hrefs(p, "//ul[@class='declined-list']/li/*[@class='declined-title']/a")
        for p in (first, second)
    ]
    assert [len(x) for x in listed] == [20, 7]
    assert listed[1][-1] == "/ideas/no-00/"
    assert "declined for No 00" in text(second.xpath("//ul[@class='declined-list']/li")[-1])
    assert crumbs(first) == ["Home", "Roadmap", "Ideas we said no to"]
    assert crumbs(second)[-1] == "Ideas we said no to (page 2 of 2)"
    assert second.xpath("//a[@rel='prev']/@href") == ["/roadmap/declined/"]
    assert {"/roadmap/declined/", "/roadmap/declined/page/2/"} <= sitemap(site)


def test_impact_traces_every_change_in_pages(hub):
    changes = "".join(
        f"  - type: added\n    text: Change {n:02d}.\n    ideas: [dark-mode]\n" for n in range(23)
    )
    files = {
        "content/ideas/dark-mode.md": answered("Dark mode", 1, ("2026-02-01", "shipped", "kyle")),
        "content/changelog/v1.md": f"---\ntitle: Version 1\ndate: 2026-03-01\nchanges:\n{changes}---\n",
        "content/changelog/v2.md": "---\ntitle: Version 2\ndate: 2026-04-01\nchanges:\n"
        "  - type: fixed\n    text: Uncredited.\n---\n",
    }
    site = do_build(hub({**PEOPLE, **files}))
    first, second = page(site, "/impact/"), page(site, "/impact/page/2/")
    traces = [p.xpath("//ol[@class='trace-list']/li") for p in (first, second)]
    assert [len(t) for t in traces] == [20, 3]
    assert "Change 22." in text(traces[1][-1])
    # The figures and charts open the first page; the rest carry on the list.
    assert first.xpath("//dl[@class='figures']") and first.xpath("//figure[@class='chart']")
    assert not second.xpath("//dl[@class='figures']") and not second.xpath("//figure")
    assert crumbs(second) == ["Home", "Impact", "Impact: you said, we did (page 2 of 2)"]
    assert first.xpath("//nav[@class='pagination']//a[@rel='next']/@href") == ["/impact/page/2/"]
    assert {"/impact/", "/impact/page/2/"} <= sitemap(site)


def test_content_cannot_take_the_new_lists_paths(hub):
    root = hub(
        {
            "content/pages/about.md": "---\ntitle: About\naliases:\n  - /roadmap/declined/page/9/\n"
            "  - /impact/page/3/\n---\nHello.\n",
        }
    )
    assert lines(root) == [
        "content/pages/about.md:4:5: error: aliases[1]: this alias would be published at "
        "/roadmap/declined/page/9/, which the list of declined ideas, /roadmap/declined/ "
        "already uses (change the alias)",
        "content/pages/about.md:5:5: error: aliases[2]: this alias would be published at "
        "/impact/page/3/, which the pagination of /impact/ already uses (change the alias)",
    ]


def test_the_full_lists_are_linked_however_short_and_absent_when_empty(hub):
    files = {
        **PEOPLE,
        "content/ideas/sms.md": answered("SMS", 1, ("2026-02-01", "declined", "kyle")),
        "content/ideas/api.md": answered("API", 2, ("2026-02-02", "planned", "kyle")),
    }
    site = do_build(hub(files))
    declined = page(site, "/roadmap/").xpath(
        "//section[@aria-labelledby='declined']//p[@class='more']/a"
    )
    assert [(a.get("href"), text(a)) for a in declined] == [
        ("/roadmap/declined/", "All declined ideas, with the reasons")
    ]
    answers = page(site, "/people/kyle/").xpath(
        "//section[@aria-labelledby='answers']//p[@class='more']/a"
    )
    assert [(a.get("href"), text(a)) for a in answers] == [
        ("/people/kyle/answers/", "All answers by Kyle Lacy")
    ]
    assert len(page(site, "/people/kyle/answers/").xpath("//li[@class='answer']")) == 2


def test_with_nothing_declined_there_is_no_declined_list(hub):
    quiet = do_build(hub({**PEOPLE, "content/ideas/api.md": idea("API")}))
    assert not (quiet / "roadmap/declined").exists()
    assert "We have not declined any idea." in text(page(quiet, "/roadmap/").xpath("//main")[0])
