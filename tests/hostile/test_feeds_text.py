"""No plain-text field becomes markup in any feed, and links in feeds are absolute.

Names, titles, tags, product names and the hub's title are plain text (SPEC §5).
Atom says so (`type="text"` is its default); RSS 2.0 does not, and readers guess:
feedparser reads a channel's description as HTML, and a title as HTML when it holds
an end tag or a character reference. Each test reads the feeds back with feedparser
and requires the very text that was written, never an element made from it.
"""

from __future__ import annotations

import html
import json
from importlib.util import find_spec
from pathlib import Path

import feedparser
import lxml.html
import pytest
from conftest import EPOCH, write_hub
from lxml import etree

from builder.build import build
from builder.feeds import _rss_plain_text
from builder.markdown import Markdown, absolute_links, prefixed_links, rewrite_links

NAME = "<img src=x onerror=alert(1)>"
TAG = "<b>bold</b>"
TITLE = "Fish &amp; chips ]]> <i>now</i> & <Excel>"
PRODUCT = "Web <script>alert(1)</script>"
HUB_TITLE = "Hub <u>x</u> &copy ]]>"

HUB_YAML = f"""\
title: {json.dumps(HUB_TITLE)}
base_url: https://hub.example.com/
products:
  web: {json.dumps(PRODUCT)}
"""

