"""The built example site as a whole: valid HTML5, no broken link or fragment, every
page reachable and in the sitemap, no JavaScript, nothing loaded from another host,
and a sound document outline on every page (SPEC §4, §7).

Each test reads every page of `example_site` once and reports every failure at once.
The example hub has no alias, so a tiny hub with two shows the redirect pages too.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import deque
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest
import yaml
from conftest import EPOCH, ROOT, VNU_JAR, require, write_hub
from lxml import etree
from lxml import html as lxml_html

from builder.build import build

HUB = yaml.safe_load((ROOT / "hub.yaml").read_text(encoding="utf-8"))
BASE_URL = HUB["base_url"] if HUB["base_url"].endswith("/") else HUB["base_url"] + "/"
BASE = urlsplit(BASE_URL)
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}

#: Attributes that hold a URL the browser follows or loads.
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "cite")
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
#: Elements whose URLs the browser fetches on its own while showing the page.
LOADING = {"link", "script", "img", "iframe", "embed", "object", "source", "video", "audio",
           "track", "input", "image", "use", "frame"}  # fmt: skip
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I)
HEADING = re.compile(r"h[1-6]")


@dataclass(frozen=True)
class Page:
    """One HTML file of a built site."""

    site: Path
    file: str  # "ideas/dark-mode/index.html"

    @property
    def url(self) -> str:
        """Its site path: "/ideas/dark-mode/" for a pretty URL, "/404.html" otherwise."""
        path = "/" + self.file
        return path[: -len("index.html")] if path.endswith("/index.html") else path

    @property
    def absolute(self) -> str:
        return urljoin(BASE_URL, self.url.lstrip("/"))

    @cached_property
    def tree(self) -> lxml_html.HtmlElement:
        return lxml_html.fromstring((self.site / self.file).read_bytes())

    @cached_property
    def ids(self) -> set[str]:
        return set(self.tree.xpath("//@id")) | set(self.tree.xpath("//a/@name"))

    @cached_property
    def is_redirect(self) -> bool:
        return bool(self.tree.xpath("//meta[translate(@http-equiv,'REFSH','refsh')='refresh']"))

    @property
    def is_404(self) -> bool:
        return self.file == "404.html"

    def urls(self) -> list[tuple[lxml_html.HtmlElement, str]]:
        """(element, URL) for every URL in the page, as written."""
        found = []
        for element in self.tree.iter(etree.Element):
            for attribute in URL_ATTRIBUTES:
                value = element.get(attribute)
                if value is not None:
                    found.append((element, value.strip()))
            if element.get(XLINK_HREF) is not None:
                found.append((element, element.get(XLINK_HREF).strip()))
            for candidate in (element.get("srcset") or "").split(","):
                if candidate.strip():
                    found.append((element, candidate.split()[0]))
            if element.tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
                target = re.search(r"url\s*=\s*(.+)$", element.get("content", ""), re.I)
                if target:
                    found.append((element, target.group(1).strip("'\" ")))
        return found


def pages_of(site: Path) -> dict[str, Page]:
    return {
        p.relative_to(site).as_posix(): Page(site, p.relative_to(site).as_posix())
        for p in sorted(site.rglob("*.html"))
    }


def is_external(url: str) -> bool:
    """Does `url` point at another host than the site's own?"""
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return parts.scheme not in ("mailto", "tel", "data", "about", "javascript")
    return bool(parts.netloc) and parts.hostname != BASE.hostname


