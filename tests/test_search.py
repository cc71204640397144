"""Search (SPEC §9): Pagefind indexes each build; /search/ finds ideas by their words,
filters by section, status and product, says what to do without JavaScript, and
says so when a build (`--no-search`) or the preview has no index. Searches run in
Chromium against the built site, as a customer's would."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest
from conftest import EPOCH
from lxml import html as lxml_html

from builder import search
from builder.build import build
from builder.errors import UsageError

ENV = {"SOURCE_DATE_EPOCH": EPOCH}

HUB = {
    "content/people/alice.md": "---\nname: Alice Moreau\nteam: true\n---\nProduct manager.\n",
    "content/ideas/export.md": """
        ---
        title: Export to spreadsheets
        submitted: 2026-03-02
        author: bob
        product: web
        updates:
          - date: 2026-03-05
            status: planned
            by: alice
            note: Soon.
        ---
        I need every invoice as a zanzibarcsv file for my accountant.
    """,
    "content/ideas/offline.md": """
        ---
        title: Work offline
        submitted: 2026-05-01
        author: carol
        product: mobile
        ---
        On the train there is no zanzibarcsv signal at all.
    """,
    "content/ideas/merged.md": """
        ---
        title: Spreadsheet download
        submitted: 2026-05-03
        author: dave
        duplicate_of: export
        ---
        Quixotical words only a merged idea has.
    """,
    "content/ideas/secret.md": """
        ---
        title: A secret plan
        submitted: 2026-05-04
        author: erin
        draft: true
        ---
        Flibbertigibbet is a word only a draft has.
    """,
    "content/rounds/spring.md": """
        ---
        title: Spring interviews
        opens: 2026-03-01
        closes: 2026-03-31
        questions: [What slows you down?]
        ---
        We talk about zanzibarcsv habits.
    """,
    "content/pages/about.md": "---\ntitle: About\n---\nThis hub is where zanzibarcsv lives.\n",
}


def _build(root: Path, **options):
    result = build(root, environ=ENV, jobs=1, **options)
    assert result.ok, [d.text() for d in result.problems.errors]
    return root / "site"


def _page(site: Path, url: str):
    return lxml_html.fromstring((site / url.strip("/") / "index.html").read_bytes())


def _indexed(site: Path) -> int:
    """How many pages Pagefind's index holds."""
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    return sum(lang["page_count"] for lang in entry["languages"].values())


def _marked(site: Path) -> list[str]:
    """The URLs of the pages the templates mark for the index."""
    return [
        "/" + p.relative_to(site).as_posix().removesuffix("index.html")
        for p in sorted(site.rglob("*.html"))
        if b"data-pagefind-body" in p.read_bytes()
    ]


def test_the_build_indexes_what_the_templates_mark_and_nothing_else(hub):
    site = _build(hub(HUB))
    # Two ideas, a round, a page and each person's page; not the duplicate's
    # tombstone, nor a list page, nor the draft (left out of a build without --drafts).
    assert _indexed(site) == len(_marked(site)) > 0
    assert "/ideas/export/" in _marked(site) and "/ideas/offline/" in _marked(site)
    for url in ("/ideas/export/", "/rounds/spring/", "/about/", "/people/alice/"):
        assert _page(site, url).xpath("//main/@data-pagefind-body") == [""], url
    for url in ("/ideas/merged/", "/ideas/", "/roadmap/", "/search/", "/ideas/follow/"):
        assert _page(site, url).xpath("//*[@data-pagefind-body]") == [], url
    # Pagefind's own UI, from its package, served by the site itself.
    assert (site / "pagefind" / "pagefind-ui.js").is_file()
    assert (site / "pagefind" / "pagefind-ui.css").is_file()


def test_drafts_never_reach_the_index_even_in_a_build_with_drafts(hub):
    site = _build(hub(HUB), drafts=True)
    assert (site / "ideas" / "secret" / "index.html").exists()
    assert _page(site, "/ideas/secret/").xpath("//*[@data-pagefind-body]") == []
    assert "/ideas/secret/" not in _marked(site)
    assert _indexed(site) == len(_marked(site))


def test_filters_by_section_status_and_product_are_marked_on_the_idea(hub):
    site = _build(hub(HUB))
    tree = _page(site, "/ideas/export/")
    filters = {
        e.get("data-pagefind-filter").split("[")[0]: e.get("data-value")
        for e in tree.xpath("//main//*[@data-pagefind-filter]")
    }
    assert filters == {"section": "Ideas", "status": "Planned", "product": "Web app"}


