"""Nothing planted, nothing executable: content cannot publish a file a static host
reads as configuration or the site's own files, a base URL cannot break out of
where it is written, and CSS from content can only align table cells.

Every path content asks for is judged once, in `urls.refusal` and `urls.collisions`,
on the path as a host or a file system may read it; these tests try the spellings
that once reached a host (SPEC §7: no file is written outside what the site means).
"""

from __future__ import annotations

import dataclasses
import json
import re

import lxml.etree
import lxml.html
import pytest
from conftest import EPOCH, lines, read

from builder.build import build, netlify_redirects
from builder.engine.revision import Revision
from builder.markdown import Markdown
from builder.render import Renderer
from builder.urls import normal_path, plan, refusal, resolved_path

IDEA = """
    ---
    title: Dark mode
    submitted: 2026-03-02
    author: bob
    aliases: [{alias}]
    ---
    Please.
"""
AT = "content/ideas/dark-mode.md:5:11: error: aliases[1]: this alias would be published at"
HEADERS = "a file Netlify and Cloudflare Pages read as headers for the site, not a page"
REDIRECTS = "a file Netlify and Cloudflare Pages read as redirect rules, not a page"
DOT = "and a name starting with a dot ('{}') is one hosts hide or read as configuration"
PATH_HINT = "a path on this site: starts with /, letters, digits, . _ ~ - between slashes, no .."

#: (alias as written in YAML, the one diagnostic `check` gives for it).
BAD_ALIASES = [
    ("/_headers", f"{AT} /_headers, {HEADERS} (choose another path)"),
    ("/_redirects", f"{AT} /_redirects, {REDIRECTS} (choose another path)"),
    (
        "/netlify.toml",
        f"{AT} /netlify.toml, a file Netlify reads as its configuration, not a page "
        "(choose another path)",
    ),
    (
        "/_worker.js",
        f"{AT} /_worker.js, a file Cloudflare Pages runs as the site's worker, not a page "
        "(choose another path)",
    ),
    (
        "/docs/web.config",
        f"{AT} /docs/web.config, a file IIS reads as its configuration, not a page "
        "(choose another path)",
    ),
    ("/.htaccess", f"{AT} /.htaccess, {DOT.format('.htaccess')} (choose a path without one)"),
    (
        "/.well-known/security.txt",
        f"{AT} /.well-known/security.txt, {DOT.format('.well-known')} (choose a path without one)",
    ),
    ("/.git/config", f"{AT} /.git/config, {DOT.format('.git')} (choose a path without one)"),
    ("/_HEADERS", f"{AT} /_HEADERS, {HEADERS} (choose another path)"),
    ("/_headers.", f"{AT} /_headers. (read as /_headers), {HEADERS} (choose another path)"),
    ("//_redirects", f"{AT} //_redirects (read as /_redirects), {REDIRECTS} (choose another path)"),
    (
        "/static/x.js",
        f"{AT} /static/x.js, which the site's asset folder /static/ already uses "
        "(change the alias)",
    ),
    (
        "/static",
        f"{AT} /static, which the site's asset folder /static/ already uses (change the alias)",
    ),
    ("/ideas", f"{AT} /ideas, which the site's /ideas/ section already uses (change the alias)"),
    (
        "/Static/style.css",
        f"{AT} /Static/style.css, which the site's asset folder /static/ already uses "
        "(change the alias)",
    ),
    (
        "/pagefind/pagefind.js",
        f"{AT} /pagefind/pagefind.js, which the search index's folder /pagefind/ already uses "
        "(change the alias)",
    ),
    (
        "/api/v2/hub.json",
        f"{AT} /api/v2/hub.json, which the open data's folder /api/ already uses "
        "(change the alias)",
    ),
    (
        "/__cohub/events",
        f"{AT} /__cohub/events, which the preview's own path /__cohub/ already uses "
        "(change the alias)",
    ),
    (
        "/feed.xml",
        f"{AT} /feed.xml, which the site's own atom page already uses (change the alias)",
    ),
    ("/rss.xml", f"{AT} /rss.xml, which the site's own rss page already uses (change the alias)"),
    (
        "/feeds.opml",
        f"{AT} /feeds.opml, which the site's own opml page already uses (change the alias)",
    ),
    (
        "/sitemap.xml",
        f"{AT} /sitemap.xml, which the site's own sitemap page already uses (change the alias)",
    ),
    (
        "/robots.txt",
        f"{AT} /robots.txt, which the site's own robots page already uses (change the alias)",
    ),
    ("/404.html", f"{AT} /404.html, which the site's own 404 page already uses (change the alias)"),
    (
        "/index.html",
        f"{AT} /index.html, which the site's own home page already uses (change the alias)",
    ),
    (
        "/rounds.ics",
        f"{AT} /rounds.ics, which the site's own calendar page already uses (change the alias)",
    ),
    (
        "/feed.xml/",
        f"{AT} /feed.xml/, which the site's own atom page, a file at /feed.xml, already uses "
        "(change the alias)",
    ),
    (
        "/ideas/page/3/",
        f"{AT} /ideas/page/3/, which the pagination of /ideas/ already uses (change the alias)",
    ),
    (
        "/ideas/status/shipped/page/9/",
        f"{AT} /ideas/status/shipped/page/9/, which the status lists under /ideas/status/ "
        "already uses (change the alias)",
    ),
    (
        "/" + "a" * 300 + "/",
        f"{AT} /{'a' * 300}/, whose part '{'a' * 20}…' is longer than the 255 bytes a file "
        "name may have (shorten it)",
    ),
    # Spellings the validator already refuses as paths; they must not reach a host.
    *(
        (
            alias,
            "content/ideas/dark-mode.md:5:11: error: aliases[1]: expected a path like "
            f"/old/path/, found '{alias}' ({PATH_HINT})",
        )
        for alias in (
            "/./_headers",
            "/a/../_headers",
            "/%2e%2e/_headers",
            "/%5Fheaders",
            "/%255Fheaders",
            "/\uff3fheaders",
            "/_headers%00.html",
        )
    ),
]


