"""The example site in a real browser: every page kind reached by clicking from home,
accessibility (axe-core) in both colour schemes, keyboard use, reading with
JavaScript off, phone widths, the filters and copy buttons the theme's scripts add,
and no console error or failed request anywhere. Chromium is driven by Playwright
against the site served over loopback http (root-relative links need a server, not
file://), with the Content-Security-Policy of netlify.toml, so a script the policy
would block fails here too.

Screenshots of every page kind (light, dark, phone) are saved to
test-artifacts/screenshots/ (or $COHUB_SCREENSHOTS) for a person to look at."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import sys
import threading
import time
import tomllib
from collections import deque
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from conftest import AXE_JS, EPOCH, ROOT, read, require
from lxml import html

from builder.urls import plan

#: One page of every kind. The example hub is built at 2026-11-22 (conftest.EPOCH),
#: when api-webhooks-2026 is open and reports-summer-2026 is closed. A new page kind
#: is one line here: `test_every_page_kind_is_in_the_table` names any kind missing.
PAGES = {
    "home": "/",
    "ideas": "/ideas/",
    "ideas-page-2": "/ideas/page/2/",
    "status": "/ideas/status/shipped/",
    "idea": "/ideas/recurring-invoices/",
    "tombstone": "/ideas/credit-union-sync/",  # duplicate_of: bank-feed-credit-unions
    "roadmap": "/roadmap/",
    "rounds": "/rounds/",
    "round-open": "/rounds/api-webhooks-2026/",
    "round-closed": "/rounds/reports-summer-2026/",
    "changelog": "/changelog/",
    "release": "/changelog/v3-2/",
    "people": "/people/",
    "person-team": "/people/maya-okafor/",
    "person-customer": "/people/sofia-marchetti/",
    "products": "/products/",
    "product": "/products/web/",
    "tags": "/tags/",
    "tag": "/tags/invoices/",
    "about": "/about/",
    "impact": "/impact/",
    "feeds": "/feeds/",
    "search": "/search/",
    "top": "/ideas/top/",
    "declined": "/roadmap/declined/",
    "person-answers": "/people/maya-okafor/answers/",
    "follow-idea": "/ideas/recurring-invoices/follow/",
    "follow-hub": "/follow/",
    "404": "/404.html",
}

#: Route kinds that are no page for a reader's browser, so not in PAGES: kind -> why.
NOT_PAGES = {
    "atom": "an Atom feed, for feed readers (tests/test_feeds.py checks them)",
    "rss": "an RSS feed, for feed readers (tests/test_feeds.py checks them)",
    "opml": "the list of feeds as OPML, for feed readers",
    "sitemap": "XML for search engines",
    "robots": "plain text for crawlers",
    "redirect": "an old address that sends the browser on to the page it names",
    "data": "open data as JSON, for other tools (tests/test_opendata.py checks it)",
    "idea-data": "an idea's open data as JSON (tests/test_opendata.py checks it)",
    "data-schema": "a JSON Schema of the open data, for other tools",
    "calendar": "an iCalendar file, for calendar programs (tests/test_calendars.py checks them)",
    "badge": "an SVG image of an idea's status, to embed elsewhere (tests/test_badge.py)",
}

#: Pages no link leads to, so no click reaches them: name -> why.
UNLINKED = {"404": "the host serves it for an address that does not exist"}

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

#: Known failures that need a template change (not CSS): (page name, axe rule id) -> why.
#: Empty: every page passes. Add an entry only with the HTML fix it waits for.
KNOWN_AXE: dict[tuple[str, str], str] = {}

PHONE = {"width": 390, "height": 844}

SCREENSHOTS = Path(os.environ.get("COHUB_SCREENSHOTS") or ROOT / "test-artifacts" / "screenshots")


def _headers() -> dict[str, str]:
    """The headers netlify.toml gives every page (`/*`): the site is tested under the
    policy it is published with."""
    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    rules = [rule for rule in config.get("headers", []) if rule["for"] == "/*"]
    return {k: v for rule in rules for k, v in rule["values"].items()}


class _Handler(http.server.SimpleHTTPRequestHandler):
    headers_to_send: ClassVar[dict[str, str]] = {}

    def end_headers(self):
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """Quiet about a browser that stops reading (a page left while it loads)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _serve(folder: Path) -> http.server.ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"headers_to_send": _headers()})
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def base_url(example_site):
    server = _serve(example_site)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _open(page, url: str) -> None:
    response = page.goto(url)
    # 404.html is served as a file, so every page here must answer 200.
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"