def test_the_search_page_loads_pagefind_and_says_what_to_do_without_javascript(hub):
    site = _build(hub(HUB))
    tree = _page(site, "/search/")
    scripts = tree.xpath("//script/@src")
    assert "/pagefind/pagefind-ui.js" in scripts
    assert any(s.startswith("/static/search") for s in scripts)
    assert "/pagefind/pagefind-ui.css" in tree.xpath("//link[@rel='stylesheet']/@href")
    assert tree.xpath("//script[not(@src)]") == []  # the CSP allows no inline script
    fallback = tree.xpath("//noscript")[0]
    assert "needs JavaScript" in fallback.text_content()
    links = fallback.xpath(".//a/@href")
    assert "/ideas/" in links and "/ideas/status/planned/" in links
    # Linked from every page's header, and kept out of the sitemap.
    assert "/search/" in _page(site, "/ideas/").xpath("//header//nav//a/@href")


def test_no_search_builds_no_index_and_the_page_says_so(hub):
    site = _build(hub(HUB), search=False)
    assert not (site / "pagefind").exists()
    tree = _page(site, "/search/")
    assert "built without a search index" in tree.text_content()
    assert not [s for s in tree.xpath("//script/@src | //link/@href") if "pagefind" in s]


def test_cohub_build_no_search_on_the_command_line(hub):
    from builder import cli

    root = hub(HUB)
    assert cli.main(["build", "--root", str(root), "--no-search", "--jobs", "1"]) == 0
    assert not (root / "site" / "pagefind").exists()


def test_an_index_that_cannot_be_made_fails_the_build_and_keeps_the_old_site(
    hub, monkeypatch, tmp_path
):
    root = hub(HUB)
    site = _build(root)
    before = (site / "ideas" / "export" / "index.html").read_bytes()
    (root / "content" / "ideas" / "export.md").write_text(
        (root / "content" / "ideas" / "export.md").read_text().replace("Soon.", "Later.")
    )
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: no space left' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(search, "executable", lambda: broken)
    with pytest.raises(UsageError, match=r"Pagefind failed to index the site \(exit 3\)"):
        build(root, environ=ENV, jobs=1)
    assert (site / "ideas" / "export" / "index.html").read_bytes() == before


# -- in a browser --------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def searched(tmp_path_factory, browser):
    """The test hub built with its drafts shown (so a draft's page exists and could
    be indexed by mistake), served over loopback http, and a Chromium page."""
    from conftest import write_hub

    root = write_hub(tmp_path_factory.mktemp("hub"), HUB)
    site = _build(root, drafts=True)
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    yield page, f"http://127.0.0.1:{server.server_address[1]}", errors
    page.close()
    server.shutdown()
    server.server_close()


def _results(page, count: int | None = None) -> list[str]:
    """The titles of the results shown, once Pagefind's message says the search is
    done (and, with `count`, that it found that many)."""
    page.wait_for_selector(".pagefind-ui__message")
    page.wait_for_function(
        """count => {
            const said = document.querySelector('.pagefind-ui__message').textContent;
            if (said.includes('Searching')) return false;
            if (document.querySelector('.pagefind-ui__loading')) return false;
            return count === null || said.startsWith(count === 1 ? '1 result' : count + ' results');
        }""",
        arg=count,
    )
    return page.locator(".pagefind-ui__result-inner > .pagefind-ui__result-title").all_inner_texts()


def test_search_finds_an_idea_by_a_word_from_its_body(searched):
    page, base, errors = searched
    page.goto(base + "/search/?q=accountant")
    assert _results(page) == ["Export to spreadsheets"]
    page.click("text=Export to spreadsheets")
    page.wait_for_url(base + "/ideas/export/")
    assert errors == []


def test_search_never_finds_a_draft_or_a_merged_tombstone(searched):
    page, base, _ = searched
    page.goto(base + "/search/?q=flibbertigibbet")
    assert _results(page) == []
    page.goto(base + "/search/?q=quixotical")
    assert _results(page) == []


def test_search_filters_by_section_status_and_product(searched):
    page, base, errors = searched
    page.goto(base + "/search/?q=zanzibarcsv")
    assert sorted(_results(page)) == sorted(
        ["Export to spreadsheets", "Work offline", "Spring interviews", "About"]
    )
    filters = page.locator(".pagefind-ui__filter-name").all_inner_texts()
    assert {f.lower() for f in filters} >= {"section", "status", "product"}
    page.locator(".pagefind-ui__filter-name", has_text="Section").click()
    page.locator("label", has_text="Ideas").click()
    assert sorted(_results(page, 2)) == ["Export to spreadsheets", "Work offline"]
    page.locator(".pagefind-ui__filter-name", has_text="Product").click()
    page.locator("label", has_text="Mobile app").click()
    assert _results(page, 1) == ["Work offline"]
    assert errors == []