@pytest.mark.parametrize(("alias", "expected"), BAD_ALIASES, ids=[a for a, _ in BAD_ALIASES])
def test_an_alias_a_host_would_read_as_configuration_is_refused(hub, alias, expected):
    root = hub({"content/ideas/dark-mode.md": IDEA.format(alias=f"'{alias}'")})
    assert lines(root) == [expected]


def test_a_backslash_alias_is_refused(hub):
    root = hub({"content/ideas/dark-mode.md": IDEA.format(alias=r"'/a\..\_headers'")})
    assert lines(root) == [
        "content/ideas/dark-mode.md:5:11: error: aliases[1]: expected a path like /old/path/, "
        rf"found '/a\..\_headers' ({PATH_HINT})"
    ]


@pytest.mark.parametrize(
    ("url", "resolved"),
    [
        ("/%2e%2e/_headers", "/_headers"),
        ("/%2E/_redirects", "/_redirects"),
        ("/%5Fheaders", "/_headers"),
        ("/%255Fheaders", "/_headers"),  # escaped twice, as behind a proxy
        ("/a\\..\\_headers", "/_headers"),
        ("/\uff3fheaders", "/_headers"),  # a full-width low line
        ("/a/./b//c/", "/a/b/c/"),
        ("/a/../../_headers", "/_headers"),
        ("/_headers. ", "/_headers"),
        ("/ideas/..", "/"),
    ],
)
def test_paths_are_judged_as_a_host_may_read_them(url, resolved):
    assert resolved_path(url) == resolved
    assert refusal(url) is not None


def test_each_spelling_of_one_path_is_one_claim():
    assert normal_path("/About/") == normal_path("/about/") == normal_path("/ABOUT/./") == "/about/"
    assert normal_path("/old/path/") == "/old/path/"


@pytest.mark.parametrize(
    ("url", "reason", "hint"),
    [
        (
            "/%5Fheaders",
            " (read as /_headers), a file Netlify and Cloudflare Pages read as headers "
            "for the site, not a page",
            "choose another path",
        ),
        (
            "/%2e%2e/.well-known/x",
            " (read as /.well-known/x), and a name starting with a dot ('.well-known') is "
            "one hosts hide or read as configuration",
            "choose a path without one",
        ),
        (
            "/stat%69c/x.js",
            " (read as /static/x.js), which the site's asset folder /static/ already uses",
            "",
        ),
        ("/old./", ", which hosts may read as /old/", "write it as /old/"),
    ],
)
def test_refusals_name_what_the_path_reads_as(url, reason, hint):
    assert refusal(url) == (reason, hint)