FILES = {
    "content/people/eve.md": f"---\nname: {json.dumps(NAME)}\n---\n",
    "content/ideas/dark-mode.md": f"""
        ---
        title: {json.dumps(TITLE)}
        submitted: 2026-03-02
        author: eve
        product: web
        tags: [{json.dumps(TAG)}]
        updates:
          - date: 2026-03-04
            status: planned
            by: eve
            note: "Soon: see `x href=\\"` and [the roadmap](/roadmap/)."
        ---
        Body with `a href="` in code, then [a link](/ideas/dark-mode/#why),
        ![a sketch](sketch.png) and [mail](mailto:a@hub.example.com).
    """,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = write_hub(tmp_path_factory.mktemp("hub"), FILES, HUB_YAML)
    result = build(root, root / "site", environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.ok, [d.text() for d in result.problems.errors]
    return result.out


def read_back(detail) -> str:
    """The text a reader shows for a feedparser value: HTML read as HTML (and made of
    no element at all), anything else as it is."""
    if detail.get("type") == "text/html" and detail["value"]:
        fragment = lxml.html.fragment_fromstring(detail["value"], create_parent="p")
        assert len(fragment) == 0, f"markup in {detail['value']!r}"
        return html.unescape(detail["value"])
    return detail["value"]


def parsed(site: Path, rel: str):
    feed = feedparser.parse((site / rel).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("fmt", ["feed.xml", "rss.xml"])
def test_a_persons_name_stays_text_in_the_channel_and_items(site, fmt):
    feed = parsed(site, f"people/eve/{fmt}")
    assert read_back(feed.feed.title_detail) == f"{NAME} · {HUB_TITLE}"
    assert read_back(feed.feed.subtitle_detail) == (
        f"What {NAME} raised, was answered on, and shaped."
    )
    assert [read_back(e.title_detail) for e in feed.entries] == [
        f"{TITLE}: planned",
        f"New idea: {TITLE}",
    ]
    assert {e.author for e in feed.entries} == {NAME}


@pytest.mark.parametrize("fmt", ["feed.xml", "rss.xml"])
def test_a_tag_and_a_product_stay_text(site, fmt):
    tag = parsed(site, f"tags/b-bold-b/{fmt}")
    assert read_back(tag.feed.title_detail) == f"#{TAG} · {HUB_TITLE}"
    assert read_back(tag.feed.subtitle_detail) == f"Ideas tagged {TAG}, and their answers."
    labels = {t.label or t.term for e in tag.entries for t in e.tags}
    assert {TAG, PRODUCT} <= labels
    product = parsed(site, f"products/web/{fmt}")
    assert read_back(product.feed.title_detail) == f"{PRODUCT} · {HUB_TITLE}"


def test_no_feed_holds_an_element_made_of_plain_text(site):
    feeds = sorted(site.rglob("feed.xml")) + sorted(site.rglob("rss.xml"))
    assert len(feeds) > 10
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, path
        details = [feed.feed.title_detail, feed.feed.subtitle_detail]
        details += [e.title_detail for e in feed.entries]
        for detail in details:
            read_back(detail)  # asserts that no element is in it


def test_a_code_span_showing_href_leaves_no_link_relative(site):
    entry = etree.parse(str(site / "ideas/dark-mode/feed.xml")).getroot()
    contents = entry.xpath("//*[local-name()='content']/text()")
    body = lxml.html.fragment_fromstring("".join(contents), create_parent="div")
    links = [a.get("href") for a in body.iter("a")] + [i.get("src") for i in body.iter("img")]
    assert "https://hub.example.com/ideas/dark-mode/#why" in links
    assert "https://hub.example.com/ideas/dark-mode/sketch.png" in links
    assert "https://hub.example.com/roadmap/" in links
    assert "mailto:a@hub.example.com" in links
    assert all(link.startswith(("https://", "mailto:")) for link in links), links
    assert [c.text for c in body.iter("code")] == ['x href="', 'a href="']


def test_links_are_rewritten_in_tags_only():
    text = 'A `<a href="/x">` code span, &amp; [a link](/y/)\r\nand <img src="/z.png" alt="&quot;">'
    html_in = Markdown().render(text)
    out = absolute_links(html_in, "https://hub.example.com/p/")
    assert out == html_in.replace('href="/y/"', 'href="https://hub.example.com/y/"').replace(
        'src="/z.png"', 'src="https://hub.example.com/z.png"'
    )


def test_rewritten_links_are_escaped_for_their_attribute():
    out = rewrite_links('<a title="a&amp;b" href="/x">x</a>', lambda url: url + '?q="<&>')
    assert out == '<a title="a&amp;b" href="/x?q=&quot;&lt;&amp;&gt;">x</a>'


def test_html_without_links_is_returned_as_it_was():
    text = '<p>No link here, &amp; no src="x" either.</p>\n'
    assert absolute_links(text, "https://hub.example.com/") is text
    assert prefixed_links(text, "/hub") is text


# -- arbitrary text (Hypothesis, where installed) ----------------------------------------

if find_spec("hypothesis") is not None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    #: Text as content may hold it (SPEC §7 refuses control characters), rich in what
    #: HTML and XML read specially.
    PIECES = [*"<>&;#/!?\"'=ab xyz09-é—漢", "&amp;", "&copy", "&#60;", "</b>", "<b>", "]]>"]
    PLAIN = st.lists(st.sampled_from(PIECES), max_size=16).map("".join).map(str.strip)

    def rss_with(text: str) -> bytes:
        """An RSS document with `text` in each plain-text element, as lxml writes it."""
        rss = etree.Element("rss", version="2.0")
        channel = etree.SubElement(rss, "channel")
        for name in ("title", "description"):
            etree.SubElement(channel, name).text = text
        etree.SubElement(channel, "link").text = "https://hub.example.com/"
        item = etree.SubElement(channel, "item")
        etree.SubElement(item, "title").text = text
        etree.SubElement(item, "category").text = text
        return etree.tostring(rss, encoding="UTF-8", xml_declaration=True, pretty_print=True)

    @settings(max_examples=300, deadline=None)
    @given(PLAIN)
    def test_any_text_reads_back_as_itself_from_rss(text):
        feed = feedparser.parse(_rss_plain_text(rss_with(text)))
        assert not feed.bozo
        if text:
            assert read_back(feed.feed.title_detail) == text
            assert read_back(feed.feed.subtitle_detail) == text
            assert read_back(feed.entries[0].title_detail) == text
            assert feed.entries[0].tags[0].term == text

    @settings(max_examples=15, deadline=None)
    @given(name=PLAIN.filter(str.strip), title=PLAIN.filter(str.strip))
    def test_any_name_and_title_read_back_from_built_feeds(tmp_path_factory, name, title):
        files = {
            "content/people/eve.md": f"---\nname: {json.dumps(name)}\n---\n",
            "content/ideas/x.md": (
                f"---\ntitle: {json.dumps(title)}\nsubmitted: 2026-03-02\nauthor: eve\n---\nWords.\n"
            ),
        }
        root = write_hub(tmp_path_factory.mktemp("hub"), files)
        result = build(root, root / "site", environ={"SOURCE_DATE_EPOCH": EPOCH})
        assert result.ok, [d.text() for d in result.problems.errors]
        for fmt in ("feed.xml", "rss.xml"):
            feed = feedparser.parse((result.out / "people/eve" / fmt).read_bytes())
            assert read_back(feed.feed.title_detail) == f"{name} · Test Hub"
            assert read_back(feed.entries[0].title_detail) == f"New idea: {title}"
            assert feed.entries[0].author == name

    MARKDOWN_PIECES = [
        *"ab `\"'<>&\n*_[]()!",
        ' href="',
        " src='",
        "[x](/p/)",
        "![i](i.png)",
        "<a href=/q>",
        '`code href="`',
        "<img src=/r.png>",
        "&quot;",
        "\n\n",
        "| a |\n|--:|\n| 1 |\n",
    ]
    MARKDOWN = st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=30).map("".join)

    @settings(max_examples=300, deadline=None)
    @given(MARKDOWN)
    def test_any_markdown_has_every_link_absolute_in_feeds_and_its_text_kept(text):
        html_in = Markdown().render(text)
        out = absolute_links(html_in, "https://hub.example.com/ideas/x/")
        before = lxml.html.fragment_fromstring(html_in or "<p></p>", create_parent="div")
        after = lxml.html.fragment_fromstring(out or "<p></p>", create_parent="div")
        assert after.text_content() == before.text_content()
        assert [el.tag for el in after.iter()] == [el.tag for el in before.iter()]
        for el in after.iter("a", "img"):
            link = el.get("href") or el.get("src")
            assert link is None or link.startswith(("https://", "http://", "mailto:")), out
