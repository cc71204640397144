"""`cohub build` end to end: build small hubs and read the HTML back as a browser would."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from conftest import EPOCH, HUB_YAML, site_files
from lxml import html as lxml_html

from builder import cli
from builder.build import build
from builder.errors import UsageError

IDEA = """
    ---
    title: {title}
    submitted: 2026-{month:02d}-01
    author: bob
    ---
    Words of {title}.
"""

HUB = {
    "content/people/alice.md": "---\nname: Alice Moreau\nteam: true\n---\nProduct manager.\n",
    "content/people/bob.md": "---\nname: Bob Stone\n---\n",
    "content/ideas/dark-mode.md": """
        ---
        title: Dark mode
        submitted: 2026-03-02
        author: bob
        product: web
        tags: [Accessibility]
        supporters: [carol]
        round: spring
        updates:
          - date: 2026-03-05
            status: planned
            by: alice
            note: We will do it.
          - date: 2026-04-01
            status: shipped
            by: alice
        ---
        My eyes hurt at night.
    """,
    "content/ideas/night-theme.md": """
        ---
        title: A night theme
        submitted: 2026-03-10
        author: erin
        duplicate_of: dark-mode
        ---
        Same as dark mode.
    """,
    "content/ideas/offline.md": """
        ---
        title: Offline mode
        submitted: 2026-05-01
        author: carol
        updates:
          - date: 2026-05-11
            status: declined
            by: alice
            note: Not now, because sync conflicts would lose your invoices.
        ---
        Offline please.
    """,
    "content/rounds/spring.md": """
        ---
        title: Spring round
        opens: 2026-03-01
        closes: 2026-03-31
        questions: ["What slows you down?"]
        heard: We heard that the screen is too bright.
        ---
    """,
    "content/rounds/winter.md": """
        ---
        title: Winter round
        opens: 2026-11-01
        closes: 2026-12-15
        questions: ["What should we build next?"]
        participate: https://forms.example.com/winter
        ---
    """,
    "content/changelog/v1.md": """
        ---
        title: Version 1
        date: 2026-04-01
        version: "1.0"
        changes:
          - type: added
            text: Dark mode.
            ideas: [dark-mode]
            rounds: [spring]
            thanks: [gus]
        ---
        The first release.
    """,
    "content/pages/about.md": "---\ntitle: About\n---\nHello.\n",
}


def do_build(root: Path, out: Path | None = None, **kwargs):
    result = build(root, out, environ={"SOURCE_DATE_EPOCH": EPOCH}, **kwargs)
    assert result.ok, [d.text() for d in result.problems.errors]
    return result.out


def page(site: Path, url: str):
    path = site / url.lstrip("/")
    if url.endswith("/"):
        path = path / "index.html"
    return lxml_html.fromstring(path.read_bytes())


def hrefs(tree, selector: str = "//main//a") -> list[str]:
    return [a.get("href") for a in tree.xpath(selector)]


def text(element) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture
def site(hub):
    return do_build(hub(HUB))


def test_idea_page_links_its_round_release_people_and_duplicates(site):
    tree = page(site, "/ideas/dark-mode/")
    assert text(tree.xpath("//h1")[0]) == "Dark mode"
    links = hrefs(tree)
    for expected in (
        "/rounds/spring/",
        "/changelog/v1/",
        "/people/bob/",
        "/people/alice/",
        "/people/carol/",
        "/people/erin/",
        "/ideas/night-theme/",
        "/products/web/",
        "/tags/accessibility/",
    ):
        assert expected in links, expected
    events = tree.xpath("//ol[contains(@class,'timeline')]/li")
    assert [e.get("class").split()[-1] for e in events] == [
        "event-submitted",
        "event-planned",
        "event-shipped",
        "event-release",
    ]
    assert [t.get("datetime") for t in events[1].xpath(".//time")] == ["2026-03-05"]
    assert "first answer after 3 days" in text(events[1])
    assert "We will do it." in text(events[1])
    assert tree.xpath("//blockquote[contains(@class,'customer-words')]//p")[0].text == (
        "My eyes hurt at night."
    )


def test_a_duplicate_is_a_tombstone_pointing_to_the_original(site):
    tree = page(site, "/ideas/night-theme/")
    assert "/ideas/dark-mode/" in hrefs(tree)
    assert "merged into" in text(tree.xpath("//main")[0])
    assert not tree.xpath("//ol[contains(@class,'timeline')]")


def test_round_page_shows_state_questions_heard_ideas_and_changes(site):
    tree = page(site, "/rounds/spring/")
    main = text(tree.xpath("//main")[0])
    assert "Closed March 31, 2026" in main
    assert "What slows you down?" in main
    assert "We heard that the screen is too bright." in main
    assert "/ideas/dark-mode/" in hrefs(tree)
    assert "/changelog/v1/#change-1" in hrefs(tree)
    open_round = page(site, "/rounds/winter/")
    assert "Open until December 15, 2026" in text(open_round.xpath("//main")[0])
    assert "https://forms.example.com/winter" in hrefs(open_round)


def test_release_groups_changes_and_credits_them(site):
    tree = page(site, "/changelog/v1/")
    group = tree.xpath("//section[contains(@class,'change-group')]")[0]
    assert text(group.xpath(".//h2")[0]) == "Added"
    change = group.xpath(".//li[@id='change-1']")[0]
    assert hrefs(change, ".//a") == ["/ideas/dark-mode/", "/rounds/spring/", "/people/gus/"]


def test_person_pages_show_what_they_shaped_first(site):
    bob = page(site, "/people/bob/")
    sections = [s.get("aria-labelledby") for s in bob.xpath("//main//section")]
    assert sections[0] == "shaped"
    assert "/changelog/v1/#change-1" in hrefs(bob)
    assert "/ideas/dark-mode/" in hrefs(bob)
    alice = page(site, "/people/alice/")
    assert "team" in text(alice.xpath("//h1")[0])
    assert hrefs(alice, "//section[@aria-labelledby='answers']//a[@class='answer-title']") == [
        "/ideas/offline/",
        "/ideas/dark-mode/",
        "/ideas/dark-mode/",
    ]
    # A handle with no profile still gets a page; a name-only person does not.
    assert (site / "people/gus/index.html").is_file()


def test_roadmap_has_columns_and_declined_ideas_with_reasons(site):
    tree = page(site, "/roadmap/")
    columns = tree.xpath("//section[contains(@class,'board-column')]")
    assert [c.get("aria-labelledby") for c in columns] == [
        "col-under-review",
        "col-planned",
        "col-in-progress",
        "col-shipped",
    ]
    # dark-mode shipped on 1 Apr 2026, more than 90 days before the build date.
    assert hrefs(columns[3], ".//a[@class='board-title']") == []
    declined = tree.xpath("//ul[@class='declined-list']/li")
    assert "sync conflicts would lose your invoices" in text(declined[0])


def test_home_shows_rounds_releases_answers_and_figures(site):
    tree = page(site, "/")
    assert "/rounds/winter/" in hrefs(tree)
    assert "/changelog/v1/" in hrefs(tree)
    answered = hrefs(tree, "//section[@aria-labelledby='recent-answers']//a[@class='answer-title']")
    assert answered == ["/ideas/offline/", "/ideas/dark-mode/"]
    figures = {
        text(div.xpath("dt")[0]): text(div.xpath("dd/a")[0])
        for div in tree.xpath("//dl[@class='figures']/div")
    }
    assert figures == {
        "Ideas heard": "2",
        "Answered": "100%",
        "Median days to a first answer": "6.5",
        "Shipped": "1",
        "People credited": "4",
    }


def test_lists_are_paginated_with_numbers(hub):
    files = {
        f"content/ideas/idea-{n:02d}.md": IDEA.format(title=f"Idea {n:02d}", month=1 + n % 9)
        for n in range(45)
    }
    site = do_build(hub(files))
    first, second, third = (
        page(site, "/ideas/"),
        page(site, "/ideas/page/2/"),
        page(site, "/ideas/page/3/"),
    )
    titles = [
        len(p.xpath("//article[contains(@class,'idea-card')]")) for p in (first, second, third)
    ]
    assert titles == [20, 20, 5]
    numbers = [text(a) for a in second.xpath("//nav[@class='pagination']//a")]
    assert numbers == ["← Newer", "1", "2", "3", "Older →"]
    assert (
        second.xpath("//nav[@class='pagination']//a[@aria-current='page']")[0].get("href")
        == "/ideas/page/2/"
    )
    assert second.xpath("//a[@rel='next']")[0].get("href") == "/ideas/page/3/"
    assert second.xpath("//a[@rel='prev']")[0].get("href") == "/ideas/"
    # Newest first, without repeats across pages.
    seen = [
        a.get("href")
        for p in (first, second, third)
        for a in p.xpath("//h2[@class='card-title']/a")
    ]
    assert len(seen) == len(set(seen)) == 45


def test_drafts_are_left_out_and_named_without_links(hub):
    files = dict(HUB)
    files["content/ideas/secret.md"] = """
        ---
        title: Secret plan
        submitted: 2026-03-01
        author: bob
        draft: true
        ---
    """
    files["content/changelog/v1.md"] = HUB["content/changelog/v1.md"].replace(
        "ideas: [dark-mode]", "ideas: [dark-mode, secret]"
    )
    root = hub(files)
    site = do_build(root)
    assert not (site / "ideas/secret").exists()
    change = page(site, "/changelog/v1/").xpath("//li[@id='change-1']")[0]
    assert "Secret plan" in text(change)
    assert "/ideas/secret/" not in hrefs(change, ".//a")
    with_drafts = do_build(root, root / "preview", drafts=True)
    assert (with_drafts / "ideas/secret/index.html").is_file()
    assert "/ideas/secret/" in hrefs(page(with_drafts, "/changelog/v1/"))


def test_a_hub_template_overrides_and_extends_the_default(hub):
    files = dict(HUB)
    files["templates/idea.html"] = """
        {% extends "!default/idea.html" %}
        {% block main %}<p class="house-banner">Our own banner</p>{{ super() }}{% endblock %}
    """
    files["templates/static/favicon.svg"] = "<svg xmlns='http://www.w3.org/2000/svg'/>"
    files["templates/static/extra.txt"] = "extra"
    site = do_build(hub(files))
    tree = page(site, "/ideas/dark-mode/")
    assert text(tree.xpath("//p[@class='house-banner']")[0]) == "Our own banner"
    assert text(tree.xpath("//h1")[0]) == "Dark mode"  # the default's content is still there
    assert (site / "static/favicon.svg").read_text() == "<svg xmlns='http://www.w3.org/2000/svg'/>"
    assert (site / "static/extra.txt").read_text() == "extra"
    assert not page(site, "/rounds/spring/").xpath("//p[@class='house-banner']")


def test_a_failed_build_leaves_the_previous_site_untouched(hub, capsys, monkeypatch):
    root = hub(HUB)
    site = do_build(root)
    before = snapshot(site)
    (root / "content/ideas/broken.md").write_text("---\ntitle: Broken\n---\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert cli.main(["build", "--root", str(root)]) == 1
    _, err = capsys.readouterr()
    assert "content/ideas/broken.md:1:1: error: submitted: missing required field" in err
    assert f"nothing was written, {site} is as it was" in err
    assert snapshot(site) == before


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in site_files(folder)
    }


def test_building_twice_gives_identical_bytes_in_one_or_many_processes(hub):
    root = hub(HUB)
    first = snapshot(do_build(root, root / "a"))
    second = snapshot(do_build(root, root / "b"))
    parallel = snapshot(do_build(root, root / "c", jobs=3))
    assert first == second == parallel
    assert len(first) > 20


def test_base_url_override_moves_every_absolute_and_internal_url(hub):
    root = hub(HUB)
    site = do_build(root, base_url="https://preview--hub.netlify.app/pr-7/")
    tree = page(site, "/ideas/dark-mode/")
    assert tree.xpath("//link[@rel='canonical']")[0].get("href") == (
        "https://preview--hub.netlify.app/pr-7/ideas/dark-mode/"
    )
    assert "/pr-7/rounds/spring/" in hrefs(tree)
    assert tree.xpath("//link[@rel='stylesheet']")[0].get("href").startswith("/pr-7/static/style.")
    assert "https://preview--hub.netlify.app/pr-7/sitemap.xml" in (site / "robots.txt").read_text()
    with pytest.raises(UsageError):
        build(root, base_url="/relative/", environ={"SOURCE_DATE_EPOCH": EPOCH})


def test_aliases_redirect_in_html_and_for_netlify(hub):
    files = dict(HUB)
    files["content/ideas/offline.md"] = HUB["content/ideas/offline.md"].replace(
        "author: carol", "author: carol\n        aliases: [/ideas/work-offline/, /old/offline.html]"
    )
    site = do_build(hub(files))
    redirect = page(site, "/ideas/work-offline/")
    assert (
        redirect.xpath("//meta[@http-equiv='refresh']")[0].get("content")
        == "0; url=/ideas/offline/"
    )
    assert (
        redirect.xpath("//link[@rel='canonical']")[0].get("href")
        == "https://hub.example.com/ideas/offline/"
    )
    assert (site / "old/offline.html").is_file()
    assert (site / "_redirects").read_text() == (
        "/ideas/work-offline/ /ideas/offline/ 301\n/old/offline.html /ideas/offline/ 301\n"
    )


def test_special_files(site):
    assert "Page not found" in (site / "404.html").read_text()
    robots = (site / "robots.txt").read_text()
    assert robots == "User-agent: *\nAllow: /\n\nSitemap: https://hub.example.com/sitemap.xml\n"
    from lxml import etree

    sitemap = etree.parse(str(site / "sitemap.xml"))
    locs = sitemap.xpath(
        "//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    )
    assert "https://hub.example.com/ideas/dark-mode/" in locs
    assert not [loc for loc in locs if "404" in loc]
    stylesheets = list((site / "static").glob("style.*.css"))
    assert len(stylesheets) == 1 and len(stylesheets[0].name) == len("style.0123456789.css")


def test_every_page_has_canonical_and_social_meta(site):
    for path in sorted(site.rglob("index.html")):
        tree = lxml_html.fromstring(path.read_bytes())
        if tree.xpath("//meta[@http-equiv='refresh']"):
            continue
        assert tree.xpath("//link[@rel='canonical']/@href"), path
        assert tree.xpath("//meta[@property='og:title']/@content"), path
        assert tree.xpath("//meta[@name='twitter:card']/@content"), path


def test_repository_enables_suggest_and_edit_links(hub):
    files = dict(HUB)
    root = hub(files, hub_yaml=HUB_YAML + "repository: https://github.com/acme/hub\nbranch: live\n")
    site = do_build(root)
    tree = page(site, "/ideas/dark-mode/")
    links = hrefs(tree, "//a")
    assert "https://github.com/acme/hub/issues/new?template=idea.yml" in links
    assert "https://github.com/acme/hub/edit/live/content/ideas/dark-mode.md" in links
    # "I want this too" opens the form `cohub intake` reads, prefilled by field id.
    want = tree.xpath("//a[normalize-space()='I want this too']/@href")
    assert want == [
        "https://github.com/acme/hub/issues/new?template=me-too.yml&idea=dark-mode"
        "&title=I%20want%20this%20too%3A%20Dark%20mode"
    ]
    # Without a repository: no edit links, and "Suggest an idea" is left out when no
    # page explains how to contribute.
    plain = page(do_build(hub(HUB)), "/ideas/dark-mode/")
    assert not [h for h in hrefs(plain, "//a") if "github.com" in h]


def test_content_cannot_inject_script_or_template_code(hub):
    files = dict(HUB)
    files["content/ideas/evil.md"] = """
        ---
        title: "<script>alert(1)</script> {{ hub.config }}"
        submitted: 2026-03-01
        author: bob
        ---
        <script>alert(2)</script><img src=x onerror=alert(3)> {{ 7 * 7 }} {% raw %}x{% endraw %}
    """
    site = do_build(hub(files))
    raw = (site / "ideas/evil/index.html").read_text()
    tree = lxml_html.fromstring(raw)
    # The theme's own scripts, from the site's static folder, and nothing else.
    scripts = [s.get("src") or "inline" for s in tree.xpath("//script")]
    assert all(re.fullmatch(r"/static/[a-z]+\.[0-9a-f]{10}\.js", s) for s in scripts), scripts
    assert not tree.xpath("//@onerror")
    assert text(tree.xpath("//h1")[0]) == "<script>alert(1)</script> {{ hub.config }}"
    assert "{{ 7 * 7 }}" in text(tree.xpath("//blockquote")[0])


def test_cli_build_reports_a_summary(hub, capsys, monkeypatch):
    root = hub(HUB)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert cli.main(["build", "--root", str(root), "--out", str(root / "out")]) == 0
    _, err = capsys.readouterr()
    assert err.startswith("cohub: built ") and f"into {root / 'out'} in " in err
    assert (root / "out/index.html").is_file()
    assert cli.main(["build", "--root", str(root), "--out", str(root / "content")]) == 2


def test_cli_build_renders_on_every_core_and_times_each_stage(hub, capsys, monkeypatch):
    """--jobs defaults to the cores this process may use; --timings names each stage
    of the pipeline, in order, before the summary."""
    import builder.build

    used = []
    render_routes = builder.build.render_routes
    monkeypatch.setattr(
        builder.build,
        "render_routes",
        lambda renderer, routes, stage, jobs, progress: (
            used.append(jobs) or render_routes(renderer, routes, stage, jobs, progress)
        ),
    )
    monkeypatch.setattr(cli.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    root = hub(HUB)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert cli.main(["build", "--root", str(root), "--timings"]) == 0
    stages = [line.split(" s  ", 1)[1] for line in capsys.readouterr().err.splitlines()[:-1]]
    assert used == [3]
    assert stages[0] == "read: config, load, validate, model (0 files from the cache)"
    assert stages[1] == "plan URLs, compile templates"
    assert stages[2].startswith("find what changed: ")
    assert stages[3].startswith("render and write ") and stages[3].endswith(" (3 jobs)")
    assert stages[4] == "link 0 unchanged files, write assets"
    assert re.fullmatch(r"index \d+ pages for search \(Pagefind\)", stages[5])
    assert stages[6] == "swap the site in"
    assert stages[7] == "save the cache"
    (root / "site/index.html").unlink()  # something to do
    assert cli.main(["build", "--root", str(root), "--jobs", "1"]) == 0
    assert used == [3, 1]


class FakeTerminal:
    def __init__(self, tty: bool) -> None:
        self.tty, self.written = tty, []

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.written.append(text)

    def flush(self) -> None:
        pass


class SlowWatch:
    seconds = 2.0


def test_progress_shows_on_a_terminal_only_after_a_second():
    from builder.build import _Progress

    terminal = FakeTerminal(tty=True)
    progress = _Progress(terminal, SlowWatch(), 120)
    for n in range(1, 121):
        progress.update(n)
    progress.done()
    assert terminal.written == [
        "\rrendering 50/120 pages",
        "\rrendering 100/120 pages",
        "\r\033[K",
    ]
    piped = FakeTerminal(tty=False)
    quiet = _Progress(piped, SlowWatch(), 120)
    for n in range(1, 121):
        quiet.update(n)
    quiet.done()
    assert piped.written == []


def test_a_long_roadmap_column_links_to_the_rest(hub):
    planned = """
        ---
        title: Idea {n}
        submitted: 2026-01-01
        author: bob
        supporters: [{supporters}]
        updates:
          - date: 2026-01-02
            status: planned
            by: alice
        ---
    """
    people = [f"p{k}" for k in range(15)]
    files = {
        f"content/ideas/idea-{n:02d}.md": planned.format(n=n, supporters=", ".join(people[:n]))
        for n in range(15)
    }
    site = do_build(hub(files))
    column = page(site, "/roadmap/").xpath("//section[@aria-labelledby='col-planned']")[0]
    cards = hrefs(column, ".//a[@class='board-title']")
    # The twelve most asked-for ideas, then a link to the other three.
    assert cards == [f"/ideas/idea-{n:02d}/" for n in range(14, 2, -1)]
    assert text(column.xpath(".//span[@class='count']")[0]) == "15"
    more = column.xpath(".//p[@class='more']/a")[0]
    assert (more.get("href"), text(more)) == ("/ideas/status/planned/", "3 more planned")


def test_an_idea_links_the_issue_it_came_in_as(hub):
    files = dict(HUB)
    files["content/ideas/dark-mode.md"] = files["content/ideas/dark-mode.md"].replace(
        "product: web", "product: web\n        source: https://github.com/acme/hub/issues/12"
    )
    tree = page(do_build(hub(files)), "/ideas/dark-mode/")
    links = tree.xpath("//a[@href='https://github.com/acme/hub/issues/12']")
    assert [a.get("rel") for a in links] == ["nofollow ugc noopener"]