def _shot(page, name: str) -> None:
    """A whole-page screenshot for a person to look at (not compared with anything)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _describe(violations: list[dict]) -> str:
    out = []
    for v in violations:
        out.append(f"- {v['id']} ({v['impact']}): {v['help']}  {v['helpUrl']}")
        for node in v["nodes"][:8]:
            out.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '')}")
            out.append(f"      {node['html'][:200]}")
        if len(v["nodes"]) > 8:
            out.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(out)


# -- the table covers the site -------------------------------------------------------


def _example_routes():
    reading = read(ROOT)
    assert reading.hub is not None, [d.text() for d in reading.problems.errors]
    return plan(reading.hub)


def test_every_page_kind_is_in_the_table():
    """A page kind the build makes but this file does not open would be a page no
    browser test looks at: each kind is in PAGES, or in NOT_PAGES with the reason."""
    routes = _example_routes()
    kind_of = {route.url: route.kind for route in routes}
    stale = [f"{name} {path}" for name, path in PAGES.items() if path not in kind_of]
    assert not stale, f"PAGES names pages the example hub does not have: {stale}"
    covered = {kind_of[path] for path in PAGES.values()}
    missing = sorted({route.kind for route in routes} - covered - set(NOT_PAGES))
    assert not missing, (
        f"page kinds with no page in tests/test_browser.py's PAGES: {missing}; add one "
        "page of each (a line `'name': '/path/'`), or to NOT_PAGES if it is not HTML"
    )


# -- reaching every page ---------------------------------------------------------------


def _links(site: Path) -> dict[str, list[str]]:
    """Each built page's links to other pages of the site, in document order."""
    out: dict[str, list[str]] = {}
    for file in site.rglob("*.html"):
        rel = "/" + file.relative_to(site).as_posix()
        url = rel.removesuffix("index.html")
        tree = html.parse(str(file))
        hrefs = []
        for href in tree.xpath("//a/@href"):
            path = urlsplit(href).path
            if href.startswith("/") and (path.endswith("/") or path.endswith(".html")):
                hrefs.append(path)
        out[url] = hrefs
    return out


def _clicks(links: dict[str, list[str]], target: str) -> list[str] | None:
    """The fewest links to follow from home to `target`, as the hrefs to click."""
    came: dict[str, str | None] = {"/": None}
    todo = deque(["/"])
    while todo:
        url = todo.popleft()
        if url == target:
            hops = []
            while came[url] is not None:
                hops.append(url)
                url = came[url]
            return hops[::-1]
        for href in links.get(url, []):
            if href not in came:
                came[href] = url
                todo.append(href)
    return None


@pytest.fixture(scope="session")
def site_links(example_site):
    return _links(example_site)


def test_every_page_kind_is_reached_from_home_by_clicking(browser, base_url, site_links):
    """Links a reader can see and click, not addresses typed in: from home, each hop
    to each page of PAGES is a click on a visible link, landing where it said."""
    page = browser.new_page()
    failures = []
    try:
        for name, path in PAGES.items():
            if name in UNLINKED:
                continue
            hops = _clicks(site_links, path)
            if hops is None:
                failures.append(f"{name}: no chain of links leads from / to {path}")
                continue
            _open(page, base_url + "/")
            for href in hops:
                with page.expect_navigation():
                    page.locator(f'a[href="{href}"]:visible').first.click()
                if urlsplit(page.url).path != href:
                    failures.append(f"{name}: clicked {href}, landed on {page.url}")
                    break
    finally:
        page.close()
    assert not failures, "\n".join(failures)


