"""Markdown rendering: the features authors expect, and nothing unsafe gets through."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from builder.markdown import Markdown, absolute_links, pygments_css


@pytest.fixture(params=[True, False], ids=["fast", "reference"])
def md(request):
    """Each test runs with the fast path and with the reference alone."""
    return Markdown(site_host="hub.example.com", fast=request.param)


def tree(fragment: str):
    return lxml_html.fragment_fromstring(fragment, create_parent="div")


def test_tables_strikethrough_and_task_lists(md):
    out = tree(md.render("| a | b |\n|:-|-:|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n- [ ] todo\n"))
    assert [th.text for th in out.iter("th")] == ["a", "b"]
    assert out.find(".//td").get("class") == "align-left"
    assert out.find(".//s").text == "old"
    boxes = out.findall(".//input")
    assert [b.get("checked") is not None for b in boxes] == [True, False]
    assert all(b.get("disabled") is not None for b in boxes)


def test_footnote_and_heading_ids_are_prefixed_per_fragment(md):
    text = "# Why\n\nA claim[^1].\n\n## Why\n\n[^1]: Source.\n"
    first, second = tree(md.render(text, "u1")), tree(md.render(text, "u2"))
    ids = [e.get("id") for e in first.iter() if e.get("id")]
    assert ids == ["u1-why", "fnref-u1-1", "u1-why-2", "fn-u1-1"]
    assert not set(ids) & {e.get("id") for e in second.iter() if e.get("id")}
    assert first.find(".//a[@href='#fn-u1-1']") is not None


def test_headings_sit_below_the_page_title(md):
    out = tree(md.render("# One\n\n## Two\n\n###### Six\n"))
    assert [e.tag for e in out] == ["h2", "h3", "h6"]
    # An author who starts at ## already writes below the title: no level is skipped.
    out = tree(md.render("## Two\n\n### Three\n"))
    assert [e.tag for e in out] == ["h2", "h3"]


def test_bare_urls_become_links(md):
    link = tree(md.render("See https://example.org/x for more.")).find(".//a")
    assert link.get("href") == "https://example.org/x"


def test_fenced_code_is_highlighted_and_unknown_languages_are_escaped(md):
    out = tree(md.render("```python\ndef f(): pass\n```\n\n```nope\n<b>x</b>\n```\n"))
    highlighted, plain = out.findall("pre")
    assert highlighted.get("class") == "highlight"
    assert highlighted.find(".//span[@class='k']").text == "def"
    assert plain.find("code").text == "<b>x</b>\n"
    assert plain.find(".//b") is None


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)" alt="a">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<svg onload="alert(1)"></svg>',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<form action="https://evil.example"><input name="q"></form>',
    ],
)
def test_nothing_executable_survives(md, source):
    out = tree(md.render(source))
    for element in out.iter():
        assert element.tag not in ("script", "iframe", "svg", "form", "style"), source
        for name, value in element.attrib.items():
            assert not name.startswith("on"), source
            assert name != "style", source
            assert not value.lower().replace(" ", "").startswith(("javascript:", "data:")), source


def test_raw_html_formatting_is_kept(md):
    out = tree(
        md.render(
            "Press <kbd>Ctrl</kbd> and <mark>look</mark>.\n\n<details><summary>More</summary>Hidden</details>"
        )
    )
    assert out.find(".//kbd").text == "Ctrl"
    assert out.find(".//summary").text == "More"


def test_external_links_in_customer_words_are_ugc(md):
    text = "[a](https://other.example/) [b](https://hub.example.com/ideas/) [c](/roadmap/) [d](#x)"
    links = tree(md.render(text, ugc=True)).findall(".//a")
    assert [link.get("rel") for link in links] == ["nofollow ugc noopener", None, None, None]
    staff = tree(md.render(text)).findall(".//a")
    assert [link.get("rel") for link in staff] == ["noopener", None, None, None]


def test_content_may_not_set_its_own_rel_or_classes(md):
    out = tree(
        md.render('<a href="https://x.example" rel="me" class="status-badge">x</a>', ugc=True)
    )
    link = out.find(".//a")
    assert link.get("rel") == "nofollow ugc noopener"
    assert link.get("class") is None


def test_template_syntax_in_content_is_plain_text(md):
    out = tree(md.render("{{ config.items() }} {% include x %}"))
    assert out.text_content().strip() == "{{ config.items() }} {% include x %}"


def test_absolute_links_for_feeds():
    out = absolute_links(
        '<a href="/ideas/x/">x</a> <img src="a.png"> <a href="#n">n</a>',
        "https://hub.example.com/changelog/v1/",
    )
    assert out == (
        '<a href="https://hub.example.com/ideas/x/">x</a> '
        '<img src="https://hub.example.com/changelog/v1/a.png"> '
        '<a href="https://hub.example.com/changelog/v1/#n">n</a>'
    )


def test_highlight_stylesheet_has_a_dark_variant():
    css = pygments_css()
    assert ".highlight .k" in css
    assert "@media (prefers-color-scheme: dark)" in css
