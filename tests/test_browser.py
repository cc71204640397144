"""The example site in a real browser: accessibility (axe-core), keyboard use, reading
with JavaScript off, and phone widths. Chromium is driven by Playwright against the
site served over loopback http (root-relative links need a server, not file://)."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from conftest import AXE_JS, CHROMIUM, require

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: One page of every kind. The example hub is built at 2026-11-22 (conftest.EPOCH),
#: when api-webhooks-2026 is open and reports-summer-2026 is closed.
PAGES = {
    "home": "/",
    "ideas": "/ideas/",
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
    "404": "/404.html",
}

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

#: Known failures that need a template change (not CSS): (page name, axe rule id) -> why.
#: Empty: every page passes. Add an entry only with the HTML fix it waits for.
KNOWN_AXE: dict[tuple[str, str], str] = {}

PHONE = {"width": 390, "height": 844}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _serve(folder: Path) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def base_url(example_site):
    server = _serve(example_site)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    require(CHROMIUM, "Chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def _open(page, url: str) -> None:
    response = page.goto(url)
    # 404.html is served as a file, so every page here must answer 200.
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"


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


@pytest.fixture(scope="module")
def axe_page(browser):
    require(AXE_JS, "axe-core")
    page = browser.new_page()
    yield page
    page.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_wcag_violations_in_either_scheme(axe_page, base_url, name):
    """axe is injected once per page and run in light, then dark (media emulation
    re-evaluates the prefers-color-scheme rules, so colour contrast is checked in both)."""
    _open(axe_page, base_url + PAGES[name])
    axe_page.add_script_tag(path=str(AXE_JS))
    report = []
    for scheme in ("light", "dark"):
        axe_page.emulate_media(color_scheme=scheme)
        result = axe_page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        violations = [v for v in result["violations"] if (name, v["id"]) not in KNOWN_AXE]
        if violations:
            report.append(f"{PAGES[name]} ({scheme}):\n{_describe(violations)}")
    assert not report, "\n".join(report)


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


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_tab_stop_on_home_shows_a_focus_indicator(browser, base_url, scheme):
    page = browser.new_page(color_scheme=scheme)
    try:
        _open(page, base_url + "/")
        seen, missing = [], []
        for _ in range(150):
            page.keyboard.press("Tab")
            info = page.evaluate(
                """() => {
                  const el = document.activeElement;
                  if (!el || el === document.body) return null;
                  const s = getComputedStyle(el);
                  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
                                  && s.outlineColor !== 'transparent'
                                  && !s.outlineColor.endsWith(', 0)');
                  const ring = s.boxShadow !== 'none';
                  return {label: el.tagName + ' ' + (el.textContent || '').trim().slice(0, 40)
                                 + ' ' + (el.getAttribute('href') || ''),
                          ok: outline || ring};
                }"""
            )
            if info is None or info["label"] in seen[:1]:
                break  # focus left the document or wrapped round
            seen.append(info["label"])
            if not info["ok"]:
                missing.append(info["label"])
        assert len(seen) > 15, f"too few tab stops on home: {seen}"
        assert not missing, f"no visible focus indicator ({scheme}): {missing}"
    finally:
        page.close()


@pytest.mark.parametrize("name", ["home", "idea", "roadmap"])
def test_pages_read_the_same_with_javascript_off(browser, base_url, name):
    texts = {}
    for js in (True, False):
        context = browser.new_context(java_script_enabled=js)
        try:
            page = context.new_page()
            _open(page, base_url + PAGES[name])
            texts[js] = page.inner_text("body")
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
    finally:
        page.close()
    assert not failures, "horizontal overflow at 390 px:\n" + "\n".join(failures)
