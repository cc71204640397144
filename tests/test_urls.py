"""The URL table: one place decides every path, and no two sources share one."""

from __future__ import annotations

from conftest import lines, read

from builder.urls import Route, Urls, plan

IDEA = """
    ---
    title: {title}
    submitted: 2026-01-01
    author: bob
    ---
    Words of {title}.
"""


def test_pretty_urls_map_to_index_files():
    assert Route("/ideas/dark-mode/", "idea").file == "ideas/dark-mode/index.html"
    assert Route("/", "home").file == "index.html"
    assert Route("/sitemap.xml", "sitemap").file == "sitemap.xml"
    assert Route("/old.html", "redirect").file == "old.html"


def test_urls_are_relative_and_absolute_from_base_url():
    urls = Urls("https://hub.example.com/sub")
    assert urls.idea("dark-mode") == "/ideas/dark-mode/"
    assert urls.ideas(2) == "/ideas/page/2/"
    assert urls.status("under-review") == "/ideas/status/under-review/"
    assert urls.absolute("/ideas/x/") == "https://hub.example.com/sub/ideas/x/"


def test_lists_are_paginated_with_every_page_planned(hub):
    files = {f"content/ideas/idea-{n:02d}.md": IDEA.format(title=f"Idea {n}") for n in range(45)}
    routes = plan(read(hub(files)).hub)
    ideas = [r for r in routes if r.kind == "ideas"]
    assert [(r.url, r.page, r.pages) for r in ideas] == [
        ("/ideas/", 1, 3),
        ("/ideas/page/2/", 2, 3),
        ("/ideas/page/3/", 3, 3),
    ]
    new = [r.url for r in routes if r.kind == "status" and r.key == "new"]
    assert new == ["/ideas/status/new/", "/ideas/status/new/page/2/", "/ideas/status/new/page/3/"]


def test_an_idea_slugged_page_collides_with_pagination(hub):
    root = hub({"content/ideas/page.md": IDEA.format(title="Page")})
    assert lines(root) == [
        "content/ideas/page.md:1:1: error: this file would be published at /ideas/page/, "
        "which the pagination of /ideas/ already uses (rename the file)"
    ]


def test_a_page_slugged_like_a_section_collides(hub):
    root = hub(
        {
            "content/pages/ideas.md": "---\ntitle: Ideas\n---\n",
            "content/pages/search.md": "---\ntitle: Search\n---\n",
        }
    )
    assert lines(root) == [
        "content/pages/ideas.md:1:1: error: this file would be published at /ideas/, "
        "which the site's own ideas page already uses (rename the file)",
        "content/pages/search.md:1:1: error: this file would be published at /search/, "
        "which the site's own search page already uses (rename the file)",
    ]


def test_an_alias_onto_a_real_page_names_both(hub):
    root = hub(
        {
            "content/ideas/dark-mode.md": IDEA.format(title="Dark mode"),
            "content/pages/about.md": "---\ntitle: About\naliases:\n  - /old-about/\n  - /ideas/Dark-Mode/\n---\n",
        }
    )
    assert lines(root) == [
        "content/pages/about.md:5:5: error: aliases[2]: this alias would be published at "
        "/ideas/Dark-Mode/, which content/ideas/dark-mode.md already uses (change the alias)"
    ]


def test_an_alias_within_a_section_is_fine(hub):
    idea = (
        "---\ntitle: Night\nsubmitted: 2026-01-01\nauthor: bob\naliases: [/ideas/dark-mode/]\n"
        "---\nWords.\n"
    )
    root = hub({"content/ideas/night-mode.md": idea})
    assert lines(root) == []
    redirect = next(r for r in plan(read(root).hub) if r.kind == "redirect")
    assert (redirect.url, redirect.target) == ("/ideas/dark-mode/", "/ideas/night-mode/")