def test_no_console_error_or_failed_request_on_any_page(browser, base_url):
    """Under netlify.toml's Content-Security-Policy: an inline script, a style
    attribute or a request to another host would be refused, and show here."""
    page = browser.new_page()
    problems: list[str] = []
    where = {"path": ""}
    page.on(
        "console",
        lambda m: (
            m.type in ("error", "warning")
            and problems.append(f"{where['path']}: console {m.type}: {m.text}")
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"{where['path']}: script error: {e}"))
    page.on(
        "requestfailed",
        # Aborted: still loading (the favicon) when the test moved on to the next page.
        lambda r: (
            r.failure != "net::ERR_ABORTED"
            and problems.append(f"{where['path']}: failed request {r.url}: {r.failure}")
        ),
    )
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"{where['path']}: {r.status} {r.url}"),
    )
    try:
        for path in PAGES.values():
            where["path"] = path
            _open(page, base_url + path)
            page.wait_for_load_state("load")
    finally:
        page.close()
    assert not problems, "\n".join(problems)


# -- accessibility in both schemes ------------------------------------------------------


CONTRAST_JS = """() => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const s = getComputedStyle(document.body);
  const bg = lum(rgb(s.backgroundColor)), fg = lum(rgb(s.color));
  return {background: bg, ratio: (Math.max(bg, fg) + 0.05) / (Math.min(bg, fg) + 0.05)};
}"""


@pytest.fixture(scope="session")
def axe_page(browser):
    """A page that may inject axe (an inline script, which the site's policy refuses)."""
    require(AXE_JS, "axe-core")
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_wcag_violations_in_either_scheme(axe_page, base_url, name):
    """axe is injected once per page and run in light, then dark (media emulation
    re-evaluates the prefers-color-scheme rules, so colour contrast is checked in both).
    In dark the page must be dark, its text contrasting; each scheme is photographed."""
    _open(axe_page, base_url + PAGES[name])
    axe_page.add_script_tag(path=str(AXE_JS))
    report = []
    for scheme in ("light", "dark"):
        axe_page.emulate_media(color_scheme=scheme)
        colours = axe_page.evaluate(CONTRAST_JS)
        if scheme == "dark" and colours["background"] > 0.05:
            report.append(f"{PAGES[name]} (dark): the background is not dark: {colours}")
        if colours["ratio"] < 7:
            report.append(f"{PAGES[name]} ({scheme}): body text contrast below 7:1: {colours}")
        result = axe_page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        violations = [v for v in result["violations"] if (name, v["id"]) not in KNOWN_AXE]
        if violations:
            report.append(f"{PAGES[name]} ({scheme}):\n{_describe(violations)}")
        _shot(axe_page, f"{name}-{scheme}")
    axe_page.emulate_media(color_scheme="light")
    assert not report, "\n".join(report)