def is_internal(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return False
    return not parts.netloc or parts.hostname == BASE.hostname


def resolve(page: Page, url: str) -> tuple[str | None, str | None]:
    """An internal URL → (file under the site, fragment or None), or (None, why)."""
    absolute = urldefrag(urljoin(page.absolute, url)).url
    fragment = url.split("#", 1)[1] if "#" in url else None
    parts = urlsplit(absolute)
    if (parts.scheme, parts.netloc) != (BASE.scheme, BASE.netloc):
        return None, f"is on {parts.scheme}://{parts.netloc}, not {BASE.scheme}://{BASE.netloc}"
    if not parts.path.startswith(BASE.path):
        return None, f"is outside the site's base path {BASE.path}"
    path = unquote(parts.path[len(BASE.path) :])
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path, fragment


def where(page: Page, element, url: str) -> str:
    return f"{page.file}:{element.sourceline}: <{element.tag}> {url!r}"


# -- fixtures ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(example_site) -> dict[str, Page]:
    found = pages_of(example_site)
    assert "index.html" in found and "404.html" in found
    return found


@pytest.fixture(scope="module")
def redirect_site(tmp_path_factory) -> Path:
    """The example hub has no alias, so a tiny hub with one shows the redirect page."""
    root = write_hub(
        tmp_path_factory.mktemp("aliases"),
        {
            "content/ideas/offline.md": """
                ---
                title: Offline mode
                submitted: 2026-05-01
                author: carol
                aliases: [/ideas/work-offline/, /old/offline.html]
                ---
                Offline please.
            """,
        },
        f"title: Alias Hub\nbase_url: {BASE_URL}\n",
    )
    result = build(root, root / "site", environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.ok, [d.text() for d in result.problems.errors]
    return result.out


@pytest.fixture(scope="module")
def redirects(redirect_site) -> dict[str, Page]:
    found = {f: p for f, p in pages_of(redirect_site).items() if p.is_redirect}
    assert set(found) == {"ideas/work-offline/index.html", "old/offline.html"}
    return found


# -- validity ----------------------------------------------------------------------


def test_every_page_is_valid_html5(example_site, redirect_site):
    """The Nu Html Checker, run once over both sites (one JVM start: about 3 s)."""
    require("java", "java")
    require(VNU_JAR, "the Nu Html Checker (npm ci)")
    sites = {example_site: "", redirect_site: "(alias hub) "}
    command = ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
    run = subprocess.run(
        [*command, "--skip-non-html", *map(str, sites)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(run.stderr or run.stdout)  # vnu writes its report to stderr
    messages = report["messages"]
    problems = []
    for m in messages:
        url = m.get("url", "")
        for site, label in sites.items():
            for prefix in (site.as_uri() + "/", f"file:{site}/"):
                if url.startswith(prefix):
                    url = label + url[len(prefix) :]
        problems.append(f"{url}:{m.get('lastLine', '?')}: {m['type']}: {m['message']}")
    assert not problems, "\n".join(problems)
    assert run.returncode == 0, run.stderr


# -- links -------------------------------------------------------------------------


def broken_links(site_pages: dict[str, Page], site: Path) -> list[str]:
    broken = []
    for page in site_pages.values():
        for element, url in page.urls():
            if not is_internal(url):
                continue
            target, fragment = resolve(page, url)
            if target is None:
                broken.append(f"{where(page, element, url)}: {fragment}")
                continue
            if not (site / target).is_file():
                broken.append(f"{where(page, element, url)}: no file {target}")
                continue
            if fragment:
                if not target.endswith(".html"):
                    broken.append(f"{where(page, element, url)}: a fragment on {target}")
                    continue
                ids = site_pages[target].ids if target in site_pages else set()
                if unquote(fragment) not in ids:
                    broken.append(f"{where(page, element, url)}: no id {fragment!r} in {target}")
    return broken


def test_no_broken_internal_link_or_fragment(example_site, pages):
    broken = broken_links(pages, example_site)
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken)


def test_every_page_has_a_working_skip_link(pages):
    missing = [
        p.file
        for p in pages.values()
        if not p.is_redirect
        and (not p.tree.xpath("//body/a[1][@href='#main']") or "main" not in p.ids)
    ]
    assert not missing, "pages without a skip link to #main: " + ", ".join(missing)


def test_the_404_page_works_at_any_address(pages):
    """Netlify serves 404.html at whatever path was asked, so its own links may not be
    relative to where it lives."""
    page = pages["404.html"]
    relative = [
        where(page, element, url)
        for element, url in page.urls()
        if is_internal(url) and not url.startswith(("/", "#", "http://", "https://"))
    ]
    assert not relative, "relative links on the 404 page:\n" + "\n".join(relative)


def test_redirect_pages_point_at_pages_that_exist(redirect_site, redirects):
    broken = broken_links(pages_of(redirect_site), redirect_site)
    assert not broken, "\n".join(broken)
    for page in redirects.values():
        refresh = page.tree.xpath("//meta[@http-equiv='refresh']/@content")
        assert refresh == ["0; url=/ideas/offline/"], page.file
        assert page.tree.xpath("//link[@rel='canonical']/@href") == [
            urljoin(BASE_URL, "ideas/offline/")
        ]
        assert page.tree.xpath("//meta[@name='robots']/@content") == ["noindex"]
        assert page.tree.xpath("//main//a/@href") == ["/ideas/offline/"]


# -- reachability and sitemap ------------------------------------------------------


def crawl(site_pages: dict[str, Page]) -> set[str]:
    """Every HTML file reachable from the home page by following links."""
    seen, queue = {"index.html"}, deque(["index.html"])
    while queue:
        page = site_pages[queue.popleft()]
        for element, url in page.urls():
            if element.tag not in ("a", "area") or not is_internal(url):
                continue
            target, _ = resolve(page, url)
            if target in site_pages and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def test_every_page_is_reachable_from_the_home_page(pages):
    reachable = crawl(pages)
    expected = {f for f, p in pages.items() if not p.is_404 and not p.is_redirect}
    unreachable = sorted(expected - reachable)
    assert not unreachable, "not reachable from the home page:\n" + "\n".join(unreachable)


def test_sitemap_lists_exactly_the_reachable_pages(example_site, pages):
    sitemap = etree.parse(str(example_site / "sitemap.xml"))
    assert sitemap.getroot().tag == f"{{{SITEMAP_NS['s']}}}urlset"
    locs = [loc.strip() for loc in sitemap.xpath("//s:url/s:loc/text()", namespaces=SITEMAP_NS)]
    repeated = sorted({loc for loc in locs if locs.count(loc) > 1})
    assert not repeated, f"listed twice in sitemap.xml: {repeated}"
    expected = {
        pages[f].absolute for f in crawl(pages) if not pages[f].is_redirect and not pages[f].is_404
    }
    missing, extra = sorted(expected - set(locs)), sorted(set(locs) - expected)
    assert not missing and not extra, f"sitemap.xml lacks {missing}, and lists {extra}"


# -- no JavaScript, no other host ---------------------------------------------------


def content_hosts() -> set[str]:
    """Hosts that the hub's own files name: only content may link elsewhere."""
    text = (ROOT / "hub.yaml").read_text(encoding="utf-8")
    text += "".join(p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("content/**/*.md")))
    return {
        (urlsplit(u).hostname or "").lower() for u in re.findall(r"https?://[^\s)\"'>\]]+", text)
    }


def test_only_the_themes_scripts_and_nothing_loaded_from_another_host(example_site, pages):
    hosts = content_hosts()
    problems = []
    for page in pages.values():
        for element in page.tree.iter("script"):
            # Only the theme's scripts, files of its own, and the search UI Pagefind
            # wrote into the site, run after the page is read.
            src = element.get("src") or ""
            own = src.startswith("/static/") or src == "/pagefind/pagefind-ui.js"
            if not own or element.get("defer") is None:
                problems.append(f"{page.file}:{element.sourceline}: a <script> element")
            elif not (example_site / src.removeprefix("/")).is_file():
                problems.append(f"{page.file}:{element.sourceline}: a script not in the site")
        for element in page.tree.iter(etree.Element):
            handlers = [a for a in element.attrib if a.lower().startswith("on")]
            if handlers:
                problems.append(f"{page.file}:{element.sourceline}: event handlers {handlers}")
        for element, url in page.urls():
            if url.lower().startswith("javascript:"):
                problems.append(f"{where(page, element, url)}: a javascript: URL")
            if not is_external(url):
                continue
            tag = etree.QName(element).localname
            if tag in LOADING:
                problems.append(f"{where(page, element, url)}: loads from another host")
            elif (urlsplit(url).hostname or "").lower() not in hosts:
                problems.append(f"{where(page, element, url)}: a host no content names")
        styles = [(e, e.text or "") for e in page.tree.iter("style")]
        styles += [(e, e.get("style")) for e in page.tree.xpath("//*[@style]")]
        for element, css in styles:
            for match in CSS_URL.finditer(css):
                url = match.group(2) or match.group(4)
                if is_external(url):
                    problems.append(f"{where(page, element, url)}: CSS loads from another host")
    for css_file in sorted((example_site / "static").rglob("*.css")):
        for match in CSS_URL.finditer(css_file.read_text(encoding="utf-8")):
            url = match.group(2) or match.group(4)
            if is_external(url):
                problems.append(f"{css_file.relative_to(example_site)}: url({url}) is elsewhere")
    assert not problems, "\n".join(problems)


# -- document outline ----------------------------------------------------------------


def outline_problems(page: Page) -> list[str]:
    tree, problems = page.tree, []

    def count(xpath: str, what: str, expected: int = 1) -> None:
        found = len(tree.xpath(xpath))
        if found != expected:
            problems.append(f"{page.file}: {found} {what}, expected {expected}")

    if tree.get("lang") != HUB.get("language", "en"):
        problems.append(f"{page.file}: lang {tree.get('lang')!r} on <html>, not the hub's")
    titles = tree.xpath("/html/head/title")
    if len(titles) != 1 or not titles[0].text_content().strip():
        problems.append(f"{page.file}: no single non-empty <title>")
    for image in tree.iter("img"):
        if image.get("alt") is None:
            problems.append(f"{page.file}:{image.sourceline}: <img> without alt")
    count("//main", "<main>")
    if page.is_redirect:  # a bare "this page has moved", with no site chrome
        return problems
    count("//h1", "<h1>")
    count("/html/body/header", "site <header>")
    count("/html/body/footer", "site <footer>")
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    if page.is_404:
        if canonical:
            problems.append(f"{page.file}: the 404 page names a canonical URL")
    elif canonical != [page.absolute]:
        problems.append(f"{page.file}: canonical {canonical}, expected [{page.absolute!r}]")
    previous = 0
    for heading in tree.iter(etree.Element):
        if not HEADING.fullmatch(str(heading.tag)):
            continue
        level = int(heading.tag[1])
        if level > previous + 1:
            text = " ".join(heading.text_content().split())[:60]
            after = f"follows <h{previous}>" if previous else "is the first heading"
            problems.append(f"{page.file}:{heading.sourceline}: <{heading.tag}> {text!r} {after}")
        previous = level
    return problems


def test_every_page_has_a_sound_outline(pages, redirects):
    problems = [
        p for page in (*pages.values(), *redirects.values()) for p in outline_problems(page)
    ]
    assert not problems, "\n".join(problems)