@pytest.mark.parametrize("alias", ["/old/path/", "/ideas/old-name/", "/Old/Offline.html"])
def test_good_aliases_keep_working(hub, tmp_path, alias):
    root = hub({"content/ideas/dark-mode.md": IDEA.format(alias=alias)})
    assert lines(root) == []
    result = build(root, tmp_path / "site", environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.ok
    page = alias.lstrip("/") + ("index.html" if alias.endswith("/") else "")
    redirect = lxml.html.parse(str(result.out / page)).getroot()
    refresh = redirect.xpath("//meta[@http-equiv='refresh']")[0].get("content")
    assert refresh == "0; url=/ideas/dark-mode/"
    assert (result.out / "_redirects").read_text() == f"{alias} /ideas/dark-mode/ 301\n"


def test_a_file_and_a_folder_of_one_name_are_a_clash(hub):
    idea = IDEA.format(alias="/old, /old/more/")
    root = hub({"content/ideas/dark-mode.md": idea})
    assert lines(root) == [
        "content/ideas/dark-mode.md:5:17: error: aliases[2]: this alias would be published at "
        "/old/more/, which content/ideas/dark-mode.md (aliases[1]), a file at /old, already "
        "uses (change the alias)"
    ]


@pytest.mark.parametrize(
    ("slug", "owner"),
    [
        ("api", "the open data's folder /api/"),
        ("static", "the site's asset folder /static/"),
        ("pagefind", "the search index's folder /pagefind/"),
        ("follow", "the site's own follow page"),
        ("search", "the site's own search page"),
    ],
)
def test_a_page_may_not_take_the_sites_own_folders(hub, slug, owner):
    root = hub({f"content/pages/{slug}.md": "---\ntitle: Mine\n---\n"})
    assert lines(root) == [
        f"content/pages/{slug}.md:1:1: error: this file would be published at /{slug}/, "
        f"which {owner} already uses (rename the file)"
    ]


def test_no_refused_alias_is_ever_written(hub, tmp_path):
    aliases = ", ".join(f"'{alias}'" for alias, _ in BAD_ALIASES[:12])
    root = hub({"content/ideas/dark-mode.md": IDEA.format(alias=aliases)})
    result = build(root, tmp_path / "site", environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert not result.ok and len(result.problems.errors) == 12
    assert not (tmp_path / "site").exists()


# -- a base URL is escaped wherever it is written ----------------------------------------

HOSTILE_BASE = "https://hub.example.com/p\" onmouseover=\"alert(1)' data-x='<b>y</b>\\z\n/"
SMALL_HUB = {
    "content/ideas/dark-mode.md": """
        ---
        title: Dark mode
        submitted: 2026-03-02
        author: bob
        aliases: [/old/dark/]
        tags: [ui]
        ---
        Please, see [the roadmap](/roadmap/) and ![a sketch](/static/sketch.png).
    """,
    "content/pages/about.md": """
        ---
        title: About
        ---
        Read [the ideas](/ideas/).
    """,
}


@pytest.fixture
def hostile_site(hub):
    """Every file of a small hub rendered with HOSTILE_BASE as hub.yaml's base URL and
    as --base-url, bypassing their validation: each writer must escape it itself."""
    root = hub(SMALL_HUB)
    model = read(root).hub
    model = dataclasses.replace(
        model, config=dataclasses.replace(model.config, base_url=HOSTILE_BASE)
    )
    routes = plan(model)
    renderer = Renderer(Revision(model), routes, root, HOSTILE_BASE)
    files = {
        route.file: renderer.render(route) for route in sorted(routes, key=lambda r: r.is_feed)
    }
    files["_redirects"] = netlify_redirects(renderer, routes)
    return files


def test_a_base_url_breaks_out_of_no_attribute_or_element(hostile_site):
    for name, text in hostile_site.items():
        data = text.encode() if isinstance(text, str) else text
        if name.endswith(".html"):
            docs = [lxml.html.document_fromstring(data)]
        elif name.endswith((".xml", ".opml", ".svg")):  # feeds, the OPML, the badges
            tree = lxml.etree.fromstring(data)
            docs = [tree] + [
                lxml.html.fragment_fromstring(el.text, create_parent="div")
                for el in tree.iter()
                if isinstance(el.tag, str) and el.text and "<" in el.text
            ]
        elif name.endswith(".json"):  # the open data: its URLs stay URLs, its HTML inert
            values = list(_strings(json.loads(text)))
            for url in (v for v in values if v.startswith("http")):
                assert not set(url) & set('"<> \n'), (name, url)
            docs = [
                lxml.html.fragment_fromstring(v, create_parent="div") for v in values if "<" in v
            ]
        else:  # robots.txt, _redirects, the calendars (bytes, as feeds are)
            text = data.decode("utf-8")
            assert "\n/" not in text and '"' not in text and "<" not in text, name
            continue
        for doc in docs:
            for el in doc.iter():
                if not isinstance(el.tag, str):
                    continue
                assert el.tag.rpartition("}")[2] != "b", f"{name}: <b> from the base URL"
                assert not [a for a in el.attrib if a.startswith(("on", "data-x"))], (name, el.tag)


def _strings(value):
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_a_base_url_is_percent_escaped_everywhere(hostile_site):
    escaped = "https://hub.example.com/p%22%20onmouseover=%22alert(1)%27%20data-x=%27%3Cb%3Ey%3C/b%3E%5Cz%0A/"
    home = lxml.html.document_fromstring(hostile_site["index.html"])
    assert home.xpath("//link[@rel='canonical']")[0].get("href") == escaped
    about = lxml.html.document_fromstring(hostile_site["about/index.html"])
    links = [a.get("href") for a in about.xpath("//main//a")]
    assert escaped.removeprefix("https://hub.example.com") + "ideas/" in links
    redirect = lxml.html.document_fromstring(hostile_site["old/dark/index.html"])
    refresh = redirect.xpath("//meta[@http-equiv='refresh']")[0].get("content")
    assert (
        refresh == "0; url=" + escaped.removeprefix("https://hub.example.com") + "ideas/dark-mode/"
    )
    (rule,) = hostile_site["_redirects"].splitlines()
    assert len(rule.split()) == 3
    assert hostile_site["robots.txt"].splitlines()[-1] == f"Sitemap: {escaped}sitemap.xml"
    feed = lxml.etree.fromstring(hostile_site["feed.xml"])
    ids = feed.xpath("//*[local-name()='id']/text()")
    assert ids[0] == escaped + "feed.xml"
    assert all(re.fullmatch(r"[^\s\"'<>\\]+", i) for i in ids)


# -- CSS from content ---------------------------------------------------------------------


def test_table_alignment_is_kept():
    """As classes, since the site's Content-Security-Policy applies no inline style;
    a class a customer writes is still dropped."""
    html = Markdown().render("| a | b | c |\n| :-- | --: | :-: |\n| 1 | 2 | 3 |\n")
    cells = lxml.html.fragment_fromstring(html, create_parent="div").xpath("//td")
    assert [(c.get("class"), c.get("style")) for c in cells] == [
        ("align-left", None),
        ("align-right", None),
        ("align-center", None),
    ]
    raw = Markdown().render('<table><tr><td class="align-right evil">x</td></tr></table>')
    assert 'class="align-right"' in raw and "evil" not in raw


def test_raw_cell_alignment_is_kept_as_written():
    html = Markdown().render('<table><tr><td style="text-align:right">x</td></tr></table>')
    cell = lxml.html.fragment_fromstring(html, create_parent="div").xpath("//td")[0]
    assert cell.get("style") == "text-align:right"


@pytest.mark.parametrize(
    "style",
    [
        "text-align:expression(alert(1))",
        "text-align:right;position:fixed",
        "position:fixed;inset:0",
        "background:url(https://evil.example/x.png)",
        "text-align:right;background-image:url(x)",
        "text-align:-moz-binding(url(x))",
        "text-align:right /* */; top:0",
        "behavior:url(x.htc)",
    ],
)
def test_any_other_style_from_content_is_dropped(style):
    html = Markdown().render(f'<table><tr><td style="{style}" align="right">x</td></tr></table>')
    cell = lxml.html.fragment_fromstring(html, create_parent="div").xpath("//td")[0]
    assert cell.get("style") is None
    assert cell.get("align") == "right"


def test_style_is_kept_on_no_other_element():
    html = Markdown().render('<p style="text-align:center">x</p><span style="color:red">y</span>')
    assert "style" not in html and "align" not in html