def test_the_filter_controls_pass_axe_once_used(axe_page, base_url):
    """The controls and the count the script writes, in both schemes, with a filter
    chosen (cards hidden, the count and its links shown)."""
    _open(axe_page, base_url + "/roadmap/?product=web")
    axe_page.add_script_tag(path=str(AXE_JS))
    axe_page.select_option("#filter-roadmap-board-tag", index=1)
    report = []
    for scheme in ("light", "dark"):
        axe_page.emulate_media(color_scheme=scheme)
        result = axe_page.evaluate(
            "tags => axe.run('.filter-bar', {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        if result["violations"]:
            report.append(f"({scheme}):\n{_describe(result['violations'])}")
    axe_page.emulate_media(color_scheme="light")
    assert not report, "\n".join(report)


# -- the keyboard --------------------------------------------------------------------


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(browser, base_url):
    page = browser.new_page()
    try:
        _open(page, base_url + "/ideas/recurring-invoices/")
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const el = document.activeElement;
              const box = el.getBoundingClientRect();
              const style = getComputedStyle(el);
              return {cls: el.className, href: el.getAttribute('href'),
                      box: [box.left, box.top, box.right, box.bottom],
                      visible: style.visibility !== 'hidden' && style.opacity !== '0',
                      vw: innerWidth, vh: innerHeight};
            }"""
        )
        assert focused["href"] == "#main", f"first Tab stop is not the skip link: {focused}"
        left, top, right, bottom = focused["box"]
        assert focused["visible"]
        assert right - left > 20 and bottom - top > 10, f"skip link too small: {focused}"
        assert left >= 0 and right <= focused["vw"], f"skip link off screen: {focused}"
        assert top >= 0 and bottom <= focused["vh"], f"skip link off screen: {focused}"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        # The next Tab continues inside main, not back at the header.
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('main')")
    finally:
        page.close()


#: Installed before tabbing: notes each element focus lands on (by its place among
#: the page's controls) and whether it shows a focus indicator there and then.
WATCH_FOCUS_JS = """() => {
  const controls = [...document.querySelectorAll(
    'a[href], button, select, input, textarea, summary, [tabindex]:not([tabindex="-1"])'
  )].filter(el => !el.disabled && el.checkVisibility({visibilityProperty: true}));
  // checkVisibility: also what a closed <details> hides, which Tab skips.
  window.__controls = controls;
  window.__focused = [];
  document.addEventListener('focusin', event => {
    const el = event.target;
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
                    && s.outlineColor !== 'transparent' && !s.outlineColor.endsWith(', 0)');
    window.__focused.push({
      index: controls.indexOf(el),
      label: el.tagName + ' ' + (el.textContent || '').trim().slice(0, 40) + ' '
             + (el.getAttribute('href') || el.id || ''),
      ok: outline || s.boxShadow !== 'none',
    });
  });
  return controls.length;
}"""


#: The pages Tab is walked through in the dark scheme too (every page in light): the
#: focus ring's colour is the scheme's, its presence is not.
DARK_TAB = ("home", "ideas", "roadmap", "feeds", "idea")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_control_of_every_page_is_reached_by_tab_and_shows_focus(browser, base_url, scheme):
    """A keyboard-only reader: Tab from the top of each page reaches the skip link
    first, then every link, button and field of the page, each with a visible focus
    ring (an outline of 2 px or more, or a box shadow)."""
    page = browser.new_page(color_scheme=scheme)
    failures = []
    names = DARK_TAB if scheme == "dark" else PAGES
    try:
        for name in names:
            path = PAGES[name]
            _open(page, base_url + path)
            count = page.evaluate(WATCH_FOCUS_JS)
            for _ in range(count + 1):
                page.keyboard.press("Tab")
            focused = page.evaluate("window.__focused")
            if not focused or not focused[0]["label"].endswith("#main"):
                failures.append(f"{path}: the first Tab stop is not the skip link: {focused[:1]}")
            unringed = sorted({f["label"] for f in focused if not f["ok"]})
            if unringed:
                failures.append(f"{path}: no visible focus indicator on {unringed}")
            reached = {f["index"] for f in focused}
            labels = page.evaluate(
                "missed => missed.map(i => window.__controls[i].outerHTML.slice(0, 120))",
                [i for i in range(count) if i not in reached],
            )
            if labels:
                failures.append(f"{path}: Tab never reaches {labels}")
    finally:
        page.close()
    assert not failures, f"({scheme})\n" + "\n".join(failures)


# -- without JavaScript, and on a phone -----------------------------------------------


#: The page's text with what the theme's scripts added taken out again.
TEXT_WITHOUT_ENHANCEMENTS_JS = """() => {
  document.querySelectorAll('[data-enhancement]').forEach(el => el.remove());
  return document.body.innerText;
}"""


@pytest.mark.parametrize("name", ["home", "idea", "ideas", "roadmap", "feeds"])
def test_pages_read_the_same_with_javascript_off(browser, base_url, name):
    """The scripts add controls and hide nothing: with them taken away again, the
    page says just what it says without JavaScript, which leaves the filter bar
    empty."""
    texts = {}
    for js in (True, False):
        context = browser.new_context(java_script_enabled=js)
        try:
            page = context.new_page()
            _open(page, base_url + PAGES[name])
            if js:
                texts[js] = page.evaluate(TEXT_WITHOUT_ENHANCEMENTS_JS)
            else:
                texts[js] = page.inner_text("body")
                assert page.locator("[data-enhancement]").count() == 0
                assert page.evaluate(
                    "[...document.querySelectorAll('.filter-bar')]"
                    ".every(el => !el.children.length && !el.getBoundingClientRect().height)"
                ), "the filter bar takes room or shows something without JavaScript"
        finally:
            context.close()
    assert len(texts[False]) > 500, f"{PAGES[name]} is nearly empty without JavaScript"
    assert texts[False] == texts[True]


OVERFLOW_JS = """() => {
  const doc = document.scrollingElement;
  const width = innerWidth;
  const culprits = [];
  if (doc.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 0.5 && r.width > 0) {
        let p = el.parentElement, clipped = false;
        while (p && p !== document.body) {
          const ox = getComputedStyle(p).overflowX;
          if (ox !== 'visible') { clipped = true; break; }
          p = p.parentElement;
        }
        if (!clipped) culprits.push(el.tagName.toLowerCase() + '.' + el.className
                                    + ' right=' + Math.round(r.right));
      }
    }
  }
  return {scroll: doc.scrollWidth, width, culprits: culprits.slice(0, 10)};
}"""


def test_no_page_scrolls_sideways_on_a_phone(browser, base_url):
    page = browser.new_page(viewport=PHONE)
    failures = []
    try:
        for name, path in PAGES.items():
            _open(page, base_url + path)
            result = page.evaluate(OVERFLOW_JS)
            if result["scroll"] > result["width"]:
                failures.append(f"{name} {path}: {result}")
            _shot(page, f"{name}-phone")
    finally:
        page.close()
    assert not failures, "horizontal overflow at 390 px:\n" + "\n".join(failures)


#: The sum of the page's layout shifts so far (the Layout Instability API).
LAYOUT_SHIFT_JS = """() => new Promise(resolve => {
  new PerformanceObserver(list => resolve(list.getEntries()
      .filter(e => !e.hadRecentInput)
      .map(e => ({value: e.value, moved: e.sources.map(s => s.node && s.node.outerHTML
                                                                 && s.node.outerHTML.slice(0, 80))}))))
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve([]), 500);
})"""


#: The pages the theme's scripts add controls to.
ENHANCED = ("ideas", "ideas-page-2", "status", "product", "tag", "roadmap", "feeds")


def test_the_controls_appear_without_moving_the_page_on_a_phone(browser, base_url):
    """Each page is drawn before its scripts arrive (held back here, as on a slow
    network), then the filters and copy buttons appear in the room kept for them:
    nothing moves."""
    page = browser.new_page(viewport=PHONE)

    def late(route):
        time.sleep(0.2)
        route.continue_()

    moved = {}
    try:
        page.route("**/static/*.js", late)
        for name in ENHANCED:
            _open(page, base_url + PAGES[name])
            page.wait_for_selector("[data-enhancement]", state="attached")
            shifts = page.evaluate(LAYOUT_SHIFT_JS)
            if sum(s["value"] for s in shifts) >= 0.001:
                moved[PAGES[name]] = shifts
    finally:
        page.close()
    assert not moved, moved


# -- the filters ------------------------------------------------------------------


CARDS_JS = """sel => [...document.querySelectorAll(sel + ' [data-facets]')].map(el => ({
  shown: !el.hidden && el.getClientRects().length > 0,
  status: el.dataset.status, product: el.dataset.product,
  tags: el.dataset.tags.split(' ').filter(Boolean),
}))"""


def _cards(page, container: str) -> list[dict]:
    return page.evaluate(CARDS_JS, container)


def _matching(cards, **chosen) -> list[bool]:
    def match(card):
        return all(
            value in card["tags"] if facet == "tag" else card[facet] == value
            for facet, value in chosen.items()
        )

    return [match(card) for card in cards]


def test_choosing_a_status_product_and_tag_shows_just_the_matching_ideas(browser, base_url):
    page = browser.new_page()
    try:
        _open(page, base_url + "/ideas/")
        cards = _cards(page, "#idea-list")
        assert len(cards) == 20 and all(c["shown"] for c in cards)
        result = page.locator(".filter-result")
        assert result.get_attribute("role") == "status"  # read out politely, not at once

        page.select_option("#filter-idea-list-status", "planned")
        shown = [c["shown"] for c in _cards(page, "#idea-list")]
        assert shown == _matching(cards, status="planned") and 0 < sum(shown) < 20
        assert result.inner_text().startswith(f"Ideas shown on this page: {sum(shown)} of 20.")
        # Some of a longer list: the full list of the status is a link away.
        assert result.locator("a").get_attribute("href") == "/ideas/status/planned/"
        assert urlsplit(page.url).query == "status=planned"

        page.select_option("#filter-idea-list-status", "")
        page.select_option("#filter-idea-list-product", "web")
        page.select_option("#filter-idea-list-tag", "invoices")
        shown = [c["shown"] for c in _cards(page, "#idea-list")]
        assert shown == _matching(cards, product="web", tag="invoices") and sum(shown) > 0
        assert urlsplit(page.url).query == "product=web&tag=invoices"
        assert [a.get_attribute("href") for a in result.locator("a").all()] == [
            "/products/web/",
            "/tags/invoices/",
        ]

        # The address keeps the choice: opened again, the page shows the same cards.
        page.reload()
        assert [c["shown"] for c in _cards(page, "#idea-list")] == shown
        assert page.input_value("#filter-idea-list-tag") == "invoices"
        options = page.eval_on_selector_all(
            "#filter-idea-list-status option", "os => os.map(o => o.value)"
        )
        assert options == [
            "",
            "new",
            "under-review",
            "planned",
            "in-progress",
            "shipped",
            "declined",
        ]
    finally:
        page.close()


def test_a_product_page_filters_by_status_and_a_tag_page_by_product(browser, base_url):
    page = browser.new_page()
    try:
        _open(page, base_url + "/products/web/")
        assert page.locator("#filter-idea-list-product").count() == 0  # every card is web
        cards = _cards(page, "#idea-list")
        page.select_option("#filter-idea-list-status", "shipped")
        shown = [c["shown"] for c in _cards(page, "#idea-list")]
        assert shown == _matching(cards, status="shipped") and 0 < sum(shown) < len(cards)

        _open(page, base_url + "/tags/invoices/")
        assert page.locator("#filter-idea-list-tag").count() == 0
        cards = _cards(page, "#idea-list")
        page.select_option("#filter-idea-list-product", "web")
        shown = [c["shown"] for c in _cards(page, "#idea-list")]
        assert shown == _matching(cards, product="web") and 0 < sum(shown) < len(cards)
        assert page.inner_text(".filter-result") == f"Ideas shown: {sum(shown)} of {len(cards)}."
    finally:
        page.close()


def test_the_roadmap_filters_by_product_and_says_where_a_column_is_left_empty(browser, base_url):
    page = browser.new_page()
    try:
        _open(page, base_url + "/roadmap/")
        assert page.locator("#filter-roadmap-board-status").count() == 0  # the columns are
        cards = _cards(page, "#roadmap-board")
        page.select_option("#filter-roadmap-board-product", "mobile")
        shown = [c["shown"] for c in _cards(page, "#roadmap-board")]
        assert shown == _matching(cards, product="mobile") and 0 < sum(shown) < len(cards)
        empty = page.locator(".board-column:has(.board-card) .empty:visible")
        columns = page.locator(".board-column:has(.board-card)")
        without = [
            columns.nth(n).locator(".board-card:visible").count() == 0
            for n in range(columns.count())
        ]
        assert empty.count() == sum(without) > 0
        assert empty.first.inner_text() == "No idea here matches."
    finally:
        page.close()


def test_the_filters_work_from_the_keyboard(browser, base_url):
    """Tab to the first control, change it with the arrow keys: the cards follow and
    the count is said, with focus left where it was."""
    page = browser.new_page()
    try:
        _open(page, base_url + "/ideas/")
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "filter-idea-list-status":
                break
        else:
            pytest.fail("Tab never reaches the status filter")
        page.keyboard.press("ArrowDown")  # Any → the first status
        first = page.input_value("#filter-idea-list-status")
        assert first == "new"
        assert all(c["status"] == "new" for c in _cards(page, "#idea-list") if c["shown"]), (
            "the cards do not follow the control"
        )
        assert page.inner_text(".filter-result").startswith("Ideas shown")
        assert page.evaluate("document.activeElement.id") == "filter-idea-list-status"
    finally:
        page.close()


# -- copy buttons ---------------------------------------------------------------------


def test_copy_buttons_put_a_feeds_address_on_the_clipboard(browser, base_url):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        _open(page, base_url + "/feeds/")
        marked = page.locator("[data-copy]")
        buttons = page.locator("[data-copy] + button.copy-button")
        assert marked.count() == buttons.count() > 4
        button = buttons.first
        assert button.get_attribute("aria-label").startswith(button.inner_text())
        button.click()
        wanted = marked.first.get_attribute("data-copy")
        assert wanted.startswith("https://") and wanted.endswith("/feed.xml")
        assert page.evaluate("navigator.clipboard.readText()") == wanted
        assert button.inner_text() == "Copied"
        page.wait_for_function(
            "() => document.querySelector('[role=status].visually-hidden')?.textContent"
        )
    finally:
        context.close()


def test_without_the_clipboard_the_address_is_selected_to_copy_by_hand(browser, base_url):
    page = browser.new_page()  # no clipboard permission: writeText is refused
    try:
        _open(page, base_url + "/feeds/")
        page.evaluate(
            "() => { navigator.clipboard.writeText = () => Promise.reject(new Error('no')); }"
        )
        page.locator("[data-copy] + button.copy-button").first.click()
        selected = page.evaluate("getSelection().toString()")
        assert selected == page.locator("[data-copy]").first.inner_text()
        page.wait_for_function(
            "() => document.querySelector('[role=status].visually-hidden')?.textContent"
            ".includes('Ctrl+C')"
        )
    finally:
        page.close()


# -- the theme in other languages ------------------------------------------------------

#: The default theme's languages besides English, whose words are longer (German's
#: compounds, French's phrases): the layout must hold them as it holds English.
LANGUAGES = ("de", "fr", "es")
#: Pages axe reads in each language: one of each layout the longer words could break.
#: (Light only: the colours are the same in every language; English checks both.)
AXE_IN_LANGUAGES = ("home", "idea", "roadmap", "release", "impact", "feeds")
#: Pages whose script-made controls hold words: the filters' and the copy buttons'.
WORDED_CONTROLS = ("ideas", "roadmap", "feeds")


@pytest.fixture(scope="session")
def translated(tmp_path_factory):
    """The example hub built in each language (its content stays English), served:
    language -> base URL."""
    from builder.build import build

    urls, servers = {}, []
    for language in LANGUAGES:
        root = tmp_path_factory.mktemp(f"hub-{language}")
        shutil.copytree(ROOT / "content", root / "content")
        config = (ROOT / "hub.yaml").read_text(encoding="utf-8")
        (root / "hub.yaml").write_text(
            re.sub(r"(?m)^language: .*$", f"language: {language}", config), encoding="utf-8"
        )
        result = build(root, environ={"SOURCE_DATE_EPOCH": EPOCH}, search=False)
        assert result.ok, [d.text() for d in result.problems.errors]
        server = _serve(root / "site")
        servers.append(server)
        urls[language] = f"http://127.0.0.1:{server.server_address[1]}"
    yield urls
    for server in servers:
        server.shutdown()
        server.server_close()


def test_no_page_scrolls_sideways_on_a_phone_in_any_language(browser, translated):
    page = browser.new_page(viewport=PHONE)
    failures = []
    try:
        for language, base in translated.items():
            assert page.goto(base + "/").ok
            assert page.evaluate("document.documentElement.lang") == language
            for name, path in PAGES.items():
                _open(page, base + path)
                result = page.evaluate(OVERFLOW_JS)
                if result["scroll"] > result["width"]:
                    failures.append(f"{language} {name} {path}: {result}")
    finally:
        page.close()
    assert not failures, "horizontal overflow at 390 px:\n" + "\n".join(failures)


@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_nothing_in_each_language(axe_page, translated, language):
    report = []
    for name in AXE_IN_LANGUAGES:
        _open(axe_page, translated[language] + PAGES[name])
        axe_page.add_script_tag(path=str(AXE_JS))
        result = axe_page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        violations = [v for v in result["violations"] if (name, v["id"]) not in KNOWN_AXE]
        if violations:
            report.append(f"{language} {PAGES[name]}:\n{_describe(violations)}")
        _shot(axe_page, f"{name}-{language}")
    assert not report, "\n".join(report)


def test_the_controls_appear_without_moving_the_page_in_any_language(browser, translated):
    """The room kept for the filters and copy buttons fits their words in every
    language of the theme ("Kopieren" is wider than "Copy")."""
    page = browser.new_page(viewport=PHONE)

    def late(route):
        time.sleep(0.2)
        route.continue_()

    moved = {}
    try:
        page.route("**/static/*.js", late)
        for language, base in translated.items():
            for name in WORDED_CONTROLS:
                _open(page, base + PAGES[name])
                page.wait_for_selector("[data-enhancement]", state="attached")
                shifts = page.evaluate(LAYOUT_SHIFT_JS)
                if sum(s["value"] for s in shifts) >= 0.001:
                    moved[f"{language} {PAGES[name]}"] = shifts
    finally:
        page.close()
    assert not moved, moved
