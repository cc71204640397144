"""Badges (SPEC §10): `/ideas/SLUG/badge.svg`, an idea's status as an SVG to embed
elsewhere, in the site's colours for it, readable by a screen reader, with nothing in
it that runs or reaches another host; and the idea page's snippets to embed it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import EPOCH, ROOT
from lxml import etree
from lxml import html as lxml_html
from test_cache import cached_build, cold_tree, own_signing_key, tree

from builder.badge import char_width, text_width
from builder.build import build
from builder.schema import STATUS_LABELS, STATUSES

__all__ = ["own_signing_key"]  # the fixture, shared with test_cache

ENV = {"SOURCE_DATE_EPOCH": EPOCH}
SVG = "{http://www.w3.org/2000/svg}"
BASE = "https://example.org/hub/"
HUB_YAML = f"title: Test Hub\nbase_url: {BASE}\n"
TRICKY = 'Fish & <chips> "now"'


def _idea(title: str, status: str | None, extra: str = "") -> str:
    updates = ""
    if status is not None:
        updates = (
            "updates:\n"
            f"  - {{date: 2026-03-05, status: {status}, by: alice, note: Because we can.}}\n"
        )
    return (
        f"---\ntitle: '{title}'\nsubmitted: 2026-03-02\nauthor: bob\n{extra}{updates}---\n"
        "The customer's words.\n"
    )


#: One idea of each status, a duplicate, a duplicate of a draft, and a hostile title.
FILES = {
    "content/people/alice.md": "---\nname: Alice Moreau\nteam: true\n---\nProduct manager.\n",
    **{
        f"content/ideas/idea-{status}.md": _idea(
            f"An idea {status}", None if status == "new" else status
        )
        for status in STATUSES
    },
    "content/ideas/merged.md": _idea("Merged one", None, "duplicate_of: idea-planned\n"),
    "content/ideas/hidden.md": _idea("Not yet public", "shipped", "draft: true\n"),
    "content/ideas/orphan.md": _idea("Merged into a draft", "declined", "duplicate_of: hidden\n"),
    "content/ideas/tricky.md": _idea(TRICKY.replace("'", "''"), "in-progress"),
}


@pytest.fixture
def site(hub) -> Path:
    root = hub(FILES, HUB_YAML)
    result = build(root, environ=ENV, jobs=1)
    assert result.ok, [d.text() for d in result.problems.errors]
    return root / "site"


def _badge(site: Path, slug: str) -> etree._Element:
    """The badge of `slug`, parsed as XML: it must be well-formed to parse at all."""
    return etree.fromstring((site / "ideas" / slug / "badge.svg").read_bytes())


def _theme_colours(status: str) -> tuple[str, str]:
    """(background, text) of `status` in the theme's light scheme: the variables its
    `.status-STATUS` rule uses, read from the first (light) definition of each."""
    css = (ROOT / "templates" / "static" / "style.css").read_text(encoding="utf-8")
    rule = re.search(r"\.status-" + status + r" \{([^}]*)\}", css).group(1)
    bg_var = re.search(r"background: var\((--[\w-]+)\)", rule).group(1)
    fg_var = re.search(r"(?<![-\w])color: var\((--[\w-]+)\)", rule).group(1)

    def value(var: str) -> str:
        return re.search(re.escape(var) + r":\s*(#[0-9a-f]{6})", css).group(1)

    return value(bg_var), value(fg_var)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    lighter, darker = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _texts(svg: etree._Element) -> list[tuple[etree._Element, str]]:
    """Each text of the badge with the fill of the box it is drawn on: the last rect
    painted under its centre."""
    rects = svg.findall(f"{SVG}rect")
    found = []
    for text in svg.iter(f"{SVG}text"):
        x = float(text.get("x"))
        under = [
            r
            for r in rects
            if float(r.get("x", 0)) <= x <= float(r.get("x", 0)) + float(r.get("width"))
        ]
        found.append((text, under[-1].get("fill")))
    return found


@pytest.mark.parametrize("status", STATUSES)
def test_a_badge_says_the_status_in_words_on_the_themes_colour(site, status):
    svg = _badge(site, f"idea-{status}")
    words = STATUS_LABELS[status]
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == f"An idea {status} — status: {words}"
    assert svg.findtext(f"{SVG}title") == f"An idea {status} — status: {words}"
    (label, label_bg), (shown, shown_bg) = _texts(svg)
    assert shown.text == words
    assert (shown_bg, shown.get("fill")) == _theme_colours(status)
    for text, bg in ((label, label_bg), (shown, shown_bg)):
        assert _contrast(text.get("fill"), bg) >= 4.5, (text.text, text.get("fill"), bg)


def test_each_text_is_given_its_estimated_width_and_fits_its_box(site):
    for status in STATUSES:
        svg = _badge(site, f"idea-{status}")
        width = float(svg.get("width"))
        assert svg.get("viewBox") == f"0 0 {svg.get('width')} 20"
        boxes = sorted(float(r.get("x", 0)) for r in svg.findall(f"{SVG}rect"))
        for text, _ in _texts(svg):
            length = float(text.get("textLength"))
            assert length == text_width(text.text)
            assert text.get("lengthAdjust") == "spacing"
            left = float(text.get("x")) - length / 2
            right = float(text.get("x")) + length / 2
            assert left > 0 and right < width, (text.text, left, right, width)
        assert max(boxes) < width


def test_text_width_counts_each_character_as_a_sans_serif_at_11px():
    assert text_width("") == 0
    assert text_width("New") < text_width("Shipped") < text_width("Under review")
    assert text_width("mmm") > text_width("iii")
    assert char_width("é") == char_width("e")  # an accented letter as its letter
    assert char_width("\u0301") == 0  # a combining accent takes no room
    assert char_width("日") == 11.0  # a wide character: a full em
    assert text_width("日本") == 22


def test_a_badge_runs_nothing_and_reaches_no_other_host(site):
    for file in sorted((site / "ideas").glob("*/badge.svg")):
        data = file.read_text(encoding="utf-8")
        svg = etree.fromstring(data.encode("utf-8"))
        assert "url(" not in data and "@import" not in data, file
        for el in svg.iter():
            assert etree.QName(el).localname not in (
                "script",
                "foreignObject",
                "image",
                "use",
                "a",
                "style",
            ), file
            for name, value in el.attrib.items():
                local = etree.QName(name).localname
                assert not local.lower().startswith("on"), (file, name)
                assert local != "href", (file, name)
                assert "://" not in value and not value.startswith("//"), (file, name, value)


def test_a_duplicates_badge_shows_its_originals_status(site):
    svg = _badge(site, "merged")
    (_, _), (shown, bg) = _texts(svg)
    assert shown.text == STATUS_LABELS["planned"]
    assert (bg, shown.get("fill")) == _theme_colours("planned")
    assert (
        svg.findtext(f"{SVG}title") == "Merged one (merged into An idea planned) — status: Planned"
    )
    # Merged into an idea not published (a draft): the duplicate's own status.
    (_, _), (shown, _) = _texts(_badge(site, "orphan"))
    assert shown.text == STATUS_LABELS["declined"]
    assert not (site / "ideas" / "hidden").exists()


def test_a_title_is_escaped_in_the_badge(site):
    data = (site / "ideas" / "tricky" / "badge.svg").read_text(encoding="utf-8")
    assert "<chips>" not in data
    svg = etree.fromstring(data.encode("utf-8"))
    assert svg.findtext(f"{SVG}title") == f"{TRICKY} — status: In progress"
    assert svg.get("aria-label") == f"{TRICKY} — status: In progress"


def test_the_idea_page_offers_the_badge_to_embed_with_absolute_urls(site):
    page = lxml_html.fromstring((site / "ideas" / "idea-planned" / "index.html").read_bytes())
    (embed,) = page.xpath("//details[summary[normalize-space()='Embed this idea\u2019s status']]")
    idea_url, badge_url = BASE + "ideas/idea-planned/", BASE + "ideas/idea-planned/badge.svg"
    (preview,) = embed.xpath(".//img")
    assert preview.get("src") == "/hub/ideas/idea-planned/badge.svg"
    assert preview.get("alt") == "Status: Planned"
    markdown, snippet = embed.xpath(".//code[@data-copy]")
    for code, label in ((markdown, "Copy the Markdown"), (snippet, "Copy the HTML")):
        assert code.get("data-copy") == code.text_content()
        assert code.get("data-copy-label") == label
        assert code.get("data-copy-done") == "Copied."
    assert markdown.text_content() == f"[![Status: Planned]({badge_url})]({idea_url})"
    (link,) = lxml_html.fragment_fromstring(snippet.text_content(), create_parent=True)
    assert link.tag == "a" and link.get("href") == idea_url
    (img,) = link
    assert (img.tag, img.get("src"), img.get("alt")) == ("img", badge_url, "Status: Planned")
    for url in (idea_url, badge_url):
        assert urlsplit(url).scheme == "https" and urlsplit(url).netloc == "example.org"


def test_the_snippet_shows_a_titles_marks_as_text(site):
    page = (site / "ideas" / "tricky" / "index.html").read_text(encoding="utf-8")
    assert "<chips>" not in page
    tree_ = lxml_html.fromstring(page)
    (markdown, _) = tree_.xpath("//details//code[@data-copy]")
    assert markdown.text_content().startswith("[![Status: In progress](")


def test_badges_are_not_pages_of_the_sitemap(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "badge.svg" not in sitemap
    assert BASE + "ideas/idea-planned/" in sitemap


def test_badges_are_the_same_bytes_every_build(hub, tmp_path):
    root = hub(FILES, HUB_YAML)
    badges = []
    for name in ("one", "two"):
        out = tmp_path / name
        assert build(root, out, environ=ENV, cache=False).ok
        badges.append(
            {p.parent.name: p.read_bytes() for p in sorted(out.glob("ideas/*/badge.svg"))}
        )
    assert badges[0] == badges[1] and len(badges[0]) == len(FILES) - 2


def test_a_cached_build_follows_an_originals_new_status_to_its_duplicates_badge(hub, tmp_path):
    root = hub(FILES, HUB_YAML)
    cached_build(root)
    before = (root / "site" / "ideas" / "merged" / "badge.svg").read_bytes()
    path = root / "content" / "ideas" / "idea-planned.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "---\nThe",
            "  - {date: 2026-04-01, status: in-progress, by: alice}\n---\nThe",
        ),
        encoding="utf-8",
    )
    cached_build(root)
    after = tree(root / "site")
    assert after == cold_tree(root, tmp_path)
    assert after["ideas/merged/badge.svg"] != before
    assert b">In progress</text>" in after["ideas/merged/badge.svg"]
